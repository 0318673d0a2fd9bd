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

struct ConformanceCase {
  std::string name;
  Location where;
  Survey survey;
  std::map<std::string, Decimal> dimensions;         // expected points per dimension id
  std::optional<Decimal> total;                      // expected total points
  std::optional<int> level;                          // expected overall level
  std::optional<std::vector<std::string>> warnings;  // expected consistency rule ids, exactly
};

struct ConformanceSuite {
  std::vector<ConformanceCase> cases;
  std::vector<Issue> issues;  // problems reading the file itself
};

ConformanceSuite load_conformance(const std::filesystem::path& tests_yaml);

}  // namespace smedx
