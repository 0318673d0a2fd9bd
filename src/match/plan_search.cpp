// The plan search: for one enterprise, the sets of catalogue products in the order of plans
// (least cost, fewer products, shorter longest implementation, ids), exactly.
//
// A depth-first branch and bound over sets, products taken in order of cost (a set's children
// add a product after its last one, so every set is met once). What keeps it small:
// - Products are cut to those allowed for the industry whose prerequisites the survey and the
//   other products can meet, and that either bring something a level condition counts (points,
//   a scenario crossing a target level) or deliver something another product requires.
// - A child must bring something to a condition still short (or deliver a prerequisite): a
//   product that brings nothing can be dropped from any plan that holds it, which is then no
//   worse (gains only shrink as products are added: a missing option or a scenario step can be
//   gained once).
// - Costs ascend, so once adding a product passes the bound, so does every later one.
// - Lower bounds on what the rest costs, all resting on what a product brings never growing as
//   products are added (so what it brings to the set at hand bounds what it brings later):
//   - the fewest further products each condition needs costs at least that many of the
//     cheapest later products; if every later product together cannot close it, nothing can;
//   - the Lagrangian (LP dual) bound of the three covering conditions (points, scenarios at
//     the level, constraint scenarios): for multipliers λ ≥ 0, no set costs less than
//     λ·shortfall - Σ max(0, λ·brought - cost) over the later products;
//   - distinct scenarios: each product's cost (less μ times the points it brings, the points
//     priced by a multiplier μ as above) shared among the short scenarios it brings; a set
//     bringing d scenarios pays at least the d cheapest shares, one per scenario.
//   A set's table of what each later product brings is worked out once per set (bounded
//   first with the cheaper bounds, which ends most sets at once) and bounds every child from
//   it; the multipliers are sought at the root and kept below it.
// - For the best plan alone, a first plan found greedily bounds the search from the start.
// - For the best plan alone, a product is dropped when another does at least as much for no
//   more (cost, then weeks and id): swapping it into any plan gives a plan no worse.
// A set that reaches the target is not grown further (its supersets are worse plans). With
// alternatives, the K + 1 best sets that no proper subset of could replace are kept, and the
// search runs to its end: they are the first K + 1 plans of the order, however few exist.
#include "match/plan_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "common/parallel.h"
#include "smedx/match.h"

namespace smedx {

namespace detail {

MatchRules::MatchRules(const RuleSet& rules) {
  for (const Item* item : rules.items()) {
    auto& points = option_points.emplace_back();
    for (const auto& o : item->options) points.push_back(o.points.thousandths());
  }
  for (const auto& s : rules.scenarios) constraint.push_back(s.constraint);
  minima = rules.level_rule.levels;
}

std::int64_t MatchRules::points(std::size_t item, std::uint32_t mask) const noexcept {
  const auto& p = option_points[item];
  std::int64_t sum = 0;
  for (std::uint32_t m = mask; m; m &= m - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(m));
    if (k < p.size()) sum += p[k];
  }
  return sum;
}

MatchState MatchRules::state_of(const CodedSurvey& c) const {
  MatchState s{c.selected, c.levels, 0};
  for (std::size_t i = 0; i < s.selected.size(); ++i) s.total += points(i, s.selected[i]);
  return s;
}

void MatchRules::apply(MatchState& s, const Product& p) const noexcept {
  for (const ScenarioEffect& e : p.delivers.scenarios) {
    auto& l = s.levels[static_cast<std::size_t>(e.scenario)];
    l = static_cast<std::int8_t>(std::max<int>(l, e.level));
  }
  apply_items(s, p);
}

void MatchRules::apply_items(MatchState& s, const Product& p) const noexcept {
  for (const ItemEffect& e : p.delivers.items) {
    const auto i = static_cast<std::size_t>(e.item);
    const std::uint32_t before = s.selected[i], after = delivered_answer(e, before);
    if (after != before) {
      s.total += points(i, after) - points(i, before);
      s.selected[i] = after;
    }
  }
}

bool MatchRules::meets(const MatchState& s, const Product& p) noexcept {
  for (const ScenarioEffect& e : p.prerequisites.scenarios)
    if (s.levels[static_cast<std::size_t>(e.scenario)] < e.level) return false;
  for (const ItemEffect& e : p.prerequisites.items) {
    if (!meets_answer(e, s.selected[static_cast<std::size_t>(e.item)])) return false;
  }
  return true;
}

int MatchRules::at_or_above(const MatchState& s, int level) const noexcept {
  int n = 0;
  for (std::int8_t l : s.levels) n += l >= level;
  return n;
}

int MatchRules::constraint_at(const MatchState& s, int level) const noexcept {
  int n = 0;
  for (std::size_t k = 0; k < s.levels.size(); ++k) n += constraint[k] && s.levels[k] >= level;
  return n;
}

int MatchRules::level(const MatchState& s) const noexcept {
  for (int l = static_cast<int>(minima.size()); l >= 1; --l) {
    const LevelRequirement& m = minima[static_cast<std::size_t>(l - 1)];
    if (s.total >= m.min_points.thousandths() && at_or_above(s, l) >= m.min_scenarios &&
        constraint_at(s, l) >= m.min_constraint)
      return l;
  }
  return 0;
}

}  // namespace detail

