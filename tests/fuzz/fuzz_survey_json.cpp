// One survey as JSON: it parses to a survey or to issues, and a survey scores to an assessment
// whose JSON is one valid line, under both policies for missing answers; and coding it with
// the fast reader (src/survey_json_scan.h) gives exactly what the simdjson walk alone gives.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "score/engine_access.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"
#include "survey/survey_coder.h"

namespace {

bool same(const smedx::Issue& a, const smedx::Issue& b) {
  return a.severity == b.severity && a.message == b.message && a.path == b.path &&
         a.where.file == b.where.file && a.where.line == b.where.line &&
         a.where.column == b.where.column;
}

bool same(const std::vector<smedx::Issue>& a, const std::vector<smedx::Issue>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return same(x, y); });
}

bool same(const smedx::CodedSurvey& a, const smedx::CodedSurvey& b) {
  return a.enterprise_id == b.enterprise_id && a.enterprise == b.enterprise &&
         same(a.errors, b.errors) && same(a.warnings, b.warnings) && a.fired == b.fired &&
         a.selected == b.selected && a.levels == b.levels;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using smedx::fuzz::is_json_line;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& index = smedx::detail::EngineAccess::index(smedx::fuzz::engine());
  const smedx::Location where{"fuzz.jsonl", 3, 1};
  for (auto missing : {smedx::MissingPolicy::error, smedx::MissingPolicy::zero}) {
    smedx::CodedSurvey fast, walk;
    smedx::detail::code_survey_json(text, 0, where, index, missing, fast,
                                    smedx::detail::JsonReader::fast);
    smedx::detail::code_survey_json(text, 0, where, index, missing, walk,
                                    smedx::detail::JsonReader::walk_only);
    FUZZ_CHECK(same(fast, walk), "the fast reader and the walk code a survey differently");
  }
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
