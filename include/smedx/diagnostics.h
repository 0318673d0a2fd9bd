// Diagnostics: what is wrong, how bad, and exactly where.
// Every problem found while loading a rule set (and, later, a survey) is an Issue with a
// severity, a 1-based file position, the logical path of the element and the source line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smedx {

enum class Severity { error, warning, note };

std::string_view to_string(Severity s) noexcept;

// A position in a source file. Lines and columns are 1-based; 0 means "unknown".
struct Location {
  std::string file;
  int line = 0;
  int column = 0;

  bool known() const noexcept { return line > 0; }
};

// Where one element of a YAML file (a rule set, a programme) came from, and its logical path
// for messages.
struct SourceEntry {
  Location where;
  std::string path;  // "items.network.options[2].points"
};

struct Issue {
  Severity severity = Severity::error;
  std::string message;      // short, lowercase, names the thing: "unknown key 'pionts' ..."
  std::string path;         // logical path: "items.network.options[2].points"
  Location where;           // file, line, column
  std::string source_line;  // the text of that line, when the file is known

  // "error: items.yaml:41:9: message\n  at path\n   41 | text\n      |         ^\n"
  std::string to_string() const;
};

// Prints every issue followed by a count line ("2 errors, 1 warning").
std::string format_issues(const std::vector<Issue>& issues);

bool has_errors(const std::vector<Issue>& issues) noexcept;

}  // namespace smedx