namespace {

using detail::MatchRules;
using detail::MatchState;
constexpr std::int64_t unbounded = std::numeric_limits<std::int64_t>::max() / 4;
// The sets the alternatives' search visits at most for one enterprise (a few hundred
// milliseconds at most): a count, not a time, so that a run gives the same plans on every machine.
constexpr std::size_t alternative_sets = 100000;

// The order of plans: least cost, fewer products, shorter longest implementation, then the
// products' ids in order, compared as byte strings.
bool plan_before(const Plan& a, const Plan& b, const Catalogue& cat) {
  if (a.cost != b.cost) return a.cost < b.cost;
  if (a.products.size() != b.products.size()) return a.products.size() < b.products.size();
  if (a.weeks != b.weeks) return a.weeks < b.weeks;
  return std::lexicographical_compare(
      a.products.begin(), a.products.end(), b.products.begin(), b.products.end(),
      [&](std::size_t x, std::size_t y) { return cat.products[x].id < cat.products[y].id; });
}

// One product on offer to one enterprise.
struct Offer {
  std::size_t index;  // in the catalogue
  std::int64_t cost;
  int weeks;
  const Product* product;
  bool enabler = false;     // delivers something another offer requires
  std::int64_t gain = 0;    // points it adds to the survey alone
  std::vector<int> new_at;  // per considered level: scenarios it brings to it
  std::vector<int> new_constraint;
};

// The levels whose conditions decide whether a survey is at or above the target: the target
// and every higher level not implied to hold by another considered one (for the 2024 rules,
// the target alone: a higher level asks more of every condition).
std::vector<int> deciding_levels(const MatchRules& r, int target) {
  std::vector<int> out;
  const int top = static_cast<int>(r.minima.size());
  for (int l = target; l <= top; ++l) {
    const auto& m = r.minima[static_cast<std::size_t>(l - 1)];
    bool implied = false;  // reaching l means reaching an earlier considered level
    for (int k : out) {
      const auto& e = r.minima[static_cast<std::size_t>(k - 1)];
      implied = implied || (m.min_points >= e.min_points && m.min_scenarios >= e.min_scenarios &&
                            m.min_constraint >= e.min_constraint);
    }
    if (!implied) out.push_back(l);
  }
  return out;
}

// Whether `a` does at least what `b` does on any survey state: every scenario of b's at least
// as high (up to `matters`, the highest level of it that a deciding level or a prerequisite
// asks for: above that, a scenario's level changes neither the level reached nor any
// prerequisite), every option b adds to a multi item added too, every single or band item at an
// option scoring at least b's. Effects the survey already has are passed over.
bool covers(const MatchRules& r, const Product& a, const Product& b, const MatchState& s,
            const std::vector<int>& matters) {
  for (const ScenarioEffect& e : b.delivers.scenarios) {
    const int level = std::min(e.level, matters[static_cast<std::size_t>(e.scenario)]);
    if (s.levels[static_cast<std::size_t>(e.scenario)] >= level) continue;
    bool found = false;
    for (const ScenarioEffect& f : a.delivers.scenarios)
      found = found || (f.scenario == e.scenario && f.level >= level);
    if (!found) return false;
  }
  for (const ItemEffect& e : b.delivers.items) {
    const auto i = static_cast<std::size_t>(e.item);
    if (e.multi) {
      // (Dropping the "none" option changes no points: the validator holds it at 0.)
      std::uint32_t need = e.options & ~s.selected[i];
      for (const ItemEffect& f : a.delivers.items)
        if (f.item == e.item) need &= ~f.options;
      if (need) return false;
    } else {
      if (!(s.selected[i] & e.mask)) continue;  // never replaces the survey's answer
      const std::int64_t want = r.points(i, e.options);
      bool found = false;
      for (const ItemEffect& f : a.delivers.items)
        found = found || (f.item == e.item && r.points(i, f.options) >= want);
      if (!found) return false;
    }
  }
  return true;
}

// Sums of the Lagrangian bound, exact in integers: costs times multipliers need more than 64 bits.
__extension__ typedef __int128 wide;
// The multipliers are kept in 元 / 2^20 per unit a product brings (a thousandth of a point, a
// scenario): finer than any cost per unit that matters, and any multipliers give a bound.
constexpr int lambda_shift = 20;
// Shares of a cost among the scenarios a product brings: whole multiples of 1/720720 元 (the
// least common multiple of 1..16), exact for up to 16 scenarios, rounded down beyond.
constexpr std::int64_t share_scale = 720720;
// What a set still lacks, or what a product brings, towards one level: points (thousandths),
// scenarios at the level, constraint scenarios at it.
using Need = std::array<std::int64_t, 3>;

class Search {
 public:
  Search(const MatchRules& r, const Catalogue& cat, const MatchState& survey, int target,
         std::int64_t budget, int alternatives, std::vector<Offer> offers, std::size_t limit = 0)
      : r_(r),
        cat_(cat),
        target_(target),
        budget_(budget),
        keep_(static_cast<std::size_t>(alternatives) + 1),
        levels_(deciding_levels(r, target)),
        offers_(std::move(offers)),
        survey_(survey),
        scratch_(survey),
        limit_(limit) {
    by_scenario_ = r.constraint.size() <= 64;
    const std::size_t n = offers_.size();
    prefix_.assign(n + 1, 0);
    for (std::size_t j = 0; j < n; ++j) prefix_[j + 1] = prefix_[j] + offers_[j].cost;
    rest_.assign(n + 1, survey);
    for (std::size_t j = n; j-- > 0;) {
      rest_[j] = rest_[j + 1];
      r_.apply(rest_[j], *offers_[j].product);
    }
    for (int l : levels_) {
      const auto& m = r_.minima[static_cast<std::size_t>(l - 1)];
      required_.push_back({m.min_points.thousandths(), m.min_scenarios, m.min_constraint});
    }
    // Where each condition's multiplier is looked for: the offers by cost per unit they bring
    // to the survey (a heuristic only: every multiplier gives a bound).
    for (std::size_t k = 0; k < levels_.size(); ++k) {
      auto& orders = orders_.emplace_back();
      for (std::size_t c = 0; c < 3; ++c) {
        auto brought = [&](std::size_t j) -> std::int64_t {
          return c == 0   ? offers_[j].gain
                 : c == 1 ? offers_[j].new_at[k]
                          : offers_[j].new_constraint[k];
        };
        auto& order = orders[c];
        for (std::size_t j = 0; j < n; ++j)
          if (brought(j) > 0) order.push_back(j);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
          return wide{offers_[a].cost} * brought(b) < wide{offers_[b].cost} * brought(a);
        });
      }
    }
  }

  std::vector<Plan> run() {
    std::vector<std::size_t> chosen;
    nodes_.assign(offers_.size() + 2, Node{});
    Node& root = nodes_[0];
    root.s = survey_;
    for (int l : levels_) {
      root.at.push_back(r_.at_or_above(survey_, l));
      root.con.push_back(r_.constraint_at(survey_, l));
    }
    seed();
    visit(0, 0, 0, chosen);
    return std::move(best_);
  }

  std::size_t visited() const noexcept { return visited_; }
  bool cut() const noexcept { return cut_; }

 private:
  // One set of the search: its state and, once visited, what each later offer brings to it.
  struct Node {
    MatchState s;
    std::vector<int> at, con;  // per deciding level: scenarios at it or above, constraint ones
    // Per offer (from the node's first) and level: what it brings (estimated, see brought).
    std::vector<Need> gain;
    // Per offer j and level: over the offers from j on, the sum and the most they bring, and
    // the sum of the Lagrangian terms max(0, λ·brought - cost) for the level's multipliers.
    std::vector<Need> sum, most;
    std::vector<wide> hinge;
    std::vector<std::array<wide, 3>> lambda;  // per level
    std::vector<Need> need;                   // per level: what the set lacks
    // Per level: the scenarios short of it; per offer and level: those it brings to it.
    std::vector<std::uint64_t> short_of, cover;
    // Per offer j, level and scenario: over the offers from j on that bring the scenario to
    // the level, the least share of its cost less μ times the points it brings (over the
    // scenarios it brings; in 元 × 2^lambda_shift × share_scale).
    std::vector<wide> share;
    std::vector<wide> mu, mu_hinge;  // per level; per offer j and level: Σ max(0, μ·points - cost)
    std::vector<bool> scenarios_short;  // per level: the tables are filled (scenarios short)
    std::vector<std::int64_t> part;     // per offer: share_scale over the scenarios it brings
  };

  std::int64_t threshold() const { return best_.size() == keep_ ? best_.back().cost : budget_; }

  bool reached(const Node& nd) const {
    for (std::size_t k = 0; k < levels_.size(); ++k)
      if (nd.s.total >= required_[k][0] && nd.at[k] >= required_[k][1] &&
          nd.con[k] >= required_[k][2])
        return true;
    return false;
  }

  Need deficit(const Node& nd, std::size_t k) const {
    return {std::max<std::int64_t>(0, required_[k][0] - nd.s.total),
            std::max<std::int64_t>(0, required_[k][1] - nd.at[k]),
            std::max<std::int64_t>(0, required_[k][2] - nd.con[k])};
  }

  // `to` = `from` with offer j applied, the counts kept up as scenarios rise.
  void step(const Node& from, Node& to, std::size_t j) const {
    to.s = from.s;
    to.at = from.at;
    to.con = from.con;
    const Product& p = *offers_[j].product;
    for (const ScenarioEffect& e : p.delivers.scenarios) {
      const auto sc = static_cast<std::size_t>(e.scenario);
      const int l0 = to.s.levels[sc];
      if (e.level <= l0) continue;
      for (std::size_t k = 0; k < levels_.size(); ++k)
        if (l0 < levels_[k] && e.level >= levels_[k]) {
          ++to.at[k];
          to.con[k] += r_.constraint[sc] ? 1 : 0;
        }
      to.s.levels[sc] = static_cast<std::int8_t>(e.level);
    }
    r_.apply_items(to.s, p);
  }

  // What offer j brings to state `s` towards level k, each effect taken on its own: exact
  // when it touches an item or scenario once, more otherwise; zero exactly when it brings
  // nothing. What an offer brings to a later state (a superset) is never more.
  Need brought(const MatchState& s, std::size_t j, std::size_t k, bool points) const {
    const Product& p = *offers_[j].product;
    Need g{0, 0, 0};
    if (points)
      for (const ItemEffect& e : p.delivers.items) {
        const auto i = static_cast<std::size_t>(e.item);
        const std::uint32_t before = s.selected[i], after = delivered_answer(e, before);
        if (after != before)
          g[0] += std::max<std::int64_t>(0, r_.points(i, after) - r_.points(i, before));
      }
    for (const ScenarioEffect& e : p.delivers.scenarios) {
      const auto sc = static_cast<std::size_t>(e.scenario);
      if (s.levels[sc] < levels_[k] && e.level >= levels_[k]) {
        ++g[1];
        g[2] += r_.constraint[sc] ? 1 : 0;
      }
    }
    return g;
  }

  static wide dot(const std::array<wide, 3>& l, const Need& v) {
    return l[0] * v[0] + l[1] * v[1] + l[2] * v[2];
  }

  wide scaled_cost(std::size_t j) const { return wide{offers_[j].cost} << lambda_shift; }

  // The least the offers from `from` on (index `f` of the node's tables) can cost to close
  // `need` towards level k, by two bounds (unbounded when they cannot close it):
  // - each condition needs at least its shortfall over the most one offer brings products,
  //   costing at least that many of the cheapest (costs ascend);
  // - the Lagrangian relaxation of the covering problem: for multipliers λ ≥ 0, no set of
  //   offers costs less than λ·need - Σ max(0, λ·brought - cost) (the LP dual, weak duality).
  // Both rest on what an offer brings never growing as products are added.
  std::int64_t bound(const Node& nd, std::size_t k, const Need& need, std::size_t f) const {
    const std::size_t nl = levels_.size();
    const Need& sum = nd.sum[f * nl + k];
    const Need& most = nd.most[f * nl + k];
    std::int64_t products = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      if (need[c] == 0) continue;
      if (sum[c] < need[c]) return unbounded;
      products = std::max(products, (need[c] + most[c] - 1) / most[c]);
    }
    if (products == 0) return 0;
    const auto fewest = static_cast<std::size_t>(products);
    std::int64_t lb = f + fewest <= offers_.size() ? prefix_[f + fewest] - prefix_[f] : unbounded;
    const wide l = dot(nd.lambda[k], need) - nd.hinge[f * nl + k];
    if (l > 0) {
      const wide q = (l + (wide{1} << lambda_shift) - 1) >> lambda_shift;
      lb = std::max<std::int64_t>(lb, q >= unbounded ? unbounded : static_cast<std::int64_t>(q));
    }
    return lb;
  }

  static wide none_share() { return wide{unbounded} << (lambda_shift + 20); }

  // The least the offers from `f` on can cost to close `need` towards level k, counting the
  // scenarios one by one: for the points' multiplier μ ≥ 0, a set's cost is at least
  // μ·points needed + Σ over its products of (cost - μ·points brought), and the second sum is
  // at least Σ min(0, ·) over every offer plus what the reduced costs max(0, ·) of a set
  // bringing the scenarios must be. Every scenario a set brings is brought by one of its
  // products, so sharing each product's reduced cost among the scenarios it brings (on this
  // state; later it brings no more, so its shares are no less) the set pays at least the
  // cheapest shares of as many distinct short scenarios (the constraint ones first). In
  // 元 × 2^lambda_shift × share_scale; none when the scenarios cannot be brought.
  std::optional<wide> scenario_value(const Node& nd, std::size_t k, std::uint64_t short_of,
                                     const Need& need, std::size_t f) const {
    const std::size_t ns = r_.constraint.size(), nl = levels_.size();
    const wide* row = &nd.share[(f * nl + k) * ns];
    std::array<wide, 64> con{}, other{};
    std::size_t nc = 0, no = 0;
    for (std::uint64_t m = short_of; m; m &= m - 1) {
      const auto sc = static_cast<std::size_t>(std::countr_zero(m));
      if (row[sc] >= none_share()) continue;
      if (r_.constraint[sc]) {
        con[nc++] = row[sc];
      } else {
        other[no++] = row[sc];
      }
    }
    const auto dc = static_cast<std::size_t>(need[2]);
    const auto ds = static_cast<std::size_t>(std::max(need[1], need[2]));
    if (nc < dc || nc + no < ds) return std::nullopt;
    // The dc cheapest constraint scenarios, then the cheapest ds - dc of the rest.
    auto cheapest = [](std::array<wide, 64>& v, std::size_t size, std::size_t count) {
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(count),
                       v.begin() + static_cast<std::ptrdiff_t>(size));
      wide sum = 0;
      for (std::size_t x = 0; x < count; ++x) sum += v[x];
      return sum;
    };
    wide total = 0;
    if (dc > 0) total += cheapest(con, nc, dc);
    for (std::size_t x = dc; x < nc; ++x) other[no++] = con[x];
    if (ds > dc) total += cheapest(other, no, ds - dc);
    const wide mu = nd.mu[k];
    return total + (mu * need[0] - nd.mu_hinge[f * nl + k]) * share_scale;
  }

  std::int64_t scenario_bound(const Node& nd, std::size_t k, std::uint64_t short_of,
                              const Need& need, std::size_t f) const {
    if (!by_scenario_ || !nd.scenarios_short[k]) return 0;
    const std::optional<wide> value = scenario_value(nd, k, short_of, need, f);
    if (!value) return unbounded;
    const wide v = *value;
    if (v <= 0) return 0;
    const wide unit = wide{share_scale} << lambda_shift;
    const wide q = (v + unit - 1) / unit;
    return q >= unbounded ? unbounded : static_cast<std::int64_t>(q);
  }

  // Fills the node's tables for the offers from `from` on: what each brings, the sums, and
  // per level the multipliers (at the root the best of a few tried: each condition's cost per
  // unit at which the cheapest-per-unit offers would close it, alone and combined; below it
  // the parent's). First, though, the bound with the parent's multipliers on this node's
  // gains: most sets the parent lets through end there, before the scenario tables are built.
  // False when the node's `cost` and bound pass the threshold.
  bool tabulate(Node& nd, std::size_t from, const Node* parent, std::int64_t cost) const {
    const std::size_t n = offers_.size(), nl = levels_.size(), ns = r_.constraint.size();
    nd.gain.resize(n * nl);
    nd.sum.resize((n + 1) * nl);
    nd.most.resize((n + 1) * nl);
    nd.hinge.resize((n + 1) * nl);
    nd.lambda.resize(nl);
    nd.need.resize(nl);
    nd.short_of.resize(nl);
    nd.scenarios_short.resize(nl);
    nd.cover.resize(n * nl);
    nd.part.resize(n);
    nd.share.resize((n + 1) * nl * ns);
    nd.mu.resize(nl);
    nd.mu_hinge.resize((n + 1) * nl);
    bool points = false;
    for (std::size_t k = 0; k < nl; ++k) points = points || nd.s.total < required_[k][0];
    for (std::size_t j = from; j < n; ++j)
      for (std::size_t k = 0; k < nl; ++k) nd.gain[j * nl + k] = brought(nd.s, j, k, points);
    for (std::size_t k = 0; k < nl; ++k) {
      nd.need[k] = deficit(nd, k);
      nd.sum[n * nl + k] = nd.most[n * nl + k] = Need{0, 0, 0};
      for (std::size_t j = n; j-- > from;) {
        const Need& g = nd.gain[j * nl + k];
        for (std::size_t c = 0; c < 3; ++c) {
          nd.sum[j * nl + k][c] = nd.sum[(j + 1) * nl + k][c] + g[c];
          nd.most[j * nl + k][c] = std::max(nd.most[(j + 1) * nl + k][c], g[c]);
        }
      }
    }
    prepared_.assign(nl, false);
    auto prepare = [&](std::size_t k) {
      if (by_scenario_ && !prepared_[k]) prepare_scenarios(nd, from, k);
      prepared_[k] = true;
    };
    if (parent) {
      std::int64_t lb = unbounded;
      for (std::size_t k = 0; k < nl; ++k) {
        nd.lambda[k] = parent->lambda[k];
        nd.hinge[from * nl + k] = hinge_sum(nd, from, k, nd.lambda[k]);
        std::int64_t lb_k = bound(nd, k, nd.need[k], from);
        // (The scenario tables only when the cheaper bounds have not ended the set.)
        if (lb_k < unbounded && cost + lb_k <= threshold()) prepare(k);
        if (lb_k < unbounded && cost + lb_k <= threshold() && by_scenario_ &&
            nd.scenarios_short[k]) {
          fill_shares(nd, from, k, parent->mu.size() == nl ? parent->mu[k] : 0, false);
          lb_k = std::max(lb_k, scenario_bound(nd, k, nd.short_of[k], nd.need[k], from));
        }
        lb = std::min(lb, lb_k);
      }
      if (lb >= unbounded || cost + lb > threshold()) return false;
    }
    // The multipliers: below the root, the parent's (they bounded this set above, and seeking
    // new ones at every set cost more than the sets they cut); at the root, the best of a few.
    for (std::size_t k = 0; k < nl; ++k) {
      prepare(k);
      const Need& need = nd.need[k];
      std::array<wide, 3> best{0, 0, 0};
      wide best_mu = 0;
      if (parent) {
        best = parent->lambda[k];
        best_mu = parent->mu[k];
      } else {
        // Each condition's critical cost per unit: at which the offers cheapest per unit it
        // brings (on the survey) would close its shortfall.
        std::array<wide, 3> critical{0, 0, 0};
        for (std::size_t c = 0; c < 3; ++c) {
          if (need[c] == 0) continue;
          std::int64_t got = 0;
          for (std::size_t j : orders_[k][c]) {
            const std::int64_t g = j < from ? 0 : nd.gain[j * nl + k][c];
            if (g <= 0) continue;
            got += g;
            if (got >= need[c]) {
              critical[c] = scaled_cost(j) / g;
              break;
            }
          }
        }
        const std::array<std::array<wide, 3>, 3> tries = {{
            {critical[0], 0, 0},
            {0, critical[1], 0},
            {critical[0] / 2, critical[1] / 2, critical[2] / 2},
        }};
        wide best_value = 0;
        for (std::size_t t = 0; t < tries.size(); ++t) {
          const wide v = dot(tries[t], need) - hinge_sum(nd, from, k, tries[t]);
          if (t == 0 || v > best_value) {
            best_value = v;
            best = tries[t];
          }
        }
        // The points' multiplier μ among a few fractions of the points' critical cost.
        if (by_scenario_ && nd.scenarios_short[k]) {
          wide best_scenario = 0;
          bool first = true;
          for (const wide mu : {wide{0}, critical[0] / 2, critical[0]}) {
            if (!first && (mu == 0 || need[0] == 0)) continue;
            fill_shares(nd, from, k, mu, false);
            const std::optional<wide> value = scenario_value(nd, k, nd.short_of[k], need, from);
            const wide v = value ? *value : none_share();
            if (first || v > best_scenario) {
              best_scenario = v;
              best_mu = mu;
            }
            first = false;
          }
        }
      }
      nd.lambda[k] = best;
      nd.mu[k] = best_mu;
      nd.hinge[n * nl + k] = 0;
      for (std::size_t j = n; j-- > from;)
        nd.hinge[j * nl + k] = nd.hinge[(j + 1) * nl + k] +
                               std::max<wide>(0, dot(best, nd.gain[j * nl + k]) - scaled_cost(j));
      if (by_scenario_ && nd.scenarios_short[k]) {
        std::size_t stop = from;
        while (stop < n && cost + offers_[stop].cost <= threshold()) ++stop;
        fill_shares(nd, from, k, best_mu, true, stop);
      }
    }
    return true;
  }

  // Σ over the offers from `from` on of max(0, λ·brought - cost).
  wide hinge_sum(const Node& nd, std::size_t from, std::size_t k,
                 const std::array<wide, 3>& l) const {
    const std::size_t n = offers_.size(), nl = levels_.size();
    wide v = 0;
    for (std::size_t j = from; j < n; ++j)
      v += std::max<wide>(0, dot(l, nd.gain[j * nl + k]) - scaled_cost(j));
    return v;
  }

  // The scenarios short of level k and those each offer brings to it.
  void prepare_scenarios(Node& nd, std::size_t from, std::size_t k) const {
    const std::size_t n = offers_.size(), nl = levels_.size(), ns = r_.constraint.size();
    // With every scenario condition met, the bound is the Lagrangian's.
    nd.scenarios_short[k] = nd.need[k][1] > 0 || nd.need[k][2] > 0;
    if (!nd.scenarios_short[k]) return;
    nd.short_of[k] = 0;
    for (std::size_t sc = 0; sc < ns; ++sc)
      if (nd.s.levels[sc] < levels_[k]) nd.short_of[k] |= std::uint64_t{1} << sc;
    for (std::size_t j = from; j < n; ++j) {
      std::uint64_t cover = 0;
      for (const ScenarioEffect& e : offers_[j].product->delivers.scenarios)
        if (e.level >= levels_[k]) cover |= std::uint64_t{1} << e.scenario;
      cover &= nd.short_of[k];
      nd.cover[j * nl + k] = cover;
      int count = 0;
      for (std::uint64_t m = cover; m; m &= m - 1) ++count;
      // share_scale / count is whole up to 16 scenarios; rounded down beyond (still a bound).
      nd.part[j] = count ? share_scale / count : 0;
    }
  }

  // The shares of level k for multiplier mu: the rows of the offers from `from` to `stop`
  // (`all`: the children's; a child past `stop` costs more than the threshold), or only the
  // row at `from` (to compare multipliers).
  void fill_shares(Node& nd, std::size_t from, std::size_t k, wide mu, bool all,
                   std::size_t stop = 0) const {
    const std::size_t n = offers_.size(), nl = levels_.size(), ns = r_.constraint.size();
    std::array<wide, 64> acc;
    std::fill(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(ns), none_share());
    if (all && stop >= n)
      std::copy(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(ns),
                &nd.share[(n * nl + k) * ns]);
    wide hinge = 0;
    for (std::size_t j = n; j-- > from;) {
      const wide reduced = scaled_cost(j) - mu * nd.gain[j * nl + k][0];
      hinge += std::max<wide>(0, -reduced);
      if (all) nd.mu_hinge[j * nl + k] = hinge;
      const std::uint64_t cover = nd.cover[j * nl + k];
      if (cover) {
        const wide part = std::max<wide>(0, reduced) * nd.part[j];
        for (std::uint64_t m = cover; m; m &= m - 1) {
          wide& v = acc[static_cast<std::size_t>(std::countr_zero(m))];
          v = std::min(v, part);
        }
      }
      if (all && j <= stop)
        std::copy(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(ns),
                  &nd.share[(j * nl + k) * ns]);
    }
    std::copy(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(ns),
              &nd.share[(from * nl + k) * ns]);
    nd.mu_hinge[from * nl + k] = hinge;
    nd.mu[k] = mu;
  }

  // Whether the chosen offers (with `s` their state) are a plan: the target reached and
  // every product's prerequisites met by the survey and the others.
  bool valid(const MatchState& s, std::span<const std::size_t> chosen) const {
    if (r_.level(s) < target_) return false;
    return prerequisites_met(chosen);
  }

  bool prerequisites_met(std::span<const std::size_t> chosen) const {
    for (std::size_t p : chosen) {
      const Product& product = *offers_[p].product;
      if (product.prerequisites.empty()) continue;
      MatchState others = survey_;
      for (std::size_t q : chosen)
        if (q != p) r_.apply(others, *offers_[q].product);
      if (!MatchRules::meets(others, product)) return false;
    }
    return true;
  }

  // Whether a set with state `s` and offers from `from` on could still reach the target:
  // with every later offer applied as well (the scenario levels and item answers of `rest_`
  // merged in, each item at the better of the two).
  bool can_reach(const MatchState& s, std::size_t from, std::span<const std::size_t> chosen) const {
    MatchState& m = scratch_;
    const MatchState& rest = rest_[from];
    m.total = 0;
    for (std::size_t i = 0; i < m.selected.size(); ++i) {
      const std::uint32_t u = s.selected[i] | rest.selected[i];
      m.selected[i] = u;
      m.total += r_.points(i, u);
    }
    for (std::size_t k = 0; k < m.levels.size(); ++k)
      m.levels[k] = std::max(s.levels[k], rest.levels[k]);
    // Single items hold two options in `u`: their points are over-counted, which keeps this
    // a bound (it may let a hopeless set through, never stop a good one).
    if (r_.level(m) < target_) return false;
    for (std::size_t p : chosen)
      if (!MatchRules::meets(m, *offers_[p].product)) return false;
    return true;
  }

  // A first plan to bound the search: the offer that closes most of the short conditions
  // (each as a share of its shortfall) per 元, until the target is reached, then every offer
  // that can go dropped, the dearest first. Nothing when its prerequisites are not met.
  // `excluded` offers are not taken; the plan's offers (none when it found no plan).
  std::vector<std::size_t> greedy(const std::vector<bool>& excluded) const {
    std::vector<std::size_t> chosen;
    std::vector<bool> taken = excluded;
    MatchState s = survey_;
    const int l = levels_.front();
    const auto& m = r_.minima[static_cast<std::size_t>(l - 1)];
    while (r_.level(s) < target_) {
      const std::int64_t dp = std::max<std::int64_t>(0, m.min_points.thousandths() - s.total);
      const std::int64_t ds = std::max(0, m.min_scenarios - r_.at_or_above(s, l));
      const std::int64_t dc = std::max(0, m.min_constraint - r_.constraint_at(s, l));
      // Only to rank offers for a first plan (the plan found is exact whatever this picks):
      // progress in millionths of the shortfalls, compared per 元 by cross-multiplying.
      auto share = [](std::int64_t deficit, std::int64_t gain) -> std::int64_t {
        return deficit > 0 ? std::min(deficit, gain) * 1000000 / deficit : 0;
      };
      std::int64_t best_progress = 0, best_cost = 1;
      std::size_t best = offers_.size();
      for (std::size_t j = 0; j < offers_.size(); ++j) {
        if (taken[j]) continue;
        MatchState t = s;
        r_.apply(t, *offers_[j].product);
        const std::int64_t progress = share(dp, t.total - s.total) +
                                      share(ds, r_.at_or_above(t, l) - r_.at_or_above(s, l)) +
                                      share(dc, r_.constraint_at(t, l) - r_.constraint_at(s, l));
        if (progress <= 0) continue;
        // Costs capped at 10^12 元 so the products stay within 64 bits (progress is at most 3 x
        // 10^6).
        const std::int64_t cost = 1 + std::min<std::int64_t>(offers_[j].cost, 1000000000000);
        if (best == offers_.size() || progress * best_cost > best_progress * cost) {
          best_progress = progress;
          best_cost = cost;
          best = j;
        }
      }
      if (best == offers_.size()) return {};
      taken[best] = true;
      chosen.push_back(best);
      r_.apply(s, *offers_[best].product);
    }
    // Drop what can go, the dearest first.
    std::sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) { return a > b; });
    for (std::size_t k = 0; k < chosen.size();) {
      std::vector<std::size_t> rest = chosen;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
      MatchState t = survey_;
      for (std::size_t j : rest) r_.apply(t, *offers_[j].product);
      if (!rest.empty() && valid(t, rest)) {
        chosen = std::move(rest);
      } else {
        ++k;
      }
    }
    MatchState t = survey_;
    for (std::size_t j : chosen) r_.apply(t, *offers_[j].product);
    if (chosen.empty() || !valid(t, chosen)) return {};
    std::sort(chosen.begin(), chosen.end());
    return chosen;
  }

  // First plans to bound the search: the greedy one and, with alternatives, greedy ones with
  // the products of those found before left out in turn (breadth first), until there are
  // enough or a few times as many tries. Without them the bound stays open until K + 1 plans
  // that no subset of could replace turn up, which in cost order can take long.
  void seed() {
    std::vector<std::vector<bool>> queue = {std::vector<bool>(offers_.size(), false)};
    for (std::size_t tries = 0, next = 0; next < queue.size() && tries < 4 * keep_; ++tries) {
      const std::vector<bool> excluded = queue[next++];
      const auto chosen = greedy(excluded);
      if (chosen.empty()) continue;
      MatchState t = survey_;
      for (std::size_t j : chosen) r_.apply(t, *offers_[j].product);
      if (keep_ == 1 || irredundant(chosen)) record(plan_of(chosen, t));
      if (keep_ == 1) return;
      for (std::size_t j : chosen) {
        queue.push_back(excluded);
        queue.back()[j] = true;
      }
    }
  }

  Plan plan_of(std::span<const std::size_t> chosen, const MatchState& s) const {
    Plan p;
    for (std::size_t j : chosen) {
      const Offer& o = offers_[j];
      p.products.push_back(o.index);
      p.cost += o.cost;
      p.price += o.product->price;
      p.annual += o.product->annual;
      p.eligible += o.product->eligible;
      p.weeks = std::max(p.weeks, o.weeks);
    }
    std::sort(p.products.begin(), p.products.end(), [&](std::size_t x, std::size_t y) {
      return cat_.products[x].id < cat_.products[y].id;
    });
    p.level_after = r_.level(s);
    return p;
  }

  // No proper subset of the set is a plan (only asked with alternatives: the best plan is
  // such a set anyway). Subsets are taken by removing offers while the rest still reaches the
  // target level, which only falls as offers go, so a subset short of it ends its branch.
  bool irredundant(std::span<const std::size_t> chosen) const {
    std::vector<std::size_t> set(chosen.begin(), chosen.end());
    return !valid_subset(set, 0);
  }

  bool valid_subset(std::vector<std::size_t>& set, std::size_t from) const {
    for (std::size_t k = from; k < set.size(); ++k) {
      if (set.size() == 1) return false;
      std::vector<std::size_t> rest = set;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
      MatchState s = survey_;
      for (std::size_t j : rest) r_.apply(s, *offers_[j].product);
      if (r_.level(s) < target_) continue;
      if (prerequisites_met(rest) || valid_subset(rest, k)) return true;
    }
    return false;
  }

  void record(Plan plan) {
    if (plan.cost > budget_) return;
    for (const Plan& b : best_)
      if (b.products == plan.products) return;  // found again (the greedy plan, say)
    auto at = std::upper_bound(best_.begin(), best_.end(), plan, [&](const Plan& a, const Plan& b) {
      return plan_before(a, b, cat_);
    });
    if (static_cast<std::size_t>(at - best_.begin()) >= keep_) return;
    best_.insert(at, std::move(plan));
    if (best_.size() > keep_) best_.pop_back();
  }

  // Sets are met in the order of their offers' indices (a child adds a later offer), so each
  // once. A child must bring something to a condition still short (or deliver a
  // prerequisite): a product that brings nothing can be dropped from any plan that holds it,
  // which is then no worse. Costs ascend, so once adding an offer passes the threshold, so
  // does every later one; a child whose bound passes it is passed over, a node whose bound
  // does is left.
  void visit(std::size_t depth, std::size_t from, std::int64_t cost,
             std::vector<std::size_t>& chosen) {
    if (limit_ && visited_ >= limit_) {
      cut_ = true;
      return;
    }
    ++visited_;
    Node& nd = nodes_[depth];
    if (!chosen.empty() && reached(nd) && prerequisites_met(chosen)) {
      if (keep_ == 1 || irredundant(chosen)) record(plan_of(chosen, nd.s));
      return;
    }
    if (from == offers_.size() || !can_reach(nd.s, from, chosen)) return;
    if (!tabulate(nd, from, depth > 0 ? &nodes_[depth - 1] : nullptr, cost)) return;
    const std::size_t nl = levels_.size();
    std::int64_t lb = unbounded;
    for (std::size_t k = 0; k < nl; ++k)
      lb = std::min(lb, std::max(bound(nd, k, nd.need[k], from),
                                 scenario_bound(nd, k, nd.short_of[k], nd.need[k], from)));
    if (lb >= unbounded || cost + lb > threshold()) return;
    for (std::size_t j = from; j < offers_.size(); ++j) {
      const std::int64_t c = cost + offers_[j].cost;
      if (c > threshold()) break;
      bool brings = offers_[j].enabler;
      std::int64_t rest = unbounded;
      for (std::size_t k = 0; k < nl; ++k) {
        const Need& g = nd.gain[j * nl + k];
        const Need& d = nd.need[k];
        Need left{};
        for (std::size_t x = 0; x < 3; ++x) {
          brings = brings || (d[x] > 0 && g[x] > 0);
          left[x] = std::max<std::int64_t>(0, d[x] - g[x]);
        }
        std::int64_t lb_k = bound(nd, k, left, j + 1);
        if (by_scenario_ && lb_k < unbounded)
          lb_k = std::max(
              lb_k, scenario_bound(nd, k, nd.short_of[k] & ~nd.cover[j * nl + k], left, j + 1));
        rest = std::min(rest, lb_k);
      }
      if (!brings || rest >= unbounded || c + rest > threshold()) continue;
      step(nd, nodes_[depth + 1], j);
      chosen.push_back(j);
      visit(depth + 1, j + 1, c, chosen);
      chosen.pop_back();
    }
  }

  const MatchRules& r_;
  const Catalogue& cat_;
  int target_;
  std::int64_t budget_;
  std::size_t keep_;
  std::vector<int> levels_;
  std::vector<Offer> offers_;
  MatchState survey_;
  mutable MatchState scratch_;
  bool by_scenario_ = false;    // the scenario bound (for up to 64 scenarios)
  std::vector<Need> required_;  // per deciding level
  std::vector<std::array<std::vector<std::size_t>, 3>> orders_;  // per level and condition
  std::vector<std::int64_t> prefix_;
  std::vector<MatchState> rest_;
  std::vector<Node> nodes_;
  std::vector<Plan> best_;
  std::size_t visited_ = 0;
  std::size_t limit_ = 0;  // the sets visited at most (0: no limit)
  bool cut_ = false;       // the limit was reached: the plans kept may not be the first
  mutable std::vector<bool> prepared_;  // tabulate's: the levels whose scenario tables are set
};

