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
};

// An assessment for a record that could not be parsed: only the id and the errors.
Assessment failed_assessment(std::string enterprise_id, std::vector<Issue> errors);

// Parses one survey JSON object. `source` and `line` name the record in diagnostics.
SurveyParse parse_survey_json(std::string_view json, std::string_view source = "<string>",
                              int line = 1);

// One assessment as a single-line JSON object (the JSON Lines record of `smedx score`).
std::string to_json(const Assessment& a);

}  // namespace smedx
