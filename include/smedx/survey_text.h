// Reading one survey from JSON or YAML text, and writing one back as JSON. A platform hands
// over one survey at a time; the batch reader streams JSON Lines through the same rules.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/survey.h"

namespace smedx {

struct SurveyParse {
  std::optional<Survey> survey;  // set when the text is a well-formed survey object (a CSV
                                 // row: also when some cells did not read, with stand-ins)
  std::vector<Issue> issues;     // what was wrong (file and line of the record)
  std::string enterprise_id;     // as far as it could be read, to label an error record
  std::vector<std::pair<std::string, std::string>> enterprise;  // likewise, the other fields
};

// Parses one survey JSON object. `source` and `line` name the record in diagnostics.
// When the text's buffer has at least 64 bytes of capacity past its end, pass that capacity:
// the parser then reads in place instead of copying.
SurveyParse parse_survey_json(std::string_view json, std::string_view source = "<string>",
                              int line = 1, std::size_t capacity = 0);

// Parses one survey from YAML text (single survey files may be YAML).
SurveyParse parse_survey_yaml(std::string_view yaml, std::string_view source = "<string>");

// A survey as a single-line JSON object in the survey format (docs/surveys.md): what a
// platform sends, and what a changed survey (a diagnosis path applied) is written back as.
std::string to_json(const Survey& s);

}  // namespace smedx
