// The text of one line of a source (a rule set, a programme), for a diagnostic's source line.
#pragma once

#include <string>
#include <string_view>

namespace smedx::detail {

// Line `line` (1-based) of `text`, without its line ending; empty past the end.
inline std::string line_of(std::string_view text, int line) {
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  std::size_t end = text.find('\n', start);
  std::string_view out =
      text.substr(start, end == std::string_view::npos ? text.npos : end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return std::string(out);
}

}  // namespace smedx::detail
