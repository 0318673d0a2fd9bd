// The solution catalogue: catalogue.yaml read against a rule set, every kind of lint error
// located, the application rule on coded surveys, and `smedx lint` on a catalogue.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "smedx/block.h"
#include "smedx/catalogue.h"
#include "smedx/load.h"
#include "smedx/survey_text.h"
#include "support.h"

using namespace smedx;

namespace {

const RuleSet& rules() {
  static const LoadResult r = load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024");
  return r.rules();
}

// A small catalogue; each error case edits one spot of it.
const std::string base =
    "catalogue:\n"                                        // 1
    "  id: t\n"                                           // 2
    "  title: 测试目录\n"                                 // 3
    "  rule_set: {id: miit-2024, version: \"2024.1\"}\n"  // 4
    "products:\n"                                         // 5
    "  - id: P-1\n"                                       // 6
    "    name: 甲\n"                                      // 7
    "    provider: P01\n"                                 // 8
    "    category: 生产制造\n"                            // 9
    "    industries: [equipment_parts]\n"                 // 10
    "    deployment: saas\n"                              // 11
    "    price: 120000\n"                                 // 12
    "    annual: 18000\n"                                 // 13
    "    eligible: 100000\n"                              // 14
    "    weeks: 8\n"                                      // 15
    "    delivers:\n"                                     // 16
    "      scenarios: {S05: 2, S07: 2}\n"                 // 17
    "      items: {F5: [C], F4: [B, C]}\n"                // 18
    "    requires:\n"                                     // 19
    "      items: {F1: [B]}\n"                            // 20
    "  - id: P-2\n"                                       // 21
    "    name: 乙\n"                                      // 22
    "    provider: P02\n"                                 // 23
    "    category: 安全\n"                                // 24
    "    deployment: device\n"                            // 25
    "    price: 50000\n"                                  // 26
    "    weeks: 2\n"                                      // 27
    "    delivers:\n"                                     // 28
    "      items: {F1: [B, C]}\n";                        // 29

CatalogueLoad load(const std::string& yaml) {
  return load_catalogue_from_string(yaml, rules(), "c.yaml");
}

// The catalogue with `from` replaced by `to` (the first occurrence after `after`).
std::string edit(const std::string& from, const std::string& to, const std::string& after = {}) {
  std::string y = base;
  const auto at = y.find(from, after.empty() ? 0 : y.find(after));
  REQUIRE(at != std::string::npos);
  y.replace(at, from.size(), to);
  return y;
}

// The first error's message line and path line ("error: c.yaml:17:23: ...\n  at ...\n").
std::string first(const CatalogueLoad& r) {
  for (const auto& i : r.issues) {
    if (i.severity != Severity::error) continue;
    const std::string e = i.to_string();
    const auto second = e.find('\n', e.find('\n') + 1);
    return second == std::string::npos ? e : e.substr(0, second + 1);
  }
  return {};
}

std::string first_of(const std::string& from, const std::string& to,
                     const std::string& after = {}) {
  const auto r = load(edit(from, to, after));
  CHECK_FALSE(r.ok());
  return first(r);
}

int index_of_item(std::string_view code) {
  const auto items = rules().items();
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i]->code == code) return static_cast<int>(i);
  return -1;
}

int index_of_scenario(std::string_view code) {
  return static_cast<int>(rules().find_scenario(code) - rules().scenarios.data());
}

std::uint32_t letters(std::string_view ls) {
  std::uint32_t m = 0;
  for (char c : ls) m |= std::uint32_t{1} << (c - 'A');
  return m;
}

// A coded survey with nothing: every item at option A, every scenario at level 0.
CodedSurvey empty_survey() {
  CodedSurvey s;
  s.enterprise_id = "E1";
  s.selected.assign(rules().items().size(), letters("A"));
  s.levels.assign(rules().scenarios.size(), 0);
  return s;
}

