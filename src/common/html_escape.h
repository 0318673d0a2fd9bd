// Text into HTML: the one escaping both report writers (diagnosis files, pilot pages) use, and
// the one way they write a file name into a link.
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

// A file name as the relative URL that opens it: ASCII other than letters, digits and -._~
// percent-encoded, so that `x#1.html` is not read as `x` and a fragment, nor `50%.html` as an
// escape; UTF-8 (page names hold no other bytes) left as it is, which HTML allows in a link.
inline std::string href(std::string_view file) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(file.size());
  for (const char ch : file) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace smedx::detail
