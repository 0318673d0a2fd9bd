#include "smedx/survey.h"
#include "survey/survey_coder.h"

namespace smedx {

std::vector<Issue> check_survey(const Survey& survey, const RuleSet& rules) {
  const detail::RuleIndex index(rules);
  CodedSurvey coded;
  detail::code_survey(survey, index, MissingPolicy::error, coded);
  std::vector<Issue> issues;
  for (auto& e : coded.errors)
    if (e.path.rfind("consistency.", 0) != 0) issues.push_back(std::move(e));
  return issues;
}

}  // namespace smedx
