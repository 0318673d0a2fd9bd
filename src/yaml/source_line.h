// The source line under a diagnostic's caret, and the order issues are shown in: every YAML
// reader (a rule set, a programme) finishes its issues here.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "smedx/diagnostics.h"

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

// Gives each located issue in `file` the text of its line, for the caret under it.
inline void attach_source_lines(std::vector<Issue>& issues, std::string_view file,
                                std::string_view text) {
  for (auto& issue : issues)
    if (issue.where.known() && issue.where.file == file)
      issue.source_line = line_of(text, issue.where.line);
}

// Reading order: by file, line and column; issues with no place (a missing top-level key, an
// unreadable file) after them. Stable, so issues at one place keep the order they were found in.
inline void sort_issues(std::vector<Issue>& issues) {
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    if (a.where.known() != b.where.known()) return a.where.known();
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
}

}  // namespace smedx::detail
