// Resolves a survey against a rule set into a CodedSurvey: every check of the survey's
// references and values happens here, once, and scoring only does arithmetic afterwards.
#pragma once

#include <string_view>
#include <unordered_map>
#include <vector>

#include "smedx/engine.h"
#include "smedx/rules.h"
#include "smedx/survey.h"

namespace smedx::detail {

// Lookups over a rule set, built once. Holds views into the rule set, which must outlive it.
struct RuleIndex {
  explicit RuleIndex(const RuleSet& rules);

  const RuleSet& rules;
  std::vector<const Item*> items;
  std::unordered_map<std::string_view, std::uint32_t> item_by_name;      // id and code
  std::unordered_map<std::string_view, std::uint32_t> scenario_by_name;  // id and code
  std::vector<std::string_view> item_ids, scenario_ids;                  // for suggestions
};

void code_survey(const Survey& survey, const RuleIndex& index, MissingPolicy missing,
                 CodedSurvey& out);

}  // namespace smedx::detail
