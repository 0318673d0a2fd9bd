// Reading surveys from JSON text and writing assessments as JSON. A platform hands over one
// survey at a time; the CLI streams JSON Lines through the same functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/engine.h"
#include "smedx/survey.h"

namespace smedx {

struct SurveyParse {
  std::optional<Survey> survey;  // set when the text is a well-formed survey object
  std::vector<Issue> issues;     // otherwise, what was wrong (file and line of the record)
  std::string enterprise_id;     // as far as it could be read, to label an error record
  std::vector<std::pair<std::string, std::string>> enterprise;  // likewise, the other fields
};

// An assessment for a record that could not be parsed: only the id and the errors.
Assessment failed_assessment(std::string enterprise_id, std::vector<Issue> errors);

// Parses one survey JSON object. `source` and `line` name the record in diagnostics.
// When the text's buffer has at least 64 bytes of capacity past its end, pass that capacity:
// the parser then reads in place instead of copying.
SurveyParse parse_survey_json(std::string_view json, std::string_view source = "<string>",
                              int line = 1, std::size_t capacity = 0);

// Parses one survey from YAML text (single survey files may be YAML).
SurveyParse parse_survey_yaml(std::string_view yaml, std::string_view source = "<string>");

// The columns of a survey CSV file, read from its header row: enterprise_id, optional
// enterprise fields (name, industry, district, or any other non-item column is passed
// through), then one column per item and per scenario, named by id or code.
struct CsvLayout {
  struct Column {
    enum class Kind { enterprise_id, field, item, scenario } kind;
    std::string name;    // as written in the header
    bool multi = false;  // item columns: letters joined with '|'
  };
  std::vector<Column> columns;
};

// Reads a CSV header row. Problems (no enterprise_id column, a column named twice) are issues.
std::optional<CsvLayout> read_csv_header(std::string_view header, const RuleSet& rules,
                                         std::string_view source, std::vector<Issue>& issues);

// Parses one CSV data row with that layout. An empty item or scenario cell is a missing answer.
SurveyParse parse_survey_csv(const CsvLayout& layout, std::string_view row,
                             std::string_view source = "<string>", int line = 1);

// Splits one CSV record into fields (RFC 4180 quoting). Returns nothing for a malformed record.
std::optional<std::vector<std::string>> split_csv(std::string_view record);

// A survey as a single-line JSON object in the survey format (docs/surveys.md): what a
// platform sends, and what a changed survey (a diagnosis path applied) is written back as.
std::string to_json(const Survey& s);

// One assessment as a single-line JSON object (the JSON Lines record of `smedx score`).
std::string to_json(const Assessment& a);

// The CSV output of `smedx score`: one flat row per record (id, the enterprise `fields` asked
// for, level, total, dimension points, scenario levels, error message).
std::string csv_header(const RuleSet& rules, const std::vector<std::string>& fields = {});
std::string to_csv(const Assessment& a, const RuleSet& rules);

}  // namespace smedx
