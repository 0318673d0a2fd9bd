// The path to a target level, exact and minimal under the cost model.
//
// The level rule for a target T asks three things: total points >= P, at least S scenarios at
// T or above, at least C constraint scenarios among them. Points come only from items and the
// counts only from scenarios, so the cheapest path is the cheapest item part plus the cheapest
// scenario part, each found exactly:
// - Items: a covering knapsack. Each option a multi item lacks is a 0/1 choice (gain: its
//   points); a single, band or trend item offers one choice among its better options (gain:
//   the difference). Dynamic programming over points gained, in units of the gcd of all gains,
//   capped at the deficit, gives the least cost of gaining at least the deficit (fewest changes
//   on ties): exact, since every combination of choices is a path through the table.
// - Scenarios: raising scenario s to T costs (T - level) x its step cost. For each number k of
//   constraint scenarios raised (from what C still needs up to all candidates), the cheapest
//   k constraint candidates plus the cheapest remaining candidates to reach S is optimal for
//   that k (any other choice of the same sizes costs at least as much); the least over k is
//   the optimum. At most 16 x 16 cases for the 2024 rules.
// A path is then checked by applying it and scoring again: it must reach the target.
//
// Diagnoser::path runs these steps in turn, each a function below: where the survey stands;
// the plan, found by the search (the item moves on offer, the knapsack over them, the scenario
// raises, the chosen moves as plan steps) or taken from a first pass; the changes the plan
// stands for; the check.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>

#include "diagnose/target_level.h"
#include "score/engine_access.h"
#include "smedx/diagnosis.h"
#include "survey/survey_coder.h"

namespace smedx {

namespace {

Cost times(Decimal amount, Decimal unit) { return Cost{amount.thousandths() * unit.thousandths()}; }

Decimal points_of(const Item& item, std::uint32_t mask) {
  Decimal p;
  for (std::size_t k = 0; k < item.options.size(); ++k)
    if (mask & (std::uint32_t{1} << k)) p += item.options[k].points;
  return p;
}

std::vector<char> letters_of(std::uint32_t mask) {
  std::vector<char> out;
  for (int k = 0; k < 32; ++k)
    if (mask & (std::uint32_t{1} << k)) out.push_back(static_cast<char>('A' + k));
  return out;
}

// One choice of the item knapsack: a new answer for an item.
struct Upgrade {
  std::size_t item;
  std::uint32_t add;  // options added (multi)
  std::uint32_t to;   // the whole new answer (single kinds); 0 for multi
  std::int64_t gain;  // thousandths
  Cost cost;
};

// A state of the item knapsack: the least cost found so far and, below it, in how many
// changes. The search packs the cap's state in one integer (cost x 2^16 + changes) when the
// costs allow; else (item costs beyond 2^46 millionths: never a real rule set, or more groups
// than a byte counts) it works on pairs compared in that order.
constexpr std::int64_t change_scale = std::int64_t{1} << 16;
constexpr std::int64_t unreached = std::numeric_limits<std::int64_t>::max();

struct Cell {
  std::int64_t cost = 0;
  std::int64_t changes = 0;
  auto operator<=>(const Cell&) const = default;
};

// A fingerprint (FNV-1a) of what the search depends on: the answers, the scenario levels, the
// target and the profile. A plan kept from a first pass is used only for the survey, target
// and profile it was found for (PathPlan::survey); never 0, which means no plan.
std::uint64_t fingerprint(const CodedSurvey& c, int target, const IndustryProfile* profile) {
  std::uint64_t print = 0xcbf29ce484222325u;
  auto mix = [&print](std::uint64_t v) { print = (print ^ v) * 0x100000001b3u; };
  for (std::uint32_t m : c.selected) mix(m);
  for (std::int8_t l : c.levels) mix(static_cast<std::uint8_t>(l));
  mix(static_cast<std::uint64_t>(target));
  mix(reinterpret_cast<std::uintptr_t>(profile));
  return print | 1;
}

// The item moves on offer, in groups of which the knapsack takes at most one upgrade each: a
// multi item's every missing option with points is a group of its own (options are added
// independently); a single, band or trend item's better options are one group (it has one
// answer). Rule-set order, options in letter order: the tie-breaks below rest on it.
std::span<const std::vector<Upgrade>> item_moves(const detail::RuleIndex& index,
                                                 const CodedSurvey& c, Decimal item_point) {
  // The groups' vectors live per thread and are reused, as the search's tables are: allocating
  // them per survey cost as much as filling them.
  thread_local std::vector<std::vector<Upgrade>> group_store;
  std::size_t group_count = 0;
  auto new_group = [&]() -> std::vector<Upgrade>& {
    if (group_count == group_store.size()) group_store.emplace_back();
    std::vector<Upgrade>& g = group_store[group_count++];
    g.clear();
    return g;
  };
  for (std::size_t i = 0; i < index.items.size(); ++i) {
    const Item& item = *index.items[i];
    const std::uint32_t mask = c.selected[i];
    if (item.kind == ItemKind::multi) {
      for (std::size_t k = 0; k < item.options.size(); ++k) {
        const std::uint32_t bit = std::uint32_t{1} << k;
        if ((mask & bit) || item.options[k].none || item.options[k].points <= Decimal{}) continue;
        new_group().push_back(Upgrade{i, bit, 0, item.options[k].points.thousandths(),
                                      times(item.options[k].points, item_point)});
      }
    } else {
      const Decimal current = points_of(item, mask);
      std::vector<Upgrade>& better = new_group();
      for (std::size_t k = 0; k < item.options.size(); ++k) {
        const Decimal gain = item.options[k].points - current;
        if (gain <= Decimal{}) continue;
        better.push_back(
            Upgrade{i, 0, std::uint32_t{1} << k, gain.thousandths(), times(gain, item_point)});
      }
      if (better.empty()) --group_count;
    }
  }
  return {group_store.data(), group_count};
}

// The scale of the knapsack: its unit (the gcd of the deficit and every gain, so the table has
// as few states as can be) and the most the groups can gain together (each its best upgrade):
// below the deficit, no path exists.
struct GainScale {
  std::int64_t unit;
  std::int64_t reachable;
};

GainScale gain_scale(std::span<const std::vector<Upgrade>> groups, std::int64_t deficit) {
  GainScale scale{deficit, 0};
  for (const auto& g : groups) {
    std::int64_t best = 0;
    for (const auto& u : g) {
      scale.unit = std::gcd(scale.unit, u.gain);
      best = std::max(best, u.gain);
    }
    scale.reachable += best;
  }
  return scale;
}

// The covering knapsack over the item moves: the least cost of gaining at least the deficit
// (fewest changes on ties, then the earlier choice), solved by dynamic programming over the
// units gained, capped at the deficit. Two fills give the same table: `fill_counts`, fast, when
// every move costs in proportion to its gain (every real rule set), and `fill` for the rest.
class ItemKnapsack {
 public:
  ItemKnapsack(std::span<const std::vector<Upgrade>> groups, std::int64_t deficit,
               std::int64_t unit)
      : groups_(groups),
        unit_(unit),
        states_(static_cast<std::size_t>(deficit / unit) + 1),
        cap_(states_ - 1) {}

