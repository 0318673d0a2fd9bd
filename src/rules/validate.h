// Checks the meaning of a rule set that was read without shape errors: sums of maxima, option
// letters and points, bands, trends, scenario levels, the level rule, and the references of
// consistency rules. Resolves codes in consistency rules to ids.
#pragma once

#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/rules.h"
#include "yaml/source_table.h"

namespace smedx::detail {

void validate(RuleSet& rules, const SourceTable& sources, std::vector<Issue>& issues);

}  // namespace smedx::detail