bool delivers_own_prerequisite(const Product& p) {
  for (const auto& e : p.prerequisites.scenarios)
    for (const auto& d : p.delivers.scenarios)
      if (d.scenario == e.scenario) return true;
  for (const auto& e : p.prerequisites.items)
    for (const auto& d : p.delivers.items)
      if (d.item == e.item) return true;
  return false;
}

std::string_view field(const CodedSurvey& c, std::string_view key) {
  for (const auto& [k, v] : c.enterprise)
    if (k == key) return v;
  return {};
}

std::string level_zh(const RuleSet& rules, int level) {
  if (level >= 1 && level <= rules.level_rule.top_level())
    return rules.level_rule.levels[static_cast<std::size_t>(level - 1)].zh;
  return rules.level_rule.no_level_zh;
}

}  // namespace

Matcher::Matcher(const Engine& engine, const Catalogue& catalogue, const MatchOptions& options)
    : engine_(engine), catalogue_(catalogue), options_(options) {
  const RuleSet& rules = engine.rules();
  target_ = options.target.value_or(
      rules.diagnosis.present && rules.diagnosis.target > 0 ? rules.diagnosis.target : 2);
  const int top = rules.level_rule.top_level();
  if (target_ < 1 || target_ > top)
    throw std::invalid_argument(
        fmt::format("target level {} does not exist: the levels are 1–{}", target_, top));
  if (options.years < 0) throw std::invalid_argument("years must be 0 or more");
  if (options.budget && *options.budget < 0)
    throw std::invalid_argument("the budget must be 0 元 or more");
  if (options.alternatives < 0) throw std::invalid_argument("alternatives must be 0 or more");
  rules_ = std::make_shared<const detail::MatchRules>(rules);
}

