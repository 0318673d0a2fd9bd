// The bundled 2024 national rule set: loads clean and has the standard's shape and numbers.
#include <doctest/doctest.h>

#include <algorithm>

#include "smedx/load.h"
#include "smedx/summary.h"

namespace {
const smedx::LoadResult& miit() {
  static const smedx::LoadResult r = smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024");
  return r;
}
smedx::Decimal dec(const char* s) { return *smedx::Decimal::parse(s); }
}  // namespace

TEST_SUITE("miit-2024") {
  TEST_CASE("miit2024.loads without a single issue") {
    INFO(smedx::format_issues(miit().issues()));
    CHECK(miit().ok());
    CHECK(miit().issues().empty());
    CHECK(miit().rules().meta.id == "miit-2024");
  }

  TEST_CASE("miit2024.dimensions are 50, 30 and 20 points") {
    const auto& r = miit().rules();
    REQUIRE(r.dimensions.size() == 3);
    CHECK(r.dimensions[0].id == "foundation");
    CHECK(r.dimensions[0].max == dec("50"));
    CHECK(r.dimensions[1].id == "management");
    CHECK(r.dimensions[1].max == dec("30"));
    CHECK(r.dimensions[2].id == "outcomes");
    CHECK(r.dimensions[2].max == dec("20"));
    CHECK(r.max_points() == dec("100"));
  }

  TEST_CASE("miit2024.fifteen items with the canonical codes") {
    const auto items = miit().rules().items();
    std::string codes;
    for (const auto* i : items) codes += i->code + " ";
    CHECK(codes == "F1 F2 F3 F4 F5 F6 F7 M1 M2 M3 M4 R1 R2 R3 R4 ");
  }

  TEST_CASE("miit2024.data collection reaches exactly 10 with 13 x 0.7 + 0.9") {
    const auto* f4 = miit().rules().find_item("F4");
    REQUIRE(f4);
    CHECK(f4->kind == smedx::ItemKind::multi);
    REQUIRE(f4->options.size() == 15);
    smedx::Decimal sum;
    for (const auto& o : f4->options) sum += o.points;
    CHECK(sum == dec("10"));
    CHECK(f4->options[14].points == dec("0.9"));
    CHECK(f4->options[1].scenario == "product_design");
  }

  TEST_CASE("miit2024.band items share the five bands of the standard") {
    for (const char* code : {"F2", "F3", "M4"}) {
      const auto* item = miit().rules().find_item(code);
      REQUIRE(item);
      CHECK(item->kind == smedx::ItemKind::band);
      REQUIRE(item->options.size() == 5);
      CHECK(item->options[0].upper == dec("10"));
      CHECK(item->options[4].lower == dec("60"));
      CHECK(item->options[4].upper == dec("100"));
    }
  }

  TEST_CASE("miit2024.trend items say which direction is better") {
    CHECK(miit().rules().find_item("R1")->better == smedx::Better::lower);
    CHECK(miit().rules().find_item("R2")->better == smedx::Better::higher);
    CHECK(miit().rules().find_item("R3")->better == smedx::Better::higher);
    CHECK(miit().rules().find_item("R4")->better == smedx::Better::lower);
  }

  TEST_CASE("miit2024.sixteen scenarios, ten of them constraint") {
    const auto& r = miit().rules();
    CHECK(r.scenarios.size() == 16);
    CHECK(r.constraint_count() == 10);
    CHECK(r.find_scenario("S01")->id == "product_design");
    CHECK(r.find_scenario("S16")->id == "decision_support");
    for (const auto& s : r.scenarios) CHECK(s.levels.size() == 4);
  }

  TEST_CASE("miit2024.level rule thresholds") {
    const auto& levels = miit().rules().level_rule.levels;
    REQUIRE(levels.size() == 4);
    const int expected[4][3] = {{20, 6, 3}, {40, 6, 3}, {60, 8, 5}, {80, 10, 6}};
    for (int l = 0; l < 4; ++l) {
      CHECK(levels[l].min_points == smedx::Decimal::from_int(expected[l][0]));
      CHECK(levels[l].min_scenarios == expected[l][1]);
      CHECK(levels[l].min_constraint == expected[l][2]);
    }
    CHECK(miit().rules().level_rule.no_level_zh == "无等级");
  }

  TEST_CASE("miit2024.consistency: the F1 rule and the plausibility checks are warnings") {
    const auto& rules = miit().rules().consistency;
    REQUIRE(rules.size() == 16);  // F1 E needs B-D; 14 F4 areas vs scenarios at 3+; F5 none
    CHECK(rules[0].id == "network_e_needs_b_c_d");
    CHECK(rules[0].when.item == "network");
    CHECK(rules.back().id == "systems_for_scenarios");
    for (const auto& r : rules) CHECK(r.severity == smedx::Severity::warning);
  }

  TEST_CASE("miit2024.diagnosis settings and industry profiles") {
    const auto& r = miit().rules();
    CHECK(r.diagnosis.present);
    CHECK(r.diagnosis.target == 2);
    REQUIRE(r.profiles.size() == 3);
    const auto* chem = r.find_profile("chem_new_materials");
    REQUIRE(chem);
    CHECK(chem->zh == "特色化工新材料制造");
    CHECK(std::find(chem->emphasis.begin(), chem->emphasis.end(), "safety") !=
          chem->emphasis.end());
    CHECK(r.find_profile("default"));
  }

  TEST_CASE("miit2024.summary names the four thresholds") {
    const std::string s = smedx::summarize(miit().rules());
    CHECK(s.find(">= 80   >= 10") != std::string::npos);
    CHECK(s.find(">= 20   >= 6") != std::string::npos);
  }
}
