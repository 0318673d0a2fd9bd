// The scoring engine beyond the conformance cases: explanations, provenance, threads.
#include <doctest/doctest.h>

#include <thread>

#include "smedx/conformance.h"
#include "smedx/engine.h"
#include "smedx/load.h"
#include "support.h"

namespace {
const smedx::Engine& engine() { return smedx::test::miit2024(); }
const std::vector<smedx::ConformanceCase>& cases() {
  static const auto suite =
      smedx::load_conformance(SMEDX_SOURCE_DIR "/indicators/miit-2024/tests.yaml");
  return suite.cases;
}
const smedx::ConformanceCase& case_with_level(int level) {
  for (const auto& c : cases())
    if (c.level == level) return c;
  FAIL("no case with level " << level);
  return cases().front();
}
}  // namespace

TEST_SUITE("engine") {
  TEST_CASE("engine.explains the level reached and the next one up") {
    const auto a = engine().score(case_with_level(2).survey);
    REQUIRE(a.ok());
    REQUIRE(a.level == 2);
    CHECK(a.level_name == "二级");
    REQUIRE(a.explanation.size() == 2);
    CHECK(a.explanation[0].level == 2);
    CHECK(a.explanation[0].met());
    CHECK(a.explanation[1].level == 3);
    CHECK_FALSE(a.explanation[1].met());
    const auto& points = a.explanation[1].conditions[0];
    CHECK(points.what == "points");
    CHECK(points.required == smedx::Decimal::from_int(60));
    CHECK(points.has == a.total);
  }

  TEST_CASE("engine.no level explains only level 1; level 4 only itself") {
    const auto none = engine().score(case_with_level(0).survey);
    REQUIRE(none.explanation.size() == 1);
    CHECK(none.explanation[0].level == 1);
    CHECK(none.level_name == "无等级");
    const auto top = engine().score(case_with_level(4).survey);
    REQUIRE(top.explanation.size() == 1);
    CHECK(top.explanation[0].level == 4);
  }

  TEST_CASE("engine.scenario counts are at-or-above with constraint counts") {
    const auto a = engine().score(case_with_level(4).survey);
    REQUIRE(a.scenario_counts.size() == 4);
    for (std::size_t l = 1; l < 4; ++l)
      CHECK(a.scenario_counts[l].at_or_above <= a.scenario_counts[l - 1].at_or_above);
    CHECK(a.scenarios.size() == 16);
    CHECK(a.scenarios[0].first == "product_design");
  }

  TEST_CASE("engine.provenance names the rule set, its hash and the engine") {
    const auto a = engine().score(cases().front().survey);
    CHECK(a.provenance.rule_set_id == "miit-2024");
    CHECK(a.provenance.rule_set_version == "2024.1");
    CHECK(a.provenance.rule_set_hash.rfind("sha256:", 0) == 0);
    CHECK(a.provenance.engine_version == smedx::version());
  }

  TEST_CASE("engine.a bad survey comes back with errors and no scores") {
    smedx::Survey s = cases().front().survey;
    s.answers.pop_back();
    const auto a = engine().score(s);
    CHECK_FALSE(a.ok());
    CHECK(a.items.empty());
    CHECK(a.errors[0].message.rfind("missing answers for items: ", 0) == 0);
  }

  TEST_CASE("engine.scoring from several threads gives the same results") {
    std::vector<int> expected;
    for (const auto& c : cases()) expected.push_back(engine().score(c.survey).level);
    std::vector<std::vector<int>> got(4);
    std::vector<std::thread> threads;
    for (auto& g : got) {
      threads.emplace_back([&g] {
        for (int round = 0; round < 50; ++round)
          for (const auto& c : cases()) g.push_back(engine().score(c.survey).level);
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& g : got) {
      REQUIRE(g.size() == expected.size() * 50);
      for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == expected[i % expected.size()]);
    }
  }
}
