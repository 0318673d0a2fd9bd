// Loads a rule set through an installed smedx, by the one entry header alone, and scores a
// survey with it; exits 0 when the rule set is clean and the survey scores. Each argument is a
// rule set's path or an installed rule set's name ("miit-2024", found in the package's data).
#include <smedx/smedx.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  for (int k = 1; k < argc; ++k) {
    const smedx::LoadResult result = smedx::load_rules(argv[k]);
    if (!result.ok()) {
      std::fputs(smedx::format_issues(result.issues()).c_str(), stderr);
      return 1;
    }
    std::printf("%s -> %s: %zu items, %zu scenarios\n", argv[k], result.rules().meta.id.c_str(),
                result.rules().items().size(), result.rules().scenarios.size());
    // A survey that answers nothing is an error unless missing answers score as zero.
    const smedx::SurveyParse parsed =
        smedx::parse_survey_json(R"({"enterprise": {"id": "E1"}, "answers": {}, "scenarios": {}})");
    if (!parsed.survey) {
      std::fputs(smedx::format_issues(parsed.issues).c_str(), stderr);
      return 1;
    }
    const smedx::Engine engine(result.rules());
    const smedx::Assessment a = engine.score(*parsed.survey, smedx::MissingPolicy::zero);
    std::printf("%s: level %d, %s points\n", a.enterprise_id.c_str(), a.level,
                a.total.to_string().c_str());
    if (!a.ok()) return 1;
  }
  return 0;
}
