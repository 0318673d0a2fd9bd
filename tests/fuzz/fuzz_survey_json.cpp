// One survey as JSON: it parses to a survey or to issues, and a survey scores to an assessment
// whose JSON is one valid line, under both policies for missing answers.
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "smedx/survey_io.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using smedx::fuzz::is_json_line;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const smedx::SurveyParse parsed = smedx::parse_survey_json(text, "fuzz.json");
  if (!parsed.survey) {
    FUZZ_CHECK(!parsed.issues.empty(), "no survey and no issue");
    const auto failed = smedx::failed_assessment(parsed.enterprise_id, parsed.issues);
    FUZZ_CHECK(is_json_line(smedx::to_json(failed)), "failed assessment JSON");
    return 0;
  }
  FUZZ_CHECK(is_json_line(smedx::to_json(*parsed.survey)), "survey JSON");
  for (auto missing : {smedx::MissingPolicy::error, smedx::MissingPolicy::zero}) {
    const auto a = smedx::fuzz::engine().score(*parsed.survey, missing);
    FUZZ_CHECK(is_json_line(smedx::to_json(a)), "assessment JSON");
    FUZZ_CHECK(a.ok() || a.level == 0, "a survey with errors has no level");
  }
  return 0;
}
