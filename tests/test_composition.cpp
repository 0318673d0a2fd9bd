// Composition and coverage: tags (plain, dated, at the target level), a survey item where the
// rule set has it, and the 规上 share per industry, on a hand-counted register.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "smedx/composition.h"
#include "smedx/load.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"

using namespace smedx;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

std::string survey(const std::string& template_id, const std::string& id, const std::string& phase,
                   const std::string& on) {
  static const std::string cohort =
      slurp(std::string(SMEDX_SOURCE_DIR) + "/examples/surveys/cohort.jsonl");
  const auto at = cohort.find("\"id\":\"" + template_id + "\"");
  REQUIRE(at != std::string::npos);
  const auto start = cohort.rfind('\n', at) == std::string::npos ? 0 : cohort.rfind('\n', at) + 1;
  std::string line = cohort.substr(start, cohort.find('\n', at) - start);
  const auto answers = line.find("},\"answers\"");
  return "{\"enterprise\":{\"id\":\"" + id + "\",\"phase\":\"" + phase + "\",\"assessed_on\":\"" +
         on + "\"" + line.substr(answers) + "\n";
}

const char* kComposition = R"(composition:
  targets:
    - {id: lg, zh: 小巨人, tag: 小巨人, value: 4, at_level: true}
    - {id: new_srdi, zh: 新培育专精特新, tag: 专精特新, since: 2026-01-01, value: 3}
    - {id: surveyed, zh: 问卷可判断, tag: 上云, value: 2, survey: {item: information_systems, min_points: 0}}
    - {id: unknown_item, zh: 规则集无此项, tag: 上云, value: 2, survey: {item: nope, min_points: 1}}
  above_scale: {tag: 规上, level: 2, share_percent: 33.333}
)";

}  // namespace

TEST_SUITE("composition") {
  TEST_CASE("composition.tags, dated tags, survey items and the 规上 share, counted by hand") {
    std::string y =
        slurp(std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026/programme.yaml");
    y = y.substr(0, y.find("\ncomposition:") + 1) + kComposition;
    const auto prog = load_programme_from_string(y, "programme.yaml");
    REQUIRE_MESSAGE(prog.ok(), format_issues(prog.issues));
    const auto rules = load_rules(std::string(SMEDX_SOURCE_DIR) + "/indicators/miit-2024");
    const Engine engine(rules.rules());
    Pilot pilot(*prog.programme, engine);
    std::istringstream providers("id,name\nA,甲\n");
    pilot.add_providers(providers, "providers.csv", TableFormat::csv);
    std::istringstream reg(
        "id,name,industry,district,batch,tags,providers,contract_date,planned_end\n"
        "E1,一,chem_new_materials,河口区,batch1,小巨人|规上|上云,A,2026-03-01,2026-07-31\n"
        "E2,二,chem_new_materials,河口区,batch1,小巨人|规上,A,2026-03-01,2026-07-31\n"
        "E3,三,chem_new_materials,河口区,batch1,专精特新@2026-05-01|规上,A,,\n"
        "E4,四,equipment_parts,东营区,batch1,专精特新@2025-12-31|专精特新,A,,\n"
        "E5,五,equipment_parts,东营区,batch1,专精特新@2027-01-01|上云,A,,\n");
    pilot.add_register(reg, "register.csv", TableFormat::csv);
    std::istringstream surveys(survey("CN-2025-006", "E1", "baseline", "2026-02-01") +
                               survey("CN-2025-002", "E1", "acceptance", "2026-08-10") +
                               survey("CN-2025-006", "E2", "baseline", "2026-02-01"));
    pilot.add_surveys(surveys, "surveys.jsonl", InputFormat::jsonl, nullptr, 1);
    REQUIRE(pilot.errors().empty());
    const auto result = pilot.run(parse_date("2026-10-01"));
    REQUIRE(result.composition);
    const CompositionResult& c = *result.composition;
    REQUIRE(c.targets.size() == 4);
    // 小巨人 at level 2 or above: E1 (level 3 after acceptance), not E2 (level 0).
    CHECK(c.targets[0].actual == 1);
    CHECK(c.targets[0].percent.to_string() == "25");
    CHECK(c.targets[0].basis == "tag");
    // Newly cultivated: E3 (2026-05-01); not E4 (before the start, or undated), not E5 (after
    // the as-of date).
    CHECK(c.targets[1].actual == 1);
    CHECK(c.targets[1].basis == "dated_tag");
    // The rule set has information_systems: counted from the latest surveys (E1 and E2), whatever
    // the tags say; an item it does not have falls back to the tags (E1 and E5), saying so.
    CHECK(c.targets[2].basis == "survey");
    CHECK(c.targets[2].actual == 2);
    CHECK(c.targets[3].basis == "tag");
    CHECK(c.targets[3].actual == 2);
    // 规上: chem has E1, E2, E3, one at level 2+: 33.333 % meets 33.333 % only because 1/3 is
    // compared exactly (1 × 100000 ≥ 3 × 33333); equipment has none.
    REQUIRE(c.above_scale.size() == 2);
    CHECK(c.above_scale[0].above_scale == 3);
    CHECK(c.above_scale[0].at_level == 1);
    CHECK(c.above_scale[0].share_percent.to_string() == "33.333");
    CHECK(c.above_scale[0].met);
    CHECK(c.above_scale[1].above_scale == 0);
    CHECK_FALSE(c.above_scale[1].met);
  }
}
