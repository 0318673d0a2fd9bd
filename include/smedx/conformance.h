// Conformance cases: surveys with what scoring them must give, shipped beside every rule set
// as tests.yaml and replayed by the test suite.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "smedx/survey.h"

namespace smedx {

// An expected diagnosis path. Changes are written as in the survey format: scenario levels as
// numbers, item answers as a letter or a list of letters; here as canonical text ("2", "C",
// "B,C") for comparison.
struct ExpectedPath {
  int target = 0;
  std::string status;  // reachable, already, unreachable
  std::optional<Decimal> cost;
  struct Change {
    std::string kind, id, from, to;
  };
  std::vector<Change> changes;
};

struct ConformanceCase {
  std::string name;
  Location where;
  Survey survey;
  std::map<std::string, Decimal> dimensions;         // expected points per dimension id
  std::optional<Decimal> total;                      // expected total points
  std::optional<int> level;                          // expected overall level
  std::optional<std::vector<std::string>> warnings;  // expected consistency rule ids, exactly
  std::optional<ExpectedPath> path;                  // expected diagnosis path
};

struct ConformanceSuite {
  std::vector<ConformanceCase> cases;
  std::vector<Issue> issues;  // problems reading the file itself
};

ConformanceSuite load_conformance(const std::filesystem::path& tests_yaml);

}  // namespace smedx