const Catalogue& example() {
  static const CatalogueLoad r =
      load_catalogue(SMEDX_SOURCE_DIR "/catalogues/dongying-2026", rules());
  REQUIRE_MESSAGE(r.ok(), format_issues(r.issues));
  return *r.catalogue;
}

}  // namespace

TEST_SUITE("catalogue") {
  TEST_CASE("catalogue.the small catalogue loads resolved against the rule set") {
    const auto r = load(base);
    REQUIRE_MESSAGE(r.ok(), format_issues(r.issues));
    const Catalogue& c = *r.catalogue;
    CHECK(c.id == "t");
    CHECK(c.rule_set_id == "miit-2024");
    CHECK(c.rule_set_version == "2024.1");
    CHECK(c.categories.size() == 8);  // the seed's business areas when none are listed
    REQUIRE(c.products.size() == 2);
    const Product& p = c.products[0];
    CHECK(p.id == "P-1");
    CHECK(p.price == 120000);
    CHECK(p.annual == 18000);
    CHECK(p.eligible == 100000);
    CHECK(p.cost(3) == 120000 + 3 * 18000);
    CHECK(p.weeks == 8);
    CHECK(p.deployment == Deployment::saas);
    CHECK(to_string(c.products[1].deployment) == "device");
    CHECK(p.where.line == 6);
    CHECK(p.allowed_for("equipment_parts"));
    CHECK_FALSE(p.allowed_for("chem_new_materials"));
    CHECK(c.products[1].allowed_for("chem_new_materials"));  // no industries: every one
    REQUIRE(p.delivers.scenarios.size() == 2);
    CHECK(p.delivers.scenarios[0].scenario == index_of_scenario("S05"));
    CHECK(p.delivers.scenarios[0].level == 2);
    REQUIRE(p.delivers.items.size() == 2);
    const ItemEffect& f5 = p.delivers.items[0];
    CHECK(f5.item == index_of_item("F5"));
    CHECK_FALSE(f5.multi);
    CHECK(f5.options == letters("C"));
    CHECK(f5.mask == letters("AB"));  // the options scoring less than C
    const ItemEffect& f4 = p.delivers.items[1];
    CHECK(f4.multi);
    CHECK(f4.options == letters("BC"));
    CHECK(f4.mask == letters("A"));  // the 'none' option, dropped
    REQUIRE(p.prerequisites.items.size() == 1);
    CHECK(p.prerequisites.items[0].mask == letters("B"));
    CHECK(c.find_product("P-2") == &c.products[1]);
    CHECK(c.index_of("P-3") == -1);
  }

  TEST_CASE("catalogue.the dongying-2026 example lints clean and covers every scenario") {
    const Catalogue& c = example();
    CHECK(c.products.size() >= 40);
    std::vector<int> top(rules().scenarios.size(), 0);
    std::vector<bool> items(rules().items().size(), false);
    for (const auto& p : c.products) {
      CHECK(p.eligible <= p.price);
      for (const auto& s : p.delivers.scenarios)
        top[static_cast<std::size_t>(s.scenario)] =
            std::max(top[static_cast<std::size_t>(s.scenario)], s.level);
      for (const auto& i : p.delivers.items) items[static_cast<std::size_t>(i.item)] = true;
    }
    for (std::size_t s = 0; s < top.size(); ++s)
      CHECK_MESSAGE(top[s] >= 2, rules().scenarios[s].id);
    // Every F item and the management items a product can change (M4 is the enterprise's own
    // spending share, which no product delivers).
    for (std::string_view code : {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "M1", "M2", "M3"})
      CHECK_MESSAGE(items[static_cast<std::size_t>(index_of_item(code))], code);
    std::set<std::string> industries;
    for (const auto& p : c.products) industries.insert(p.industries.begin(), p.industries.end());
    CHECK(industries == std::set<std::string>{"chem_new_materials", "equipment_parts"});
    CHECK(load_catalogue(SMEDX_SOURCE_DIR "/catalogues/dongying-2026", rules()).issues.empty());
  }

  TEST_CASE("catalogue.a duplicate product id names where the first is") {
    CHECK(first_of("id: P-2", "id: P-1") ==
          "error: c.yaml:21:9: duplicate product id 'P-1' (first defined at c.yaml:6:9)\n"
          "  at products[1].id\n");
    CHECK(first_of("id: P-2", "id: P 2") ==
          "error: c.yaml:21:9: invalid product id 'P 2': use letters, digits, '-', '_' and '.' "
          "(at most 64), starting with a letter or digit\n  at products[1].id\n");
  }

  TEST_CASE("catalogue.an unknown scenario is refused with a did-you-mean") {
    CHECK(first_of("S07: 2", "qualty: 2") ==
          "error: c.yaml:17:27: unknown scenario 'qualty' (did you mean 'quality'?)\n"
          "  at products.P-1.delivers.scenarios.qualty\n");
  }

  TEST_CASE("catalogue.a scenario level out of range is refused") {
    CHECK(first_of("S07: 2", "S07: 5") ==
          "error: c.yaml:17:32: expected a level from 1 to 4 for scenario 'quality', got '5'\n"
          "  at products.P-1.delivers.scenarios.S07\n");
    CHECK(first_of("S07: 2", "S07: 0") ==
          "error: c.yaml:17:32: expected a level from 1 to 4 for scenario 'quality', got '0'\n"
          "  at products.P-1.delivers.scenarios.S07\n");
  }

  TEST_CASE("catalogue.an unknown item is refused with a did-you-mean") {
    CHECK(first_of("F1: [B, C]", "F11: [B, C]") ==
          "error: c.yaml:29:15: unknown item 'F11' (did you mean 'F1'?)\n"
          "  at products.P-2.delivers.items.F11\n");
  }

  TEST_CASE("catalogue.an option the item does not have is refused with the valid ones") {
    CHECK(first_of("F5: [C]", "F5: [G]") ==
          "error: c.yaml:18:20: unknown option 'G' for item 'information_systems' (valid: A–E)\n"
          "  at products.P-1.delivers.items.F5\n");
    CHECK(first_of("F5: [C]", "F5: [c]") ==
          "error: c.yaml:18:20: unknown option 'c' for item 'information_systems' (valid: A–E)\n"
          "  at products.P-1.delivers.items.F5\n");
  }

  TEST_CASE("catalogue.an outcome item is never delivered") {
    CHECK(first_of("F5: [C]", "R1: [C]") ==
          "error: c.yaml:18:15: item 'energy_intensity' is an outcome (trend) item: a product "
          "cannot deliver it, the enterprise's results show it\n"
          "  at products.P-1.delivers.items.R1\n");
  }

  TEST_CASE("catalogue.a single-choice or band item takes one option") {
    CHECK(first_of("F5: [C]", "F5: [C, D]") ==
          "error: c.yaml:18:19: item 'information_systems' is single-choice and takes one option, "
          "got 2\n  at products.P-1.delivers.items.F5\n");
    CHECK(first_of("F5: [C]", "F2: [C, D]") ==
          "error: c.yaml:18:19: item 'equipment_digitization' is a band item and takes one "
          "option, got 2\n  at products.P-1.delivers.items.F2\n");
    // One letter may be written without a list.
    const auto r = load(edit("F5: [C]", "F2: D"));
    REQUIRE_MESSAGE(r.ok(), format_issues(r.issues));
    CHECK(r.catalogue->products[0].delivers.items[0].options == letters("D"));
    CHECK(r.catalogue->products[0].delivers.items[0].mask == letters("ABC"));
  }

  TEST_CASE("catalogue.a 'none' option is not delivered") {
    CHECK(first_of("F1: [B, C]", "F1: [A, C]") ==
          "error: c.yaml:29:20: option 'A' of item 'network' is its 'none' option: a product "
          "delivers what the enterprise gains, not its absence\n"
          "  at products.P-2.delivers.items.F1\n");
  }

  TEST_CASE("catalogue.the same option or item given twice is refused") {
    CHECK(first_of("F4: [B, C]", "F4: [B, B]") ==
          "error: c.yaml:18:32: option 'B' of item 'data_collection' is given twice\n"
          "  at products.P-1.delivers.items.F4\n");
    CHECK(first_of("F4: [B, C]", "information_systems: [D]") ==
          "error: c.yaml:18:24: item 'information_systems' is given twice in 'delivers'\n"
          "  at products.P-1.delivers.items.information_systems\n");
  }

  TEST_CASE("catalogue.a product that delivers nothing is refused") {
    CHECK(first_of("items: {F1: [B, C]}", "items: {}") ==
          "error: c.yaml:29:7: product 'P-2' delivers nothing: name the scenario levels or item "
          "options it brings\n  at products.P-2.delivers\n");
  }

  TEST_CASE("catalogue.prices are whole 元, not negative, and eligible is part of the price") {
    const std::string expected =
        "expected a whole number of 元 (0 or more, at most 10 digits) for 'price', got ";
    CHECK(first_of("price: 50000", "price: -5") ==
          "error: c.yaml:26:12: " + expected + "'-5'\n  at products.P-2.price\n");
    CHECK(first_of("price: 50000", "price: 50000.5") ==
          "error: c.yaml:26:12: " + expected + "'50000.5'\n  at products.P-2.price\n");
    CHECK(first_of("price: 50000", "price: \"50000\"") ==
          "error: c.yaml:26:12: " + expected + "'50000'\n  at products.P-2.price\n");
    CHECK(first_of("price: 50000", "price: 12345678901") ==
          "error: c.yaml:26:12: " + expected + "'12345678901'\n  at products.P-2.price\n");
    CHECK(first_of("eligible: 100000", "eligible: 130000") ==
          "error: c.yaml:14:15: eligible 130000 元 is more than the price 120000 元: only part of "
          "the price can count for 奖补\n  at products.P-1.eligible\n");
  }

  TEST_CASE("catalogue.providers name the products' providers, each once and by a name") {
    const auto with = [](const std::string& providers) {
      return edit("products:\n", "providers: " + providers + "\nproducts:\n");
    };
    const auto named = load(with("{P01: 甲公司, P02: 乙公司}"));
    REQUIRE_MESSAGE(named.ok(), format_issues(named.issues));
    CHECK(named.catalogue->provider_name("P02") == "乙公司");
    CHECK(named.catalogue->provider_name("P09").empty());
    CHECK(load(base).catalogue->providers.empty());  // optional: without it any id will do
    const auto missing = load(with("{P01: 甲公司, P03: 丙公司}"));
    CHECK_FALSE(missing.ok());
    CHECK(first(missing) ==
          "error: c.yaml:24:15: provider 'P02' is not in the catalogue's providers (did you mean "
          "'P01'?) (they are: P01, P03)\n  at products.P-2.provider\n");
    const auto twice = load(with("{P01: 甲公司, P01: 乙公司}"));
    CHECK_FALSE(twice.ok());
    CHECK(first(twice).find("c.yaml:5:") != std::string::npos);
    CHECK(first(twice).find("duplicate key 'P01'") != std::string::npos);
    const auto unnamed = load(with("{P01: 甲公司, P02: \"\"}"));
    CHECK_FALSE(unnamed.ok());
    CHECK(first(unnamed) ==
          "error: c.yaml:5:28: expected a non-empty string for 'P02', got ''\n"
          "  at providers.P02\n");
    const auto listed = load(with("[P01, P02]"));
    CHECK_FALSE(listed.ok());
    CHECK(first(listed).find("expected a mapping of provider id to name for 'providers'") !=
          std::string::npos);
    const auto bad_id = load(with("{P 1: 甲公司, P01: 甲公司, P02: 乙公司}"));
    CHECK_FALSE(bad_id.ok());
    CHECK(first(bad_id).find("invalid provider id 'P 1'") != std::string::npos);
  }

  TEST_CASE("catalogue.the dongying-2026 example names its providers as the pilot does") {
    std::ifstream csv(SMEDX_SOURCE_DIR "/examples/pilot/providers.csv");
    std::string line;
    std::getline(csv, line);  // id,name
    std::size_t n = 0;
    while (std::getline(csv, line)) {
      const auto comma = line.find(',');
      CHECK(example().provider_name(line.substr(0, comma)) == line.substr(comma + 1));
      ++n;
    }
    CHECK(n == 6);
    CHECK(example().providers.size() == n);
  }

  TEST_CASE("catalogue.an unknown deployment, category or industry is refused") {
    CHECK(first_of("deployment: device", "deployment: devise") ==
          "error: c.yaml:25:17: unknown deployment 'devise' (did you mean 'device'?) (expected "
          "saas, private, hybrid or device)\n  at products.P-2.deployment\n");
    CHECK(first_of("category: 安全", "category: 安防") ==
          "error: c.yaml:24:15: unknown category '安防' (the catalogue's categories: "
          "研发设计、生产制造、仓储物流、营销服务、安全、财务、办公、人力资源)\n"
          "  at products.P-2.category\n");
    CHECK(first_of("[equipment_parts]", "[equipment_part]") ==
          "error: c.yaml:10:18: unknown industry 'equipment_part' (did you mean "
          "'equipment_parts'?): not an industry profile of rule set 'miit-2024' (known: "
          "chem_new_materials, equipment_parts)\n  at products.P-1.industries[0]\n");
    CHECK(first_of("  rule_set:", "  categories: [安全, 安全]\n  rule_set:") ==
          "error: c.yaml:4:20: category '安全' is listed twice\n  at catalogue.categories[1]\n");
    CHECK(first_of("  rule_set:", "  categories: []\n  rule_set:") ==
          "error: c.yaml:4:15: 'categories' must list at least one category\n"
          "  at catalogue.categories\n");
    // A broken header is one error, not one more for every product's category.
    const auto broken = load(edit("  rule_set:", "  categories: 安全\n  rule_set:"));
    CHECK(std::count_if(broken.issues.begin(), broken.issues.end(),
                        [](const Issue& i) { return i.severity == Severity::error; }) == 1);
    // A catalogue may list its own categories.
    const auto own = load(edit("  rule_set:", "  categories: [安防]\n  rule_set:"));
    CHECK(first(own).find("unknown category '生产制造'") != std::string::npos);
  }

  TEST_CASE("catalogue.a requirement that can never be met is refused") {
    CHECK(first_of("F1: [B]}", "F1: [A]}") ==
          "error: c.yaml:20:20: requirement 'network: A' can never be met: a 'none' option is "
          "dropped by any product that delivers the item, and it names no capability to have\n"
          "  at products.P-1.requires.items.F1\n");
    CHECK(first_of("items: {F1: [B]}", "scenarios: {S05: 1}") ==
          "error: c.yaml:20:19: product 'P-1' requires scenario 'planning_scheduling' at level "
          "1, which it delivers itself\n  at products.P-1.requires.scenarios.S05\n");
    CHECK(first_of("items: {F1: [B]}", "scenarios: {S05: 9}") ==
          "error: c.yaml:20:24: expected a level from 1 to 4 for scenario "
          "'planning_scheduling', got '9'\n  at products.P-1.requires.scenarios.S05\n");
  }

  TEST_CASE("catalogue.a requirement no other product delivers is a note, not an error") {
    const auto r = load(edit("F1: [B]}", "F2: [C]}"));
    REQUIRE_MESSAGE(r.ok(), format_issues(r.issues));
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].severity == Severity::note);
    CHECK(r.issues[0].message ==
          "no other product delivers what 'P-1' requires of item 'equipment_digitization': only "
          "enterprises that have it can take 'P-1'");
    CHECK(r.issues[0].where.line == 20);
  }

  TEST_CASE("catalogue.a catalogue for another rule set or version is refused") {
    CHECK(first_of("id: miit-2024", "id: miit-2025") ==
          "error: c.yaml:4:18: the catalogue is for rule set 'miit-2025', but it is checked "
          "against 'miit-2024'\n  at catalogue.rule_set.id\n");
    CHECK(first_of("\"2024.1\"", "\"2023.1\"") ==
          "error: c.yaml:4:38: the catalogue is for version '2023.1' of rule set 'miit-2024', "
          "but it is checked against version '2024.1'\n  at catalogue.rule_set.version\n");
  }

  TEST_CASE("catalogue.missing and unknown keys are located") {
    CHECK(first_of("    provider: P02\n", "") ==
          "error: c.yaml:21:5: missing required key 'provider' in a product\n"
          "  at products.P-2\n");
    CHECK(first_of("annual: 18000", "anual: 18000") ==
          "error: c.yaml:13:5: unknown key 'anual' in a product (did you mean 'annual'?)\n"
          "  at products.P-1.anual\n");
    CHECK(first_of("  title: 测试目录\n", "") ==
          "error: c.yaml:2:3: missing required key 'title' in catalogue\n  at catalogue\n");
    CHECK(first(load("products: []\n")) ==
          "error: c.yaml:1:1: missing required key 'catalogue' in the catalogue\n    1 | products: "
          "[]\n");
  }

  TEST_CASE("catalogue.weeks and the reference are checked") {
    CHECK(first_of("weeks: 2", "weeks: 600") ==
          "error: c.yaml:27:12: weeks 600 is more than 520 (ten years)\n  at products.P-2.weeks\n");
    CHECK(first_of("    weeks: 2\n",
                   "    weeks: 2\n    reference: {enterprise: 某企业, level_before: 2, "
                   "level_after: 1}\n") ==
          "error: c.yaml:28:64: level_after 1 is below level_before 2\n"
          "  at products.P-2.reference.level_after\n");
  }

  TEST_CASE("catalogue.bad YAML and a file that is not there are located issues") {
    CHECK(first(load("catalogue: [\n")) ==
          "error: c.yaml:2:1: invalid YAML: end of sequence flow not found\n");
    CHECK(first(load("- a\n")) ==
          "error: c.yaml:1:1: expected a mapping of top-level keys, got a sequence\n    1 | - a\n");
    const auto missing = load_catalogue("/nonexistent/catalogue.yaml", rules());
    CHECK_FALSE(missing.ok());
    CHECK_FALSE(missing.issues.empty());
  }
}

