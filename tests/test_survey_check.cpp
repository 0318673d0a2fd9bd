// check_survey: a survey's references and values against a rule set, with exact messages.
#include <doctest/doctest.h>

#include "smedx/load.h"
#include "smedx/survey.h"
#include "survey/survey_yaml.h"

namespace {

const smedx::RuleSet& rules() {
  static const smedx::LoadResult r = smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml");
  return r.rules();
}

// A valid survey of the minimal rule set with `answers` and `scenarios` spliced in.
std::vector<smedx::Issue> check(const std::string& answers,
                                const std::string& scenarios = "{quality: 1, energy_use: 2}") {
  const std::string text = "enterprise: {id: E1, industry: equipment_parts}\nanswers: " + answers +
                           "\nscenarios: " + scenarios + "\n";
  std::vector<smedx::Issue> issues;
  auto root = smedx::detail::parse_yaml(text, "survey.yaml", {}, issues);
  REQUIRE(root);
  auto survey = smedx::detail::read_survey(*root, "survey.yaml", "", issues);
  if (!survey) return issues;
  return smedx::check_survey(*survey, rules());
}

std::string only_message(const std::vector<smedx::Issue>& issues) {
  REQUIRE_MESSAGE(issues.size() == 1, smedx::format_issues(issues));
  return issues[0].message;
}

}  // namespace

TEST_SUITE("survey check") {
  TEST_CASE("survey.a complete survey by ids or codes is clean") {
    CHECK(check("{network: [B, C], rate: 37.5, energy: {before: 100, after: 99}}").empty());
    CHECK(check("{F1: [A], F2: B, F3: C}", "{S01: 2, S02: 0}").empty());
  }

  TEST_CASE("survey.unknown item suggests the nearest id") {
    CHECK(only_message(check("{network: [B], rate: A, energy: C, netwrk: [B]}")) ==
          "unknown item 'netwrk' (did you mean 'network'?)");
  }

  TEST_CASE("survey.an option letter the item does not have") {
    const auto issues = check("{network: [B, G], rate: A, energy: C}");
    CHECK(only_message(issues) == "unknown option 'G' for item 'network' (valid: A–C)");
    CHECK(issues[0].path == "answers.network");
    CHECK(issues[0].where.line == 2);
  }

  TEST_CASE("survey.none together with other options") {
    CHECK(only_message(check("{network: [A, B], rate: A, energy: C}")) ==
          "'none' excludes other options for item 'network', got A, B");
  }

  TEST_CASE("survey.repeated options") {
    CHECK(only_message(check("{network: [B, B], rate: A, energy: C}")) ==
          "option 'B' repeated for item 'network'");
  }

  TEST_CASE("survey.a list for a single item and a letter for a multi item") {
    CHECK(only_message(check("{network: [B], rate: [A], energy: C}")) ==
          "item 'rate' takes one letter, got a list");
    CHECK(only_message(check("{network: B, rate: A, energy: C}")) ==
          "item 'network' takes a list of letters, got a single letter");
  }

  TEST_CASE("survey.a percentage outside 0-100") {
    CHECK(only_message(check("{network: [B], rate: 100.5, energy: C}")) ==
          "percentage 100.5 for item 'rate' is outside 0–100");
    CHECK(only_message(check("{network: [B], rate: -1, energy: C}")) ==
          "percentage -1 for item 'rate' is outside 0–100");
    CHECK(check("{network: [B], rate: 100.000, energy: C}").empty());
    CHECK(check("{network: [B], rate: 0, energy: C}").empty());
  }

  TEST_CASE("survey.a scenario level outside the rule's levels") {
    CHECK(
        only_message(check("{network: [B], rate: A, energy: C}", "{quality: 3, energy_use: 0}")) ==
        "scenario level 3 for 'quality' is outside 0–2");
  }

  TEST_CASE("survey.missing answers and scenarios are named") {
    const auto issues = check("{network: [B]}", "{quality: 1}");
    REQUIRE(issues.size() == 2);
    CHECK(issues[0].message == "missing answers for items: F2 rate, F3 energy");
    CHECK(issues[1].message == "missing levels for scenarios: S02 energy_use");
  }

  TEST_CASE("survey.an item answered by id and by code") {
    CHECK(only_message(check("{network: [B], F1: [C], rate: A, energy: C}")) ==
          "item 'network' answered twice (as 'network' and 'F1')");
  }
}