  // The chosen upgrades (from the last group back to the first).
  std::vector<const Upgrade*> solve(std::int64_t item_point) {
    prepare();
    if (proportional(item_point)) {
      fill_counts(item_point);
    } else {
      fill();
    }
    return chosen();
  }

 private:
  // best[s]: the best way to gain s units (capped at the deficit) with the groups so far,
  // updated in place one group at a time (a copy per group cost as much as the search).
  // taken[g][s]: the upgrade of group g that the best way to s after group g takes (-1: none);
  // it came from s - gain, except at the cap, whose source state is kept per group. The tables
  // live per thread and are reused: allocating them per survey was most of a diagnosis's cost.
  struct Tables {
    std::vector<std::int8_t> taken;
    std::vector<std::size_t> cap_from;
    // Each upgrade's gain in units, and each group's largest, worked out once.
    std::vector<std::vector<std::size_t>> steps;
    std::vector<std::size_t> reach_after;  // the most the groups from g on
  };
  static Tables& tables() {
    thread_local Tables t;
    return t;
  }

  void prepare() {
    Tables& t = tables();
    t.taken.assign(groups_.size() * states_, -1);
    t.cap_from.assign(groups_.size(), 0);
    if (t.steps.size() < groups_.size()) t.steps.resize(groups_.size());
    t.reach_after.assign(groups_.size() + 1, 0);
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      t.steps[g].clear();
      for (const Upgrade& up : groups_[g])
        t.steps[g].push_back(static_cast<std::size_t>(up.gain / unit_));
    }
    for (std::size_t g = groups_.size(); g > 0; --g)
      t.reach_after[g - 1] =
          t.reach_after[g] + *std::max_element(t.steps[g - 1].begin(), t.steps[g - 1].end());
  }