TEST_SUITE("catalogue apply") {
  TEST_CASE("catalogue apply.a scenario is raised to the delivered level, never lowered") {
    const Catalogue c = *load(base).catalogue;
    CodedSurvey s = empty_survey();
    const auto s05 = static_cast<std::size_t>(index_of_scenario("S05"));
    const auto s07 = static_cast<std::size_t>(index_of_scenario("S07"));
    s.levels[s07] = 3;
    apply_product(s, c.products[0]);
    CHECK(s.levels[s05] == 2);
    CHECK(s.levels[s07] == 3);
  }

  TEST_CASE("catalogue apply.a multi-choice item gains options and loses 'none'") {
    const Catalogue c = *load(base).catalogue;
    CodedSurvey s = empty_survey();
    const auto f1 = static_cast<std::size_t>(index_of_item("F1"));
    const auto f4 = static_cast<std::size_t>(index_of_item("F4"));
    apply_product(s, c.products[1]);
    CHECK(s.selected[f1] == letters("BC"));
    s.selected[f4] = letters("D");
    apply_product(s, c.products[0]);
    CHECK(s.selected[f4] == letters("BCD"));
  }

  TEST_CASE(
      "catalogue apply.a single-choice item takes the delivered option only if it scores more") {
    const Catalogue c = *load(base).catalogue;
    const auto f5 = static_cast<std::size_t>(index_of_item("F5"));
    // (Pairs, not structured bindings: clang 14 cannot capture a binding in CHECK's lambda.)
    for (const auto& pair : std::vector<std::pair<std::string, std::string>>{
             {"A", "C"}, {"B", "C"}, {"C", "C"}, {"D", "D"}, {"E", "E"}, {"", "C"}}) {
      const std::string& held = pair.first;
      const std::string& after = pair.second;
      CodedSurvey s = empty_survey();
      s.selected[f5] = letters(held);
      apply_product(s, c.products[0]);
      CHECK_MESSAGE(s.selected[f5] == letters(after), held);
    }
  }

  TEST_CASE("catalogue apply.requirements hold on the survey as it is after the products") {
    const Catalogue c = *load(base).catalogue;
    CodedSurvey s = empty_survey();
    CHECK_FALSE(meets_requirements(s, c.products[0]));  // needs F1 B
    CHECK(meets_requirements(s, c.products[1]));        // needs nothing
    apply_product(s, c.products[1]);                    // brings F1 B and C
    CHECK(meets_requirements(s, c.products[0]));
    // A single-choice requirement is met by any option scoring at least the named one.
    const auto r = load(edit("F1: [B]}", "F5: [C]}", "requires"));
    REQUIRE_MESSAGE(r.ok(), format_issues(r.issues));
    const Product& p = r.catalogue->products[0];
    const auto f5 = static_cast<std::size_t>(index_of_item("F5"));
    for (const auto& pair : std::vector<std::pair<std::string, bool>>{
             {"A", false}, {"B", false}, {"C", true}, {"D", true}, {"E", true}}) {
      const std::string& held = pair.first;
      const bool met = pair.second;
      CodedSurvey t = empty_survey();
      t.selected[f5] = letters(held);
      CHECK_MESSAGE(meets_requirements(t, p) == met, held);
    }
    // A scenario requirement: at or above the level.
    const auto q = load(edit("items: {F1: [B]}", "scenarios: {S13: 2}"));
    REQUIRE_MESSAGE(q.ok(), format_issues(q.issues));
    CodedSurvey u = empty_survey();
    u.levels[static_cast<std::size_t>(index_of_scenario("S13"))] = 1;
    CHECK_FALSE(meets_requirements(u, q.catalogue->products[0]));
    u.levels[static_cast<std::size_t>(index_of_scenario("S13"))] = 3;
    CHECK(meets_requirements(u, q.catalogue->products[0]));
  }

  TEST_CASE("catalogue apply.the order of products does not change the score") {
    const Catalogue& c = example();
    const Engine& engine = test::miit2024();
    std::ifstream in(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
    std::string line;
    int checked = 0;
    for (int n = 0; n < 5 && std::getline(in, line); ++n) {
      CodedSurvey s;
      engine.code_json(line, Location{"cohort.jsonl", n + 1, 0}, MissingPolicy::error, s);
      REQUIRE(s.ok());
      // Every product, forwards and backwards: the same levels, options and score.
      std::vector<std::size_t> all(c.products.size());
      for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
      CodedSurvey fwd = s, back = s;
      apply_products(fwd, c, all);
      std::vector<std::size_t> rev(all.rbegin(), all.rend());
      apply_products(back, c, rev);
      CHECK(fwd.levels == back.levels);
      std::vector<CodedSurvey> block{s, fwd, back};
      BlockScores scores;
      engine.score_block(block, scores);
      CHECK(scores.total[1] == scores.total[2]);
      CHECK(scores.total[1] >= scores.total[0]);
      CHECK(scores.level[1] >= scores.level[0]);
      // The whole catalogue at once delivers level 3 or more in every scenario.
      for (auto l : fwd.levels) CHECK(l >= 3);
      ++checked;
    }
    CHECK(checked == 5);
  }
}

TEST_SUITE("catalogue example") {
  TEST_CASE("catalogue example.the pool can bring every baseline enterprise of the pilot to 二级") {
    // Every product allowed for the enterprise's industry, requirements and all: the example
    // catalogue has no gap for the example pilot, so a plan exists for each of them.
    const Catalogue& c = example();
    const Engine& engine = test::miit2024();
    std::ifstream in(SMEDX_SOURCE_DIR "/examples/pilot/baseline.jsonl");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      CodedSurvey s;
      engine.code_json(line, Location{"baseline.jsonl", ++n, 0}, MissingPolicy::error, s);
      REQUIRE(s.ok());
      std::string industry;
      for (const auto& [k, v] : s.enterprise)
        if (k == "industry") industry = v;
      std::vector<std::size_t> allowed;
      for (std::size_t i = 0; i < c.products.size(); ++i)
        if (c.products[i].allowed_for(industry)) allowed.push_back(i);
      CodedSurvey after = s;
      apply_products(after, c, allowed);
      for (std::size_t i : allowed)
        CHECK_MESSAGE(meets_requirements(after, c.products[i]), c.products[i].id);
      std::vector<CodedSurvey> block{after};
      BlockScores scores;
      engine.score_block(block, scores);
      CHECK_MESSAGE(scores.level[0] >= 2, s.enterprise_id);
    }
    CHECK(n > 0);
  }
}

