// One scored record as text: the JSON Lines record and the CSV row of `smedx score`, and the
// record of a survey that could not be read.
#pragma once

#include <string>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/engine.h"

namespace smedx {

// An assessment for a record that could not be parsed: only the id and the errors.
Assessment failed_assessment(std::string enterprise_id, std::vector<Issue> errors);

// One assessment as a single-line JSON object (the JSON Lines record of `smedx score`).
std::string to_json(const Assessment& a);

// The CSV output of `smedx score`: one flat row per record (id, the enterprise `fields` asked
// for, level, total, dimension points, scenario levels, error message).
std::string csv_header(const RuleSet& rules, const std::vector<std::string>& fields = {});
std::string to_csv(const Assessment& a, const RuleSet& rules);

}  // namespace smedx