  // Every upgrade costs its gain times item_point, so every way to gain exactly s units
  // (s below the cap) costs the same, s x unit x item_point: below the cap, states differ
  // only in their number of changes, a small count kept in a byte. The search is then a
  // pass over those bytes per upgrade, which the compiler turns into vector code; only the
  // cap, where the amount gained past the deficit varies, compares whole packed states. It
  // takes the same states, and on a tie the same choice, as `fill`, which works on whole
  // states: for what the bytes and the packed cap cannot hold.
  bool proportional(std::int64_t item_point) const {
    // A packed state holds costs up to 2^46 millionths in all (the 2024 rule set's paths
    // cost under 2^30).
    std::int64_t most = 0;
    for (const auto& g : groups_) {
      std::int64_t m = 0;
      for (const Upgrade& up : g)
        m = std::max(m, up.cost.millionths < 0 ? -up.cost.millionths : up.cost.millionths);
      most = std::min(most + m, unreached / 4);
    }
    const bool packed = most < (std::int64_t{1} << 46) && groups_.size() < 1024;
    bool proportional = packed && item_point >= 0 && groups_.size() < 250;
    for (const auto& g : groups_)
      for (const Upgrade& up : g) proportional &= up.cost.millionths == up.gain * item_point;
    return proportional;
  }

  // Works on the groups in turn: `work(g, step, ups, took, low, high)` with group g's
  // upgrades, their steps, its row of `taken` and the states that matter. Only those are
  // worked from: none above what the groups before g can gain (`high`), none from which the
  // groups from g on cannot reach the cap (below `low`). The result is the same as over every
  // state: a state outside is on no path to the cap.
  template <typename Work>
  void each_group(Work&& work) {
    Tables& t = tables();
    std::size_t high = 0;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const std::size_t low = t.reach_after[g] >= cap_ ? 0 : cap_ - t.reach_after[g];
      work(g, t.steps[g], groups_[g], t.taken.data() + g * states_, low, high);
      high = std::min(cap_, high + (t.reach_after[g] - t.reach_after[g + 1]));
    }
  }

  void fill() {
    thread_local std::vector<Cell> best;
    std::vector<std::size_t>& cap_from = tables().cap_from;
    const std::size_t cap = cap_;
    const Cell none{unreached, 0};
    best.assign(states_, none);
    best[0] = Cell{};
    each_group([&](std::size_t g, const std::vector<std::size_t>& step,
                   const std::vector<Upgrade>& ups, std::int8_t* took, std::size_t low,
                   std::size_t high) {
      // Going down from the highest state, a state's upgrades land above it, on states already
      // passed: each state is still as it was before group g when it is worked from. A forward
      // pass would keep, on a tie, the first of not taking, the lowest source state, the lowest
      // upgrade (the earlier choice stays: plans prefer B before E); going down, a tie replaces
      // an upgrade from a higher source state, and nothing else.
      for (std::size_t s = high + 1; s-- > low;) {
        const Cell here = best[s];
        if (here == none) continue;
        for (std::size_t u = 0; u < ups.size(); ++u) {
          const std::size_t to = std::min(cap, s + step[u]);
          const Cell next{here.cost + ups[u].cost.millionths, here.changes + 1};
          Cell& there = best[to];
          bool take = next < there;
          if (!take && next == there && took[to] >= 0) {
            const auto v = static_cast<std::size_t>(took[to]);
            take = s < (to == cap ? cap_from[g] : to - step[v]);
          }
          if (take) {
            there = next;
            took[to] = static_cast<std::int8_t>(u);
            if (to == cap) cap_from[g] = s;
          }
        }
      }
    });
  }

