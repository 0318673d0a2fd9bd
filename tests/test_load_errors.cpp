// Broken rule sets: each must be refused with the exact message at the exact place.
// They start from tests/data/minimal.yaml, a small valid rule set, and change one thing.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "smedx/errors.h"
#include "smedx/load.h"

namespace {

std::string minimal() {
  std::ifstream in(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The minimal rule set with the first occurrence of `from` replaced by `to`.
std::string with(std::string_view from, std::string_view to) {
  std::string text = minimal();
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "fixture text not found: " << from);
  text.replace(at, from.size(), to);
  return text;
}

struct Expected {
  std::string message;
  int line;
  int column;
  std::string path = {};
};

// Loads `yaml` and checks that its errors are exactly `expected`, in order.
void check_errors(const std::string& yaml, const std::vector<Expected>& expected) {
  const smedx::LoadResult r = smedx::load_rules_from_string(yaml, "bad.yaml");
  CHECK_FALSE(r.ok());
  std::vector<smedx::Issue> errors;
  for (const auto& i : r.issues())
    if (i.severity == smedx::Severity::error) errors.push_back(i);
  INFO(smedx::format_issues(r.issues()));
  REQUIRE(errors.size() == expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CHECK(errors[k].message == expected[k].message);
    CHECK(errors[k].where.file == "bad.yaml");
    CHECK(errors[k].where.line == expected[k].line);
    CHECK(errors[k].where.column == expected[k].column);
    if (!expected[k].path.empty()) CHECK(errors[k].path == expected[k].path);
  }
}

}  // namespace

TEST_SUITE("load errors") {
  TEST_CASE("load.the minimal fixture is clean") {
    const auto r = smedx::load_rules_from_string(minimal(), "minimal.yaml");
    INFO(smedx::format_issues(r.issues()));
    CHECK(r.ok());
    CHECK(r.issues().empty());
    CHECK(r.rules().items().size() == 3);
  }

  TEST_CASE("load.yaml syntax error names the place") {
    check_errors(with("    code: F\n", "    code: [F\n"),
                 {{"invalid YAML: end of sequence flow not found", 8, 7}});
  }

  TEST_CASE("load.a file that is not UTF-8 is refused where it stops being UTF-8") {
    // 东营 in GBK (B6 AB D3 AA) in a title: yaml-cpp would pass the bytes on to every page.
    check_errors(with("zh: ", "zh: \xB6\xAB\xD3\xAA"),
                 {{"the file is not UTF-8: byte 0xB6 starts no UTF-8 character (saved as GBK or "
                   "GB18030? save it as UTF-8)",
                   8, 9}});
  }

  TEST_CASE("load.an empty required value is reported once (was: again as 'got null')") {
    check_errors(with("    code: F\n", "    code: ~\n"), {{"'code' must not be empty", 7, 11}});
  }

  TEST_CASE("load.unknown key suggests the nearest valid key") {
    check_errors(
        with("{letter: B, zh: 工控网络, points: 2}", "{letter: B, zh: 工控网络, pionts: 2}"),
        {{"missing required key 'points' in an option", 24, 17, "items.network.options[1]"},
         {"unknown key 'pionts' in an option (did you mean 'points'?)", 24, 39,
          "items.network.options[1].pionts"}});
  }

  TEST_CASE("load.missing zh label") {
    check_errors(with("        zh: 系统\n", ""), {{"missing required key 'zh' in a sub-indicator",
                                                   11, 9, "sub_indicators.systems"}});
  }

  TEST_CASE("load.wrong type for a number") {
    check_errors(with("            max: 4\n", "            max: four\n"),
                 {{"expected a number for 'max', got 'four'", 21, 18, "items.network.max"}});
  }

  TEST_CASE("load.wrong type for a list") {
    check_errors(with("    sub_indicators:\n", "    sub_indicators: systems\n    unused:\n"),
                 {{"expected a sequence for 'sub_indicators', got a scalar", 10, 21,
                   "dimensions.base.sub_indicators"},
                  {"unknown key 'unused' in a dimension", 11, 5}});
  }

  TEST_CASE("load.points that thousandths cannot hold exactly") {
    check_errors(
        with("{letter: C, zh: 5G网络, points: 2}", "{letter: C, zh: 5G网络, points: 2.0005}"),
        {{"points 2.0005 cannot be represented exactly (at most 3 decimal places)", 25, 47,
          "items.network.options[2].points"}});
  }

  TEST_CASE("load.duplicate item id") {
    check_errors(with("          - id: rate\n", "          - id: network\n"),
                 {{"duplicate id 'network' (first defined at bad.yaml:16:17)", 26, 17,
                   "sub_indicators.systems.items[1].id"}});
  }

  TEST_CASE("load.duplicate code across items and scenarios") {
    check_errors(with("    code: S02\n", "    code: F2\n"),
                 {{"duplicate code 'F2' (first defined at bad.yaml:27:19)", 60, 11,
                   "scenarios.energy_use.code"}});
  }

  TEST_CASE("load.option letters must run A, B, C in order") {
    check_errors(with("{letter: C, zh: 5G网络", "{letter: D, zh: 5G网络"),
                 {{"option letter 'D' out of order: expected 'C'", 25, 26,
                   "items.network.options[2].letter"},
                  // the consistency rule's reference to C is now dangling too
                  {"item 'network' has no option 'C' (valid: A–D)", 75, 30,
                   "consistency.c_needs_b.if.has"}});
  }

  TEST_CASE("load.a single option worth more than the item's maximum") {
    check_errors(with("range: [50, 100], points: 3}", "range: [50, 100], points: 4}"),
                 {{"option B of item 'rate' is worth 4, more than the item's max 3", 34, 73,
                   "items.rate.options[1].points"}});
  }

  TEST_CASE("load.multi options adding up beyond the item's maximum") {
    check_errors(with("            max: 4\n", "            max: 3\n"),
                 {{"sub-indicator 'systems' has max 10, but its items add up to 9", 14, 14},
                  {"the options of item 'network' add up to 4, more than its max 3", 21, 18,
                   "items.network.max"}});
  }

  TEST_CASE("load.sub-indicator maximum must equal the sum of its items") {
    check_errors(with("        max: 10\n", "        max: 12\n"),
                 {{"dimension 'base' has max 10, but its sub-indicators add up to 12", 9, 10,
                   "dimensions.base.max"},
                  {"sub-indicator 'systems' has max 12, but its items add up to 10", 14, 14,
                   "sub_indicators.systems.max"}});
  }

  TEST_CASE("load.bands must be contiguous") {
    check_errors(with("range: [50, 100]", "range: [60, 100]"),
                 {{"band B starts at 60, but band A ends at 50: bands must be contiguous", 34, 54,
                   "items.rate.options[1].range"}});
  }

  TEST_CASE("load.bands must cover up to 100") {
    check_errors(with("range: [50, 100]", "range: [50, 90]"),
                 {{"bands of item 'rate' must end at 100, the last ends at 90", 34, 54}});
  }

  TEST_CASE("load.level rule must not make a higher level easier") {
    check_errors(with("{level: 2, zh: 二级, min_points: 8,", "{level: 2, zh: 二级, min_points: 4,"),
                 {{"level 2 needs fewer points (4) than level 1 (5): a higher level must not be "
                   "easier",
                   71, 38, "level_rule.levels[1].min_points"}});
  }

  TEST_CASE("load.level rule asking for more constraint scenarios than exist") {
    check_errors(
        with("min_scenarios: 2, min_constraint: 1}", "min_scenarios: 2, min_constraint: 2}"),
        {{"level 2 needs 2 constraint scenarios, but the rule set has only 1", 71, 75}});
  }

  TEST_CASE("load.consistency rule naming an unknown item") {
    check_errors(with("if: {item: network, has: C}", "if: {item: netwrok, has: C}"),
                 {{"unknown item 'netwrok' (did you mean 'network'?)", 75, 16,
                   "consistency.c_needs_b.if.item"}});
  }

  TEST_CASE("load.consistency rule naming an option the item lacks") {
    check_errors(with("then: {item: F1, has: B}", "then: {item: F1, has: G}"),
                 {{"item 'network' has no option 'G' (valid: A–C)", 76, 27,
                   "consistency.c_needs_b.then.has"}});
  }

  TEST_CASE("load.consistency rule naming an unknown scenario") {
    check_errors(with("then: {item: F1, has: B}", "then: {scenario: qualty, at_least: 2}"),
                 {{"unknown scenario 'qualty' (did you mean 'quality'?)", 76, 22}});
  }

  TEST_CASE("load.scenario without a description for every level") {
    check_errors(with("      2: {zh: 系统采集}\n", ""),
                 {{"scenario 'energy_use' has no description for level 2", 65, 7,
                   "scenarios.energy_use.levels"}});
  }

  TEST_CASE("load.scenario in an unknown group") {
    check_errors(with("    group: production\n    constraint: false",
                      "    group: producton\n    constraint: false"),
                 {{"unknown scenario group 'producton' (did you mean 'production'?)", 62, 12}});
  }

  TEST_CASE("load.multi item without its none option") {
    check_errors(
        with("{letter: A, zh: 无, points: 0, none: true}", "{letter: A, zh: 无, points: 0}"),
        {{"multi item 'network' needs exactly one option with 'none: true', has 0", 23, 15,
          "items.network.options"}});
  }

  TEST_CASE("load.trend item missing a direction") {
    check_errors(with("            better: lower\n", ""),
                 {{"missing required key 'better' in a trend item", 35, 13, "items.energy"}});
  }

  TEST_CASE("load.a code that is another element's id") {
    check_errors(
        with("    code: F2\n", "    code: energy\n"),
        {{"code 'energy' of item 'rate' is the id of item 'energy'", 27, 19, "items.rate.code"}});
  }

  TEST_CASE("load.a trend direction that contradicts the points") {
    check_errors(with("better: lower", "better: higher"),
                 {{"trend item 'energy' says higher is better, but its points do not rise from "
                   "'decrease' through 'flat' to 'increase'",
                   40, 21, "items.energy.better"}});
  }

  TEST_CASE("load.an empty zh label") {
    check_errors(with("        zh: 系统\n", "        zh: \"\"\n"),
                 {{"'zh' must not be empty", 13, 13, "sub_indicators.systems.zh"}});
  }

  TEST_CASE("load.a scenario level's short label longer than its full text") {
    check_errors(with("1: {zh: 人工记录}", "1: {zh: 人工记录, zh_short: 人工记录能耗}"),
                 {{"'zh_short' of scenario 'energy_use' level 1 is longer than its 'zh' (6 "
                   "characters, 'zh' has 4)",
                   65, 31, "scenarios.energy_use.levels.1.zh_short"}});
  }

  TEST_CASE("load.an empty or null short label") {
    check_errors(
        with("1: {zh: 人工记录}", "1: {zh: 人工记录, zh_short: \"\"}"),
        {{"'zh_short' must not be empty", 65, 31, "scenarios.energy_use.levels.1.zh_short"}});
    check_errors(
        with("1: {zh: 人工记录}", "1: {zh: 人工记录, zh_short: }"),
        {{"'zh_short' must not be empty", 65, 31, "scenarios.energy_use.levels.1.zh_short"}});
  }

  TEST_CASE("load.a short label that is not a string") {
    check_errors(with("1: {zh: 人工记录}", "1: {zh: 人工记录, zh_short: [人工]}"),
                 {{"expected a string for 'zh_short', got a sequence", 65, 31,
                   "scenarios.energy_use.levels.1.zh_short"}});
  }

  TEST_CASE("load.a misspelt short label key suggests zh_short") {
    check_errors(with("1: {zh: 人工记录}", "1: {zh: 人工记录, zh_shrot: 人工}"),
                 {{"unknown key 'zh_shrot' in a scenario level (did you mean 'zh_short'?)", 65, 21,
                   "scenarios.energy_use.levels.1.zh_shrot"}});
  }

  TEST_CASE("load.a short label is optional; charts fall back to the full text") {
    const auto r = smedx::load_rules_from_string(
        with("1: {zh: 人工记录}", "1: {zh: 人工记录, zh_short: 人工记}"), "ok.yaml");
    INFO(smedx::format_issues(r.issues()));
    REQUIRE(r.ok());
    const smedx::Scenario* s = r.rules().find_scenario("energy_use");
    REQUIRE(s);
    CHECK(s->levels[0].zh == "人工记录");
    CHECK(s->levels[0].zh_short == "人工记");
    CHECK(s->levels[0].short_zh() == "人工记");
    CHECK(s->levels[1].zh_short.empty());
    CHECK(s->levels[1].short_zh() == "系统采集");
    // As long as the full text is allowed.
    CHECK(smedx::load_rules_from_string(
              with("1: {zh: 人工记录}", "1: {zh: 人工记录, zh_short: 手工记录}"), "ok.yaml")
              .ok());
  }

  TEST_CASE("load.numbers beyond the limit") {
    check_errors(with("range: [50, 100], points: 3}", "range: [50, 100], points: 2000000}"),
                 {{"points 2000000 is beyond the limit of 1000000", 34, 73,
                   "items.rate.options[1].points"}});
  }

  TEST_CASE("load.a condition with no letters") {
    check_errors(
        with("then: {item: F1, has: B}", "then: {item: F1, has_all: []}"),
        {{"'has_all' needs at least one letter", 76, 31, "consistency.c_needs_b.then.has_all"}});
  }

  TEST_CASE("load.every problem is reported, not only the first") {
    std::string text = with("    code: F\n", "    code: F\n    weight: 1\n");
    const auto at = text.find("kind: band");
    text.replace(at, 10, "kind: bnad");
    check_errors(text, {{"unknown key 'weight' in a dimension", 8, 5},
                        {"unknown item kind 'bnad' (expected single, multi, band or trend; did "
                         "you mean 'band'?)",
                         31, 19}});
  }

  TEST_CASE("load.missing top-level key") {
    const std::string text = with("operations: {zh: 数字化经营}\n", "");
    const auto r = smedx::load_rules_from_string(text, "bad.yaml");
    REQUIRE(r.issues().size() == 1);
    CHECK(r.issues()[0].message == "missing required top-level key 'operations'");
  }

  TEST_CASE("load.rules() of a broken rule set throws RuleSetError with the first place") {
    const auto r = smedx::load_rules_from_string(
        with("            max: 4\n", "            max: x\n"), "bad.yaml");
    try {
      (void)r.rules();
      FAIL("expected RuleSetError");
    } catch (const smedx::RuleSetError& e) {
      CHECK(e.line() == 21);
      CHECK(e.column() == 18);
      CHECK(e.path() == "items.network.max");
      CHECK(std::string(e.what()).find("expected a number for 'max'") != std::string::npos);
    }
  }
}

TEST_SUITE("load limits") {
  TEST_CASE("limits.an alias bomb is refused, not expanded") {
    // Ten levels of ten aliases each would expand to 10^10 nodes.
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'k'; ++c) {
      const char p = static_cast<char>(c - 1);
      bomb += std::string(1, c) + ": &" + c + " [";
      for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + p;
      bomb += "]\n";
    }
    const auto r = smedx::load_rules_from_string(bomb, "bomb.yaml");
    REQUIRE(r.issues().size() == 1);
    CHECK(r.issues()[0].message ==
          "document too large: more than 200000 nodes after expanding aliases");
    CHECK(r.issues()[0].where.line == 6);
  }

  TEST_CASE("limits.deep nesting is refused") {
    const std::string deep = "a: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
    const auto r = smedx::load_rules_from_string(deep, "deep.yaml");
    REQUIRE(r.issues().size() == 1);
    CHECK(r.issues()[0].message == "nesting deeper than 32 levels");
    CHECK(r.issues()[0].where.line == 1);
    CHECK(r.issues()[0].where.column == 35);  // the 32nd '[', inside the top-level mapping
  }

  TEST_CASE("limits.a file over the size limit is refused before parsing") {
    smedx::LoadLimits limits;
    limits.max_file_bytes = 100;
    const auto r = smedx::load_rules_from_string(minimal(), "big.yaml", limits);
    REQUIRE(r.issues().size() == 1);
    CHECK(r.issues()[0].message.rfind("file too large: ", 0) == 0);
  }

  TEST_CASE("limits.too many items") {
    smedx::LoadLimits limits;
    limits.max_items = 2;
    const auto r = smedx::load_rules_from_string(minimal(), "bad.yaml", limits);
    REQUIRE(r.issues().size() == 1);
    CHECK(r.issues()[0].message == "too many items (the limit is 2)");
    CHECK(r.issues()[0].where.line == 35);
  }
}
