// Text into HTML: the one escaping both report writers (diagnosis files, pilot pages) use.
#pragma once

#include <string>
#include <string_view>

namespace smedx::detail {

// Appends `s` to `out`, escaped. Runs of plain text are copied whole: a cohort's files escape
// megabytes of Chinese text, almost none of which needs it.
inline void html_escape_to(std::string& out, std::string_view s) {
  std::size_t run = 0;  // s[run, i) is copied as it is
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::string_view entity;
    switch (s[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&#39;";
        break;
      default:
        continue;
    }
    out.append(s.data() + run, i - run);
    out.append(entity);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  html_escape_to(out, s);
  return out;
}

}  // namespace smedx::detail
