// Diagnostics: what is wrong, how bad, and exactly where.
// Every problem found while loading a rule set (and, later, a survey) is an Issue with a
// severity, a 1-based file position, the logical path of the element and the source line.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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
  Issue() = default;
  Issue(Severity s, std::string message_, std::string path_ = {}, Location where_ = {},
        std::string source_line_ = {})
      : severity(s),
        message(std::move(message_)),
        path(std::move(path_)),
        where(std::move(where_)),
        source_line(std::move(source_line_)) {}

  Severity severity = Severity::error;
  std::string message;      // short, lowercase, names the thing: "unknown key 'pionts' ..."
  std::string path;         // logical path: "items.network.options[2].points"
  Location where;           // file, line, column
  std::string source_line;  // the text of that line, when the file is known
  // A survey's problems (docs/messages.md): a stable code ("E-ANSWER-OPTION"), the arguments
  // of its message and the option or name meant, when one is close. `message` is the English
  // rendering, kept as the library's own text; message_text renders either language. Issues of
  // rule sets and programmes have no code.
  std::string code;
  std::vector<std::string> args;
  std::string suggestion;

  // "error: items.yaml:41:9: message\n  at path\n   41 | text\n      |         ^\n"
  std::string to_string() const;
};

// Prints every issue followed by a count line ("2 errors, 1 warning").
std::string format_issues(const std::vector<Issue>& issues);

bool has_errors(const std::vector<Issue>& issues) noexcept;

// The language of messages people read: Chinese by default, English for platform logs.
enum class Lang { zh, en };

// "zh" or "en"; nothing for anything else.
std::optional<Lang> parse_lang(std::string_view text) noexcept;

// One kind of survey problem: its code, severity and message in both languages, each a
// fmt template of the issue's args ({0}, {1}, …) and {hint}, where the suggestion goes
// (`hint_zh`/`hint_en` with {0} the suggestion; nothing when the issue has none).
struct MessageKind {
  std::string_view code;
  Severity severity;
  std::string_view zh, en, hint_zh, hint_en;
};

// Every kind, in the order of docs/messages.md; codes are unique.
std::span<const MessageKind> message_kinds() noexcept;

// An issue of kind `code` (one of message_kinds(); a code not there throws std::logic_error),
// its message rendered in English.
Issue coded_issue(std::string_view code, std::vector<std::string> args, std::string path,
                  Location where, std::string suggestion = {});

// The issue's message in `lang`: rendered from its code and args, or `message` as it is for an
// issue with no code.
std::string message_text(const Issue& issue, Lang lang);

// Issue::to_string with the message in `lang` ("错误" / "警告" heads a Chinese one).
std::string issue_text(const Issue& issue, Lang lang);

}  // namespace smedx