  void fill_counts(std::int64_t item_point) {
    constexpr std::uint8_t none = 0xFE;  // plus one change, still above any real count
    thread_local std::vector<std::uint8_t> now, next;
    std::vector<std::size_t>& cap_from = tables().cap_from;
    const std::size_t cap = cap_;
    now.assign(states_, none);
    next.resize(states_);
    now[0] = 0;
    std::int64_t at_cap = unreached;                                   // the cap's packed state
    const std::int64_t unit_cost = unit_ * item_point * change_scale;  // one unit's cost, packed
    thread_local std::vector<std::size_t> order;
    each_group([&](std::size_t g, const std::vector<std::size_t>& step,
                   const std::vector<Upgrade>& ups, std::int8_t* took, std::size_t low,
                   std::size_t high) {
      std::copy(now.begin(), now.begin() + static_cast<std::ptrdiff_t>(cap), next.begin());
      // Below the cap: the state before the group stays on a tie; then the upgrade from the
      // lowest state (the largest step), then the earlier upgrade. Tried in that order, an
      // upgrade replaces only what is strictly worse.
      order.resize(ups.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return step[a] > step[b] || (step[a] == step[b] && a < b);
      });
      for (const std::size_t u : order) {
        const std::size_t k = step[u];
        const std::size_t first = low + k, last = std::min(high + k + 1, cap);  // targets
        if (first >= last) continue;
        const std::uint8_t* __restrict from = now.data() + (first - k);
        std::uint8_t* __restrict to = next.data() + first;
        std::int8_t* __restrict mark = took + first;
        const auto tag = static_cast<std::int8_t>(u);
        for (std::size_t t = 0; t < last - first; ++t) {
          const auto changes = static_cast<std::uint8_t>(from[t] + 1);
          const bool better = changes < to[t];
          to[t] = better ? changes : to[t];
          mark[t] = better ? tag : mark[t];
        }
      }
      // The cap: reached from any state within an upgrade's step of it, at a cost that
      // grows with what is gained past the deficit. The state before the group stays on a
      // tie; then the lowest source state, then the earlier upgrade.
      std::int64_t best_cap = at_cap;
      int cap_u = -1;
      std::size_t cap_s = 0;
      for (std::size_t u = 0; u < ups.size(); ++u) {
        const std::size_t k = step[u];
        const std::int64_t add = ups[u].cost.millionths * change_scale + 1;
        for (std::size_t s = std::max(low, cap > k ? cap - k : 0), end = std::min(high + 1, cap);
             s < end; ++s) {
          if (now[s] == none) continue;
          const std::int64_t key = static_cast<std::int64_t>(s) * unit_cost + now[s] + add;
          if (key < best_cap || (key == best_cap && cap_u >= 0 && s < cap_s)) {
            best_cap = key;
            cap_u = static_cast<int>(u);
            cap_s = s;
          }
        }
      }
      if (cap_u >= 0) {
        at_cap = best_cap;
        took[cap] = static_cast<std::int8_t>(cap_u);
        cap_from[g] = cap_s;
      }
      std::swap(now, next);
    });
  }

  // The upgrades on the best way to the cap, walked back from the last group to the first.
  std::vector<const Upgrade*> chosen() const {
    const Tables& t = tables();
    std::vector<const Upgrade*> out;
    for (std::size_t g = groups_.size(), s = states_ - 1; g > 0; --g) {
      const int u = t.taken[(g - 1) * states_ + s];
      if (u < 0) continue;
      const Upgrade& up = groups_[g - 1][static_cast<std::size_t>(u)];
      out.push_back(&up);
      s = s == states_ - 1 ? t.cap_from[g - 1] : s - static_cast<std::size_t>(up.gain / unit_);
    }
    return out;
  }

  std::span<const std::vector<Upgrade>> groups_;
  std::int64_t unit_;
  std::size_t states_, cap_;
};

// A scenario that could be raised to the target, and what that costs.
struct Candidate {
  std::size_t scenario;
  Cost cost;
};

