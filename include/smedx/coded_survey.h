// A survey coded against a rule set: what scoring needs and nothing else. The survey readers
// and the coder produce it (src/survey/); the engine scores blocks of them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "smedx/diagnostics.h"

namespace smedx {

// What to do with an item or scenario the survey does not answer.
enum class MissingPolicy {
  error,  // the survey is not scored; the error names every missing item and scenario
  zero,   // scored as the lowest option (scenario level 0), with a warning
};

// A survey resolved against a rule set: each answer as the set of options it selects, each
// scenario as its level, in rule-set order. What scoring needs and nothing else, so that a
// block of them scores as plain arithmetic.
struct CodedSurvey {
  std::string enterprise_id;
  std::vector<std::pair<std::string, std::string>> enterprise;
  Location where;
  std::vector<Issue> errors;    // when not empty, the survey is not scored
  std::vector<Issue> warnings;  // missing answers scored as zero
  // Warning-severity consistency rules that fired, as indices into RuleSet::consistency: kept
  // as numbers so scoring a batch builds no message text; Engine::assessment turns them into
  // warnings.
  std::vector<std::uint16_t> fired;
  std::vector<std::uint32_t> selected;  // per item: bit k set = option k (A + k) chosen
  std::vector<std::int8_t> levels;      // per scenario
  bool ok() const noexcept { return errors.empty(); }
};

}  // namespace smedx
