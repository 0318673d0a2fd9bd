// The plan search's model of a survey: item answers as option masks with their points and
// scenario levels, small enough to copy at every node of the search. Products are applied to
// it by the application rule of smedx/catalogue.h; the engine re-scores every plan found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "smedx/catalogue.h"
#include "smedx/coded_survey.h"
#include "smedx/rules.h"

namespace smedx::detail {

struct MatchState {
  std::vector<std::uint32_t> selected;
  std::vector<std::int8_t> levels;
  std::int64_t total = 0;  // thousandths
};

// What the search needs of a rule set, worked out once.
struct MatchRules {
  explicit MatchRules(const RuleSet& rules);

  std::int64_t points(std::size_t item, std::uint32_t mask) const noexcept;
  MatchState state_of(const CodedSurvey& c) const;
  void apply(MatchState& s, const Product& p) const noexcept;
  void apply_items(MatchState& s, const Product& p) const noexcept;  // the items alone
  // Whether `s` meets every prerequisite of `p` (meets_requirements on the model).
  static bool meets(const MatchState& s, const Product& p) noexcept;
  // Scenarios at `level` or above, and constraint scenarios among them.
  int at_or_above(const MatchState& s, int level) const noexcept;
  int constraint_at(const MatchState& s, int level) const noexcept;
  // The level reached, exactly as the level rule decides it.
  int level(const MatchState& s) const noexcept;

  std::vector<std::vector<std::int64_t>> option_points;  // per item, per option (thousandths)
  std::vector<bool> constraint;                          // per scenario
  std::vector<LevelRequirement> minima;                  // level l at l - 1
};

}  // namespace smedx::detail