// The cheapest scenarios to raise so that the level's scenario counts hold (at least S at the
// target, C of them constraint scenarios), in rule-set order; nothing when the rule set has
// too few scenarios.
std::optional<std::vector<Candidate>> scenario_raises(const RuleSet& rules, const CodedSurvey& c,
                                                      int target, const LevelRequirement& req,
                                                      const IndustryProfile* profile) {
  // What raising each scenario to the target costs: its steps times its step cost (the
  // profile's for that scenario, else the rule set's).
  std::vector<Candidate> constraint_c, other_c;
  int have = 0, have_c = 0;
  for (std::size_t s = 0; s < rules.scenarios.size(); ++s) {
    const Scenario& sc = rules.scenarios[s];
    if (c.levels[s] >= target) {
      ++have;
      have_c += sc.constraint;
      continue;
    }
    Decimal step = rules.diagnosis.scenario_level_step;
    if (profile) {
      for (const auto& [id, cost] : profile->scenario_costs)
        if (id == sc.id) step = cost;
    }
    (sc.constraint ? constraint_c : other_c)
        .push_back(Candidate{s, times(Decimal::from_int(target - c.levels[s]), step)});
  }
  auto by_cost = [](const Candidate& a, const Candidate& b) {
    return a.cost < b.cost || (a.cost == b.cost && a.scenario < b.scenario);
  };
  std::sort(constraint_c.begin(), constraint_c.end(), by_cost);
  std::sort(other_c.begin(), other_c.end(), by_cost);
  const int need_c = std::max(0, req.min_constraint - have_c);
  const int need = std::max(0, req.min_scenarios - have);
  // The cheapest choice raising exactly the k cheapest constraint candidates, the remaining
  // slots filled from the other candidates and the further constraint ones: its cost, and
  // what it raises into `raised` when given; nothing if too few. Both lists are sorted, so the
  // remaining candidates are taken in cost order by merging them.
  auto choose = [&](int k, std::vector<Candidate>* raised) -> std::optional<Cost> {
    const auto first = static_cast<std::size_t>(k);
    const int rest = std::max(0, need - k);
    if (rest > static_cast<int>(other_c.size() + constraint_c.size() - first)) return std::nullopt;
    Cost cost;
    auto take = [&](const Candidate& cand) {
      cost.millionths += cand.cost.millionths;
      if (raised) raised->push_back(cand);
    };
    for (std::size_t j = 0; j < first; ++j) take(constraint_c[j]);
    for (std::size_t j = 0, o = 0, n = first; j < static_cast<std::size_t>(rest); ++j) {
      const bool other =
          n == constraint_c.size() || (o < other_c.size() && by_cost(other_c[o], constraint_c[n]));
      take(other ? other_c[o++] : constraint_c[n++]);
    }
    return cost;
  };
  std::optional<Cost> best;
  int best_k = 0;
  for (int k = need_c; k <= static_cast<int>(constraint_c.size()); ++k) {
    const auto option = choose(k, nullptr);
    if (option && (!best || *option < *best)) {
      best = option;
      best_k = k;
    }
  }
  if (!best) return std::nullopt;
  std::vector<Candidate> raise;
  choose(best_k, &raise);
  std::sort(raise.begin(), raise.end(),
            [](const Candidate& a, const Candidate& b) { return a.scenario < b.scenario; });
  return raise;
}

// The plan's steps: the scenarios raised, then the items changed, in rule-set order; the
// upgrades of one multi item merged into one change of that item.
void plan_steps(const detail::RuleIndex& index, const CodedSurvey& c,
                std::span<const Candidate> raised, std::vector<const Upgrade*>& upgrades,
                PathPlan& plan) {
  for (const Candidate& s : raised)
    plan.steps.push_back(
        PathPlan::Step{false, static_cast<std::uint32_t>(s.scenario), 0, {}, s.cost});
  std::sort(upgrades.begin(), upgrades.end(),
            [](const Upgrade* a, const Upgrade* b) { return a->item < b->item; });
  for (std::size_t u = 0; u < upgrades.size();) {
    const std::size_t i = upgrades[u]->item;
    const Item& item = *index.items[i];
    PathPlan::Step step{true, static_cast<std::uint32_t>(i), c.selected[i], {}, {}};
    for (; u < upgrades.size() && upgrades[u]->item == i; ++u) {
      const Upgrade& up = *upgrades[u];
      step.to = up.to ? up.to : step.to | up.add;
      step.points += Decimal::from_thousandths(up.gain);
      step.cost.millionths += up.cost.millionths;
    }
    if (item.kind == ItemKind::multi) {  // adding an option replaces 'none'
      for (std::size_t k = 0; k < item.options.size(); ++k)
        if (item.options[k].none && step.to != (std::uint32_t{1} << k))
          step.to &= ~(std::uint32_t{1} << k);
    }
    plan.steps.push_back(step);
  }
}

// The search: the item part, then the scenario part, then the plan. False, with the reason,
// when the target cannot be reached: the items first (a level's points), then the counts.
bool search(const RuleSet& rules, const detail::RuleIndex& index, const CodedSurvey& c, int target,
            const IndustryProfile* profile, std::int64_t total, PathPlan& plan,
            std::string& reason) {
  const LevelRequirement& req = rules.level_rule.levels[static_cast<std::size_t>(target - 1)];
  // --- items: the least cost of gaining at least the deficit ---
  const std::int64_t deficit = std::max<std::int64_t>(0, req.min_points.thousandths() - total);
  std::vector<const Upgrade*> upgrades;
  if (deficit > 0) {
    const auto groups = item_moves(index, c, rules.diagnosis.item_point);
    const GainScale scale = gain_scale(groups, deficit);
    if (scale.reachable < deficit) {
      reason = fmt::format(
          "level {} needs {} points; with every item at its best the "
          "survey reaches only {}",
          target, req.min_points.to_string(),
          Decimal::from_thousandths(total + scale.reachable).to_string());
      return false;
    }
    upgrades =
        ItemKnapsack(groups, deficit, scale.unit).solve(rules.diagnosis.item_point.thousandths());
  }
  // --- scenarios: the least cost of S at >= T with C constraint among them ---
  const auto raised = scenario_raises(rules, c, target, req, profile);
  if (!raised) {
    reason = fmt::format(
        "level {} needs {} scenarios at level {} or above, {} of them "
        "constraint scenarios; the rule set has too few",
        target, req.min_scenarios, target, req.min_constraint);
    return false;
  }
  // --- the changes, in rule-set order: scenarios, then items ---
  plan_steps(index, c, *raised, upgrades, plan);
  return true;
}

