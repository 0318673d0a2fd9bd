// The pilot programme: programme.yaml, the inputs, acceptance, progress, provider rating, cases.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "smedx/programme.h"

using namespace smedx;

namespace {
std::string first_error(const ProgrammeLoad& r) {
  for (const auto& i : r.issues)
    if (i.severity == Severity::error) return i.to_string();
  return {};
}
std::string first_line(const ProgrammeLoad& r) {
  const std::string e = first_error(r);
  return e.substr(0, e.find('\n', e.find('\n') + 1) + 1);
}
}  // namespace

TEST_SUITE("programme") {
  TEST_CASE("programme.dongying-2026 loads with its targets and batches") {
    const auto r = load_programme(std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026");
    REQUIRE_MESSAGE(r.ok(), format_issues(r.issues));
    const Programme& p = *r.programme;
    CHECK(p.id == "dongying-2026");
    CHECK(p.document == "东工信字〔2026〕2号");
    CHECK(p.total_target == 730);
    REQUIRE(p.industries.size() == 2);
    CHECK(p.industries[0].target == 415);
    CHECK(p.industries[1].focus_districts.size() == 4);
    REQUIRE(p.batches.size() == 2);
    CHECK(p.batches[0].transform_from.to_string() == "2026-03-01");
    CHECK(p.batches[0].acceptance_by.to_string() == "2026-08-31");
    CHECK(p.batches[1].transform_to.to_string() == "2027-05-31");
    CHECK(p.acceptance.size() == 7);
    CHECK(p.rating.stars.size() == 5);
    CHECK(p.rule_set_path.filename() == "miit-2024");
  }

  TEST_CASE("programme.dates parse exactly and refuse impossible days") {
    CHECK(parse_date("2024-02-29")->to_string() == "2024-02-29");
    CHECK_FALSE(parse_date("2026-02-29"));
    CHECK_FALSE(parse_date("2026-13-01"));
    CHECK_FALSE(parse_date("2026-3-01"));
    CHECK(parse_month("2026-02", true)->to_string() == "2026-02-28");
    CHECK(parse_date("2026-03-01")->days - parse_date("2026-02-28")->days == 1);
  }

  TEST_CASE("programme.errors are located with path and caret") {
    const std::string base = std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026";
    std::string yaml;
    {
      std::ifstream in(base + "/programme.yaml");
      std::ostringstream b;
      b << in.rdbuf();
      yaml = b.str();
    }
    auto replace = [&](std::string from, std::string to) {
      std::string y = yaml;
      const auto at = y.find(from);
      REQUIRE(at != std::string::npos);
      y.replace(at, from.size(), to);
      return load_programme_from_string(y, "programme.yaml");
    };
    CHECK(first_error(replace("total_target: 730", "total_target: 731")) ==
          "error: programme.yaml:18:15: total_target 731 is not the sum of the industries' "
          "targets (730)\n  at total_target\n   18 | total_target: 731\n      |               ^\n");
    CHECK(first_error(replace("check: level_at_least", "check: level_at_leest")) ==
          "error: programme.yaml:40:13: unknown acceptance check 'level_at_leest' (did you mean "
          "'level_at_least'?)\n  at acceptance[2].check\n   40 |   - {check: level_at_leest, "
          "level: 2, outcome: failed}\n      |             ^\n");
    CHECK(first_line(replace("transform_to: 2026-08,", "transform_to: 2026-8,")) ==
          "error: programme.yaml:20:66: expected a month yyyy-mm for "
          "'transform_to', got '2026-8'\n  at batches.batch1.transform_to\n");
    CHECK(first_line(replace("authenticity]", "authenticty]")) ==
          "error: programme.yaml:39:87: unknown evidence item 'authenticty' "
          "(not in 'evidence')\n  at acceptance[1].items[5]\n");
    CHECK(first_line(replace("{performance: 70, satisfaction: 30}",
                             "{performance: 70, satisfaction: 20}")) ==
          "error: programme.yaml:53:12: the weights sum to 90, expected 100\n  at "
          "provider_rating.weights\n");
    CHECK(first_line(replace("weight: 20}\nprovider", "weight: 25}\nprovider")) ==
          "error: programme.yaml:48:5: the satisfaction weights sum to 105, expected 100\n  at "
          "satisfaction.items\n");
    CHECK(first_line(replace("acceptance_by: 2026-08}", "acceptance_by: 2026-07}")) ==
          "error: programme.yaml:20:90: acceptance_by 2026-07 is before transform_to 2026-08\n  at "
          "batches.batch1.acceptance_by\n");
  }
}
