// The scoring engine: a validated rule set compiled once, then applied to any number of surveys.
// score() is const and safe to call from many threads at once; a survey's data problems come
// back inside its Assessment, never as exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "smedx/block.h"
#include "smedx/coded_survey.h"
#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "smedx/rules.h"
#include "smedx/survey.h"

namespace smedx {

namespace detail {
struct EngineAccess;
}

struct ItemScore {
  std::string id;
  std::string code;
  std::vector<char> letters;  // the options that count (a number or figures mapped to one)
  Decimal points;
};

struct PartScore {  // a dimension or a sub-indicator
  std::string id;
  Decimal points;
  Decimal max;
};

// One condition of the level rule, with what it requires and what the enterprise has.
struct LevelCondition {
  std::string what;  // "points", "scenarios", "constraint"
  Decimal required;
  Decimal has;
  bool met() const noexcept { return has >= required; }
};

struct LevelCheck {
  int level = 0;
  std::vector<LevelCondition> conditions;
  bool met() const noexcept;
};

struct ScenarioCount {
  int level = 0;        // 1..N
  int at_or_above = 0;  // scenarios rated at this level or above
  int constraint = 0;   // of which constraint scenarios
};

struct Provenance {
  std::string rule_set_id;
  std::string rule_set_version;
  std::string rule_set_hash;
  std::string engine_version;
};

struct Assessment {
  std::string enterprise_id;
  std::vector<std::pair<std::string, std::string>> enterprise;
  std::vector<Issue> errors;  // when not empty, the survey could not be scored
  std::vector<ItemScore> items;
  std::vector<PartScore> sub_indicators;
  std::vector<PartScore> dimensions;
  Decimal total;
  std::vector<std::pair<std::string, int>> scenarios;  // rule-set order
  std::vector<ScenarioCount> scenario_counts;          // levels 1..N
  int level = 0;
  std::string level_name;
  std::vector<LevelCheck> explanation;  // the level reached (if any) and the next one (if any)
  std::vector<Issue> warnings;          // consistency rules that fired
  Provenance provenance;

  bool ok() const noexcept { return errors.empty(); }
};

class Engine {
 public:
  // Compiles a rule set. The rule set must be valid (from a LoadResult that is ok()).
  explicit Engine(const RuleSet& rules);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // One survey, start to end: code it, score it, explain it.
  Assessment score(const Survey& survey, MissingPolicy missing = MissingPolicy::error) const;

  // The batch path, in three steps that a caller can spread over threads and blocks.
  CodedSurvey code(const Survey& survey, MissingPolicy missing = MissingPolicy::error) const;
  // The same into an existing CodedSurvey, reusing its buffers (the batch path).
  void code_into(const Survey& survey, MissingPolicy missing, CodedSurvey& out) const;
  // Codes one survey straight from its JSON text (same checks and messages as parsing it with
  // parse_survey_json and coding the Survey). `where` names the record in messages; a
  // `capacity` of at least json.size() + 64 lets the parser read the text in place.
  void code_json(std::string_view json, const Location& where, MissingPolicy missing,
                 CodedSurvey& out, std::size_t capacity = 0) const;
  void score_block(std::span<const CodedSurvey> block, BlockScores& out) const;
  Assessment assessment(const CodedSurvey& survey, const BlockScores& scores,
                        std::size_t row) const;

  const RuleSet& rules() const noexcept;

 private:
  friend struct detail::EngineAccess;
  struct Compiled;
  std::unique_ptr<const Compiled> compiled_;
};

std::string_view version() noexcept;

}  // namespace smedx