// The changes a plan stands for, in the survey format (ids, codes, option letters).
std::vector<Change> changes_of(const PathPlan& plan, const RuleSet& rules,
                               const detail::RuleIndex& index, const CodedSurvey& c, int target) {
  std::vector<Change> changes;
  for (const PathPlan::Step& step : plan.steps) {
    Change ch;
    if (!step.item) {
      const Scenario& sc = rules.scenarios[step.index];
      ch.kind = Change::Kind::scenario;
      ch.id = sc.id;
      ch.code = sc.code;
      ch.from_level = c.levels[step.index];
      ch.to_level = target;
    } else {
      const Item& item = *index.items[step.index];
      ch.kind = Change::Kind::item;
      ch.id = item.id;
      ch.code = item.code;
      ch.list = item.kind == ItemKind::multi;
      ch.from = letters_of(c.selected[step.index]);
      ch.to = letters_of(step.to);
      ch.points = step.points;
    }
    ch.cost = step.cost;
    changes.push_back(std::move(ch));
  }
  return changes;
}

// A path must really get there: applied to the survey and scored again, it reaches the target
// (a logic_error, a bug in smedx, if not). The plausibility checks the changed survey would
// newly fail go with the path as warnings.
void check(const Engine& engine, const detail::RuleIndex& index, const CodedSurvey& c, Path& path) {
  const CodedSurvey after = Diagnoser::apply(c, path, engine.rules());
  thread_local BlockScores scores;
  engine.score_block(std::span<const CodedSurvey>(&after, 1), scores);
  if (scores.level[0] < path.target)
    throw std::logic_error(fmt::format("diagnosis path for '{}' reaches level {}, not {}",
                                       c.enterprise_id, scores.level[0], path.target));
  // Plausibility checks the changed survey would newly fail: said with the path, so a plan is
  // not taken up blindly (raising a scenario to level 3 without collecting its data, say).
  const auto before = detail::failing_rules(index, c);
  for (const ConsistencyRule* rule : detail::failing_rules(index, after)) {
    if (std::find(before.begin(), before.end(), rule) == before.end())
      path.warnings.push_back(
          Issue{Severity::warning, rule->message, "consistency." + rule->id, c.where, ""});
  }
}

}  // namespace

Path Diagnoser::path(const CodedSurvey& c, int target, const IndustryProfile* profile,
                     const PathPlan* known) const {
  const RuleSet& rules = engine_.rules();
  const auto& index = detail::EngineAccess::index(engine_);
  Path path;
  path.target = target;
  if (auto missing = detail::missing_level(rules, target)) {
    path.reason = std::move(*missing);
    return path;
  }
  // Score columns of one row, reused per thread: three scorings a diagnosis, each allocating
  // its columns afresh, were a tenth of a diagnosis' allocations.
  thread_local BlockScores now;
  engine_.score_block(std::span<const CodedSurvey>(&c, 1), now);
  if (now.level[0] >= target) {
    path.status = PathStatus::already;
    path.reason =
        fmt::format("already at level {}, at or above the target {}", now.level[0], target);
    return path;
  }

  // The plan: found by the search, or the one found for this survey before.
  PathPlan plan;
  plan.survey = fingerprint(c, target, profile);
  if (known && known->survey == plan.survey) {
    plan.steps = known->steps;
  } else if (!search(rules, index, c, target, profile, now.total[0], plan, path.reason)) {
    return path;
  }
  path.changes = changes_of(plan, rules, index, c, target);
  for (const auto& ch : path.changes) path.cost.millionths += ch.cost.millionths;
  path.status = PathStatus::reachable;
  path.plan = std::move(plan);

  check(engine_, index, c, path);
  return path;
}

}  // namespace smedx
