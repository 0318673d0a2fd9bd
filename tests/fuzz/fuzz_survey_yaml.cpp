// One survey as YAML: it parses to a survey or to issues, and a survey scores to an assessment
// whose JSON is one valid line.
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using smedx::fuzz::is_json_line;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const smedx::SurveyParse parsed = smedx::parse_survey_yaml(text, "fuzz.yaml");
  if (!parsed.survey) {
    FUZZ_CHECK(!parsed.issues.empty(), "no survey and no issue");
    return 0;
  }
  FUZZ_CHECK(is_json_line(smedx::to_json(*parsed.survey)), "survey JSON");
  const auto a = smedx::fuzz::engine().score(*parsed.survey, smedx::MissingPolicy::error);
  FUZZ_CHECK(is_json_line(smedx::to_json(a)), "assessment JSON");
  return 0;
}