#ifdef SMEDX_CLI
TEST_SUITE("catalogue lint") {
  namespace fs = std::filesystem;

  struct Run {
    int code;
    std::string out, err;
  };
  Run run(const std::string& args) {
    const fs::path dir =
        fs::temp_directory_path() / ("smedx-catalogue-lint-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string cmd = std::string("'") + SMEDX_CLI + "' " + args + " >'" +
                            (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
    const int status = std::system(cmd.c_str());
    Run r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, test::read_file((dir / "out").string()),
          test::read_file((dir / "err").string())};
    fs::remove_all(dir);
    return r;
  }

  TEST_CASE("catalogue lint.the example lints clean, its rule set found by id") {
    const Run r = run("lint " SMEDX_SOURCE_DIR "/catalogues/dongying-2026");
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.rfind("dongying-2026  ", 0) == 0);
    CHECK(r.out.find("scenarios no product delivers: none\n") != std::string::npos);
    const Run q = run("lint -q " SMEDX_SOURCE_DIR "/catalogues/dongying-2026/catalogue.yaml");
    CHECK(q.code == 0);
    CHECK(q.out.empty());
  }

  TEST_CASE("catalogue lint.errors are printed located, with a non-zero exit") {
    const fs::path dir =
        fs::temp_directory_path() / ("smedx-catalogue-bad-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "catalogue.yaml", std::ios::binary)
        << edit("F5: [C]", "F5: [G]") << "    rule_set_path: x\n";
    const Run r =
        run("lint --rules " SMEDX_SOURCE_DIR "/indicators/miit-2024 '" + dir.string() + "'");
    CHECK(r.code == 1);
    CHECK(r.err.find("catalogue.yaml:18:20: unknown option 'G' for item 'information_systems'") !=
          std::string::npos);
    CHECK(r.err.find("unknown key 'rule_set_path' in a product") != std::string::npos);
    CHECK(r.err.find("2 errors") != std::string::npos);
    // Without --rules, the rule set is looked for beside the catalogue, and not found here.
    const Run n = run("lint '" + dir.string() + "'");
    CHECK(n.code == 1);
    CHECK(n.err.find("cannot find rule set 'miit-2024'") != std::string::npos);
    fs::remove_all(dir);
  }

  TEST_CASE("catalogue lint.--rules is for catalogues only") {
    const Run r = run("lint --rules x " SMEDX_SOURCE_DIR "/indicators/miit-2024");
    CHECK(r.code == 2);
    CHECK(r.err.find("--rules applies to a catalogue") != std::string::npos);
  }
}
#endif
