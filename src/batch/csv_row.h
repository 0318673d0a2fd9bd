// The one CSV output row format of `smedx score --format csv`, shared by the Assessment and the
// batch (block column) writers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/engine.h"

namespace smedx::detail {

// Appends one CSV cell of text (an id, a message): quoted when it holds a comma, quote or line
// break, and, when it starts with = + - @ tab or CR, quoted with a leading ' so that a
// spreadsheet shows it as text instead of running it as a formula (OWASP's CSV injection advice).
void append_csv_text(std::string& out, std::string_view text);

// The same cell as a string of its own (for a row built with fmt::format).
inline std::string csv_text(std::string_view text) {
  std::string out;
  append_csv_text(out, text);
  return out;
}

// Appends the CSV row of row `row` of a block's scores (no newline): the id, then the enterprise
// `fields` named (empty where the survey has none), then the scores.
void append_csv_row(std::string& out, const RuleSet& rules, const CodedSurvey& s,
                    const BlockScores& scores, std::size_t row,
                    const std::vector<std::string>& fields = {}, Lang lang = Lang::zh);

// The error cell of a CSV row: every error's message in `lang`, joined with "; " ("；").
std::string csv_error_text(const std::vector<Issue>& errors, Lang lang);

}  // namespace smedx::detail