Match Matcher::match(const CodedSurvey& c) const {
  const RuleSet& rules = engine_.rules();
  const MatchRules& r = *rules_;
  Match m;
  m.enterprise_id = c.enterprise_id;
  m.industry = std::string(field(c, "industry"));
  m.district = std::string(field(c, "district"));
  m.target = target_;
  if (!c.ok()) {
    m.errors = c.errors;
    m.reason = "问卷有错误，未能评分，未匹配产品";
    return m;
  }
  const MatchState survey = r.state_of(c);
  // The engine decides the level before; the model must agree with it.
  thread_local BlockScores scores;
  engine_.score_block(std::span<const CodedSurvey>(&c, 1), scores);
  m.level_before = scores.level[0];
  if (r.level(survey) != m.level_before)
    throw std::logic_error(fmt::format("match model for '{}' finds level {}, the engine {}",
                                       c.enterprise_id, r.level(survey), m.level_before));

  const LevelRequirement& req = rules.level_rule.levels[static_cast<std::size_t>(target_ - 1)];
  auto conditions = [&](const MatchState& after) {
    std::vector<ConditionState> out;
    out.push_back({"points", req.min_points, Decimal::from_thousandths(survey.total),
                   Decimal::from_thousandths(after.total),
                   after.total >= req.min_points.thousandths()});
    const int a0 = r.at_or_above(survey, target_), a1 = r.at_or_above(after, target_);
    out.push_back({"scenarios", Decimal::from_int(req.min_scenarios), Decimal::from_int(a0),
                   Decimal::from_int(a1), a1 >= req.min_scenarios});
    const int c0 = r.constraint_at(survey, target_), c1 = r.constraint_at(after, target_);
    out.push_back({"constraint", Decimal::from_int(req.min_constraint), Decimal::from_int(c0),
                   Decimal::from_int(c1), c1 >= req.min_constraint});
    return out;
  };
  std::vector<std::size_t> allowed;
  for (std::size_t k = 0; k < catalogue_.products.size(); ++k)
    if (catalogue_.products[k].allowed_for(m.industry)) allowed.push_back(k);
  m.allowed = allowed.size();
  if (m.level_before >= target_) {
    m.reached = m.already = true;
    m.plan.level_after = m.level_before;
    m.conditions = conditions(survey);
    return m;
  }

  // --- the offers: allowed for the industry, prerequisites within reach, bringing something ---
  // Prerequisites the survey and the other products together cannot meet rule a product out;
  // ruling one out may rule out others, so until nothing changes. Only a product that delivers
  // something it also requires needs the others' state without it.
  for (bool changed = true; changed;) {
    changed = false;
    MatchState all = survey;
    for (std::size_t k : allowed) r.apply(all, catalogue_.products[k]);
    std::vector<std::size_t> kept;
    for (std::size_t k : allowed) {
      const Product& p = catalogue_.products[k];
      bool ok = p.prerequisites.empty() || MatchRules::meets(all, p);
      if (ok && !p.prerequisites.empty() && delivers_own_prerequisite(p)) {
        MatchState others = survey;
        for (std::size_t q : allowed)
          if (q != k) r.apply(others, catalogue_.products[q]);
        ok = MatchRules::meets(others, p);
      }
      if (ok) {
        kept.push_back(k);
      } else {
        changed = true;
      }
    }
    allowed = std::move(kept);
  }
  MatchState everything = survey;
  for (std::size_t k : allowed) r.apply(everything, catalogue_.products[k]);

  const std::vector<int> levels = deciding_levels(r, target_);
  std::vector<Offer> offers;
  for (std::size_t k : allowed) {
    const Product& p = catalogue_.products[k];
    Offer o{k, p.cost(options_.years), p.weeks, &p, false, 0, {}, {}};
    MatchState t = survey;
    r.apply(t, p);
    o.gain = t.total - survey.total;
    bool brings = o.gain > 0;
    for (int l : levels) {
      o.new_at.push_back(r.at_or_above(t, l) - r.at_or_above(survey, l));
      o.new_constraint.push_back(r.constraint_at(t, l) - r.constraint_at(survey, l));
      brings = brings || o.new_at.back() > 0;
    }
    // A prerequisite of another allowed product it delivers (that the survey lacks).
    for (std::size_t q : allowed) {
      if (q == k || o.enabler) continue;
      const Product& other = catalogue_.products[q];
      if (other.prerequisites.empty() || MatchRules::meets(survey, other)) continue;
      for (const auto& e : other.prerequisites.scenarios)
        for (const auto& d : p.delivers.scenarios)
          o.enabler = o.enabler || (d.scenario == e.scenario &&
                                    survey.levels[static_cast<std::size_t>(e.scenario)] < e.level);
      for (const auto& e : other.prerequisites.items)
        for (const auto& d : p.delivers.items) o.enabler = o.enabler || d.item == e.item;
    }
    if (brings || o.enabler) offers.push_back(std::move(o));
  }
  // Costs ascending (the search rests on it), then weeks and id: the order plans tie in.
  std::sort(offers.begin(), offers.end(), [](const Offer& a, const Offer& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    if (a.weeks != b.weeks) return a.weeks < b.weeks;
    return a.product->id < b.product->id;
  });
  // For the best plan alone: an offer another covers for no more is never needed.
  std::vector<int> matters(r.constraint.size(), levels.empty() ? target_ : levels.back());
  for (std::size_t k : allowed)
    for (const ScenarioEffect& e : catalogue_.products[k].prerequisites.scenarios) {
      int& m = matters[static_cast<std::size_t>(e.scenario)];
      m = std::max(m, e.level);
    }
  const std::vector<Offer> all_offers = options_.alternatives > 0 ? offers : std::vector<Offer>{};
  {
    std::vector<Offer> kept;
    for (std::size_t j = 0; j < offers.size(); ++j) {
      bool dominated = false;
      for (std::size_t i = 0; i < offers.size() && !dominated; ++i) {
        if (i == j) continue;
        const Offer& a = offers[i];
        const Offer& b = offers[j];
        const bool no_worse = a.cost < b.cost || (a.cost == b.cost && a.weeks <= b.weeks &&
                                                  a.product->id < b.product->id);
        dominated = no_worse && a.product->prerequisites.empty() &&
                    covers(r, *a.product, *b.product, survey, matters);
      }
      if (!dominated) kept.push_back(std::move(offers[j]));
    }
    offers = std::move(kept);
  }

  const std::int64_t budget = options_.budget ? *options_.budget : unbounded;
  std::vector<Plan> plans =
      Search(r, catalogue_, survey, target_, budget, 0, std::move(offers)).run();
  // The alternatives: a search of its own over every offer, which proves that no other set
  // comes before the K it keeps. Alternatives must be irredundant (no product can be dropped),
  // so when few plans exist nothing bounds the search but the sets themselves, and on a real
  // catalogue that can take minutes for one enterprise: it stops after a fixed number of sets
  // (a count, not a time, so every machine gives the same plans) and says so. The best plan
  // above is exact either way.
  if (!plans.empty() && options_.alternatives > 0) {
    Search more(r, catalogue_, survey, target_, budget, options_.alternatives, all_offers,
                alternative_sets);
    std::vector<Plan> found = more.run();
    m.alternatives_complete = !more.cut();
    for (Plan& p : found)
      if (p.products != plans.front().products &&
          plans.size() < static_cast<std::size_t>(options_.alternatives) + 1)
        plans.push_back(std::move(p));
  }

  if (plans.empty()) {
    m.conditions = conditions(everything);
    const std::string target_zh = level_zh(rules, target_);
    for (const auto& cs : m.conditions) {
      if (cs.covered) continue;
      if (cs.what == "points")
        m.gap.push_back(fmt::format("{}要求总分不低于{}分；目录中允许的产品全部实施后最多{}分",
                                    target_zh, cs.required.to_string(), cs.after.to_string()));
      else
        m.gap.push_back(
            fmt::format("{}要求至少{}个{}场景达到{}及以上；目录中允许的产品全部实施后最多{}个",
                        target_zh, cs.required.to_string(), cs.what == "scenarios" ? "" : "约束性",
                        target_zh, cs.after.to_string()));
    }
    // Said whole, for a reader of the record alone; the page lists `gap` instead.
    if (!m.gap.empty()) {
      m.reason = fmt::format("目录中允许的产品全部实施后仍达不到{}：", target_zh);
      for (std::size_t i = 0; i < m.gap.size(); ++i) m.reason += (i ? "；" : "") + m.gap[i];
    } else if (options_.budget)
      m.reason = fmt::format("预算{}元内没有能达到{}的产品组合", *options_.budget, target_zh);
    else
      m.reason = fmt::format("产品的前置条件无法满足，不能达到{}", target_zh);
    return m;
  }

  // --- the best plan, re-scored by the engine, and what each product closes ---
  for (Plan& plan : plans) {
    CodedSurvey after = c;
    apply_products(after, catalogue_, plan.products);
    engine_.score_block(std::span<const CodedSurvey>(&after, 1), scores);
    if (scores.level[0] < target_ || scores.level[0] != plan.level_after)
      throw std::logic_error(fmt::format("match plan for '{}' re-scores at level {}, not {}",
                                         c.enterprise_id, scores.level[0], plan.level_after));
    for (std::size_t p : plan.products) {
      CodedSurvey others = c;
      for (std::size_t q : plan.products)
        if (q != p) apply_product(others, catalogue_.products[q]);
      if (!meets_requirements(others, catalogue_.products[p]))
        throw std::logic_error(
            fmt::format("match plan for '{}': the prerequisites of '{}' are not met",
                        c.enterprise_id, catalogue_.products[p].id));
    }
  }
  m.reached = true;
  m.plan = plans.front();
  m.alternatives.assign(plans.begin() + 1, plans.end());
  MatchState s = survey;
  for (std::size_t p : m.plan.products) {
    const Product& product = catalogue_.products[p];
    MatchState t = s;
    r.apply(t, product);
    Contribution cb;
    cb.product = p;
    cb.points = Decimal::from_thousandths(t.total - s.total);
    for (std::size_t k = 0; k < t.levels.size(); ++k)
      if (s.levels[k] < target_ && t.levels[k] >= target_) {
        cb.scenarios.push_back(k);
        if (r.constraint[k]) cb.constraint.push_back(k);
      }
    for (std::size_t q : m.plan.products) {
      const Product& other = catalogue_.products[q];
      if (q == p || other.prerequisites.empty()) continue;
      MatchState without = survey;
      for (std::size_t x : m.plan.products)
        if (x != q && x != p) r.apply(without, catalogue_.products[x]);
      if (!MatchRules::meets(without, other)) cb.enables.push_back(q);
    }
    m.explanation.push_back(std::move(cb));
    s = std::move(t);
  }
  m.conditions = conditions(s);
  return m;
}

}  // namespace smedx
