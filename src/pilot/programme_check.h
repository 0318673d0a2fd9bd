// What a programme must satisfy beyond what its reader checks: its levels exist in the rule set
// it is judged under, and its weights and targets add up when summed exactly. Checked by the
// pilot driver once the rule set is loaded, and again by Pilot itself so that no caller can
// evaluate a programme that would fail everyone or pass too many without a word. Not API.
#pragma once

#include <filesystem>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/programme.h"
#include "smedx/rules.h"

namespace smedx::detail {

// Every problem, as an error naming the key (`target_level`, `acceptance[2].level`), located in
// `file` (the programme.yaml it was read from) when given and readable, with the source line.
std::vector<Issue> check_programme(const Programme& programme, const RuleSet& rules,
                                   const std::filesystem::path& file = {});

}  // namespace smedx::detail
