#include "smedx/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>

namespace smedx {

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

namespace {
// Display width of the line's text before a 1-based column, counting code points (a CJK
// character takes two terminal cells) so the caret lands under the right character.
std::string caret_padding(std::string_view line, int column) {
  std::string pad;
  int col = 1;
  for (std::size_t i = 0; i < line.size() && col < column; ++col) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      pad += '\t';
      ++i;
      continue;
    }
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    pad += len >= 3 ? "  " : " ";
    i += len;
  }
  return pad;
}
}  // namespace

std::string Issue::to_string() const {
  std::string out = fmt::format("{}: ", smedx::to_string(severity));
  if (!where.file.empty()) {
    out += where.file;
    if (where.known()) out += fmt::format(":{}:{}", where.line, where.column);
    out += ": ";
  }
  out += message;
  out += '\n';
  if (!path.empty()) out += fmt::format("  at {}\n", path);
  if (where.known() && !source_line.empty()) {
    const std::string number = std::to_string(where.line);
    out += fmt::format(" {:>4} | {}\n", number, source_line);
    out += fmt::format(" {:>4} | {}^\n", "", caret_padding(source_line, where.column));
  }
  return out;
}

std::string format_issues(const std::vector<Issue>& issues) {
  std::string out;
  std::size_t errors = 0, warnings = 0;
  for (const auto& issue : issues) {
    out += issue.to_string();
    errors += issue.severity == Severity::error;
    warnings += issue.severity == Severity::warning;
  }
  if (!issues.empty()) {
    out += fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings,
                       warnings == 1 ? "" : "s");
  }
  return out;
}

bool has_errors(const std::vector<Issue>& issues) noexcept {
  return std::any_of(issues.begin(), issues.end(),
                     [](const Issue& i) { return i.severity == Severity::error; });
}

}  // namespace smedx
