// The bundled example cohort scores to the independently computed expected.tsv.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/survey_text.h"

namespace {
// The columns of expected.tsv: id, foundation, management, outcomes, total, level, warnings.
std::string fmt_row(const smedx::Assessment& a, const std::string& warnings) {
  std::string row = a.enterprise_id;
  for (const auto& d : a.dimensions) row += "\t" + d.points.to_string();
  row += "\t" + a.total.to_string() + "\t" + std::to_string(a.level) + "\t" + warnings;
  return row;
}
}  // namespace

TEST_SUITE("examples") {
  TEST_CASE("examples.the cohort scores as expected.tsv says") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    std::ifstream surveys(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
    std::ifstream expected(SMEDX_SOURCE_DIR "/examples/surveys/expected.tsv");
    std::string line, row;
    std::getline(expected, row);  // header
    int n = 0;
    while (std::getline(surveys, line)) {
      REQUIRE(std::getline(expected, row));
      ++n;
      const auto parsed = smedx::parse_survey_json(line, "cohort.jsonl", n);
      INFO(smedx::format_issues(parsed.issues));
      REQUIRE(parsed.survey);
      const auto a = engine.score(*parsed.survey);
      REQUIRE(a.ok());
      std::string warnings;
      for (const auto& w : a.warnings)
        warnings += (warnings.empty() ? "" : ",") + w.path.substr(w.path.find('.') + 1);
      const std::string got = fmt_row(a, warnings);
      CHECK(got == row);
    }
    CHECK(n == 12);
  }
}
