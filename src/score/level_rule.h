// The level rule, decided here and nowhere else: a survey reaches the highest level whose three
// minima all hold (total points, scenarios rated at that level or above, constraint scenarios
// among them), else level 0; its explanation names the level reached and the next one, each
// with what every condition requires and what the survey has. The engine, the columnar scorer
// and the JSON record writer read it from here. Inline: it runs once a survey.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "smedx/rules.h"

namespace smedx::detail {

// The conditions of a level, in the order an explanation lists them.
inline constexpr std::array<std::string_view, 3> level_condition_names = {"points", "scenarios",
                                                                          "constraint"};

// How far `has` is short of `required`: 0 when the condition holds.
constexpr std::int64_t shortfall(std::int64_t required, std::int64_t has) noexcept {
  return has >= required ? 0 : required - has;
}

// One condition of a level against what a survey has (points in thousandths, counts as they are).
struct LevelConditionValue {
  std::string_view what;  // one of level_condition_names
  std::int64_t required = 0;
  std::int64_t has = 0;
  bool met() const noexcept { return shortfall(required, has) == 0; }
};

// A rule's minima in one flat array (level l + 1 at index l), built once: deciding a level is
// then a few integer comparisons.
class LevelTable {
 public:
  struct Minimum {
    std::int64_t points = 0;  // thousandths
    std::int32_t scenarios = 0, constraint = 0;
  };

  explicit LevelTable(const LevelRule& rule) {
    for (const LevelRequirement& r : rule.levels) {
      minima_.push_back({r.min_points.thousandths(), r.min_scenarios, r.min_constraint});
      // A minimum strictly within 32 bits tells a total held at those limits as it tells the
      // total itself (tile_levels).
      narrow_ = narrow_ && minima_.back().points > std::numeric_limits<std::int32_t>::min() &&
                minima_.back().points < std::numeric_limits<std::int32_t>::max();
    }
  }

  int top() const noexcept { return static_cast<int>(minima_.size()); }
  const Minimum& minimum(int level) const noexcept {
    return minima_[static_cast<std::size_t>(level - 1)];
  }

  // Whether level `level` (1..top) holds for a survey with `total` points (thousandths),
  // `at_or_above` scenarios rated at that level or above and `constraint` constraint scenarios
  // among them.
  bool met(int level, std::int64_t total, std::int32_t at_or_above,
           std::int32_t constraint) const noexcept {
    return holds<false>(minimum(level), total, at_or_above, constraint);
  }

  // The level reached: the highest whose minima all hold, else 0, with the counts of levels
  // 1..top in two arrays. From the top down, stopping at the first level that holds.
  int level(std::int64_t total, const std::int32_t* at_or_above,
            const std::int32_t* constraint) const noexcept {
    for (int l = top(); l >= 1; --l)
      if (met(l, total, at_or_above[l - 1], constraint[l - 1])) return l;
    return 0;
  }

  // The same for a row of a tile: at_or_above(k) and constraint(k) give the counts of level
  // k + 1 from columns of any type and stride (the columnar scorer's byte counts). Every level
  // is tested, with no branch on the outcome: rows' levels are data, and a loop over many rows
  // would mispredict.
  template <typename AtOrAbove, typename Constraint>
  int row_level(std::int64_t total, AtOrAbove&& at_or_above,
                Constraint&& constraint) const noexcept {
    int reached = 0;
    for (int l = 1; l <= top(); ++l) {
      const auto k = static_cast<std::size_t>(l - 1);
      reached = holds<true>(minima_[k], total, static_cast<std::int32_t>(at_or_above(k)),
                            static_cast<std::int32_t>(constraint(k)))
                    ? l
                    : reached;
    }
    return reached;
  }

  // row_level for rows [0, m) of a tile at once, each row's level into out[j]: the counts of
  // level k + 1 are bytes at at_or_above[k * stride + j] and constraint[k * stride + j] (the
  // columnar scorer's). A loop along the tile for each level, which the compiler vectorises:
  // on 32-bit totals (every x86-64 compares those four at a time, but not 64-bit ones) where
  // the minima allow, the totals held at the limits of 32 bits (which decides no minimum
  // otherwise) in `scratch` (m slots).
  void tile_levels(std::size_t m, const std::int64_t* __restrict total,
                   const std::uint8_t* __restrict at_or_above,
                   const std::uint8_t* __restrict constraint, std::size_t stride,
                   std::int32_t* __restrict scratch, std::int32_t* __restrict out) const noexcept {
    for (std::size_t j = 0; j < m; ++j) out[j] = 0;
    if (!narrow_) {
      for (std::size_t k = 0; k < minima_.size(); ++k) {
        const Minimum at = minima_[k];
        const auto level = static_cast<std::int32_t>(k + 1);
        for (std::size_t j = 0; j < m; ++j)
          out[j] =
              holds<true>(at, total[j], at_or_above[k * stride + j], constraint[k * stride + j])
                  ? level
                  : out[j];
      }
      return;
    }
    constexpr std::int64_t low = std::numeric_limits<std::int32_t>::min(),
                           high = std::numeric_limits<std::int32_t>::max();
    for (std::size_t j = 0; j < m; ++j)
      scratch[j] = static_cast<std::int32_t>(std::clamp(total[j], low, high));
    for (std::size_t k = 0; k < minima_.size(); ++k) {
      const auto points = static_cast<std::int32_t>(minima_[k].points);
      const std::int32_t scenarios = minima_[k].scenarios, constraints = minima_[k].constraint;
      const std::uint8_t* __restrict at = at_or_above + k * stride;
      const std::uint8_t* __restrict con = constraint + k * stride;
      const auto level = static_cast<std::int32_t>(k + 1);
      for (std::size_t j = 0; j < m; ++j) {
        const bool met =
            (int{scratch[j] >= points} & int{at[j] >= scenarios} & int{con[j] >= constraints}) != 0;
        out[j] = met ? level : out[j];
      }
    }
  }

  // The levels an explanation covers for a survey at `level`: the level reached (when above 0),
  // then the next one (when below the top); 0 where there is none.
  std::array<int, 2> explained(int level) const noexcept {
    return {level > 0 ? level : 0, level < top() ? level + 1 : 0};
  }

  // The conditions of `level` (1..top), in the order of level_condition_names.
  std::array<LevelConditionValue, 3> conditions(int level, std::int64_t total,
                                                std::int32_t at_or_above,
                                                std::int32_t constraint) const noexcept {
    const Minimum& m = minimum(level);
    return {{{level_condition_names[0], m.points, total},
             {level_condition_names[1], m.scenarios, at_or_above},
             {level_condition_names[2], m.constraint, constraint}}};
  }

 private:
  // The rule itself: every minimum of the level met. `branchless`: all three tests, no branch
  // between them, for loops over rows whose outcomes are data; else the first test that fails
  // decides, the fewest instructions for one survey.
  template <bool branchless>
  static bool holds(const Minimum& m, std::int64_t total, std::int32_t at_or_above,
                    std::int32_t constraint) noexcept {
    if constexpr (branchless) {
      return (int{total >= m.points} & int{at_or_above >= m.scenarios} &
              int{constraint >= m.constraint}) != 0;
    } else {
      return total >= m.points && at_or_above >= m.scenarios && constraint >= m.constraint;
    }
  }

  std::vector<Minimum> minima_;
  bool narrow_ = true;  // every minimum of points strictly within 32 bits
};

}  // namespace smedx::detail
