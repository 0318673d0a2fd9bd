#include "smedx/diagnostics.h"
#include "smedx/errors.h"

#include <fmt/format.h>

#include <algorithm>

#include "smedx/text.h"

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
// The bytes of the line's text before a 1-based column counted in code points.
std::size_t column_offset(std::string_view line, int column) {
  std::size_t i = 0;
  for (int col = 1; i < line.size() && col < column; ++col) {
    const auto c = static_cast<unsigned char>(line[i]);
    i += c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
  }
  return std::min(i, line.size());
}

// The padding that puts a caret under the end of `shown` (the escaped text before the column):
// a CJK character takes two terminal cells, a tab stays a tab.
std::string caret_padding(std::string_view shown) {
  std::string pad;
  for (std::size_t i = 0; i < shown.size();) {
    const auto c = static_cast<unsigned char>(shown[i]);
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

// Every field may hold input text (an id, a key, a line of a survey): control characters are
// escaped so that a message cannot drive the terminal or break into lines.
std::string Issue::to_string() const {
  std::string out = fmt::format("{}: ", smedx::to_string(severity));
  if (!where.file.empty()) {
    out += escape_control(where.file);
    if (where.known()) out += fmt::format(":{}:{}", where.line, where.column);
    out += ": ";
  }
  out += escape_control(message);
  out += '\n';
  if (!path.empty()) out += fmt::format("  at {}\n", escape_control(path));
  if (where.known() && !source_line.empty()) {
    const std::string number = std::to_string(where.line);
    const std::string line = escape_control(source_line, true);
    const std::string before =
        escape_control(source_line.substr(0, column_offset(source_line, where.column)), true);
    out += fmt::format(" {:>4} | {}\n", number, line);
    out += fmt::format(" {:>4} | {}^\n", "", caret_padding(before));
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

Error::Error(std::string_view heading, std::vector<Issue> issues)
    : std::runtime_error([&] {
        std::string text = std::string(heading) + ":\n" + format_issues(issues);
        while (!text.empty() && text.back() == '\n') text.pop_back();
        return text;
      }()),
      issues_(std::move(issues)) {
  for (const auto& i : issues_) {
    if (i.severity != Severity::error) continue;
    path_ = i.path;
    file_ = i.where.file;
    line_ = i.where.line;
    column_ = i.where.column;
    break;
  }
}

RuleSetError::RuleSetError(std::vector<Issue> issues)
    : Error("rule set has errors", std::move(issues)) {}

SurveyError::SurveyError(std::vector<Issue> issues)
    : Error("survey has errors", std::move(issues)) {}

}  // namespace smedx
