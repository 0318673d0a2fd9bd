#include "smedx/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

#include "exact.h"

namespace smedx {

namespace {

template <typename T>
struct ByName {  // lookups by id or code
  std::unordered_map<std::string, std::size_t> index;
  void add(const std::string& id, const std::string& code, std::size_t i) {
    index.emplace(id, i);
    index.emplace(code, i);
  }
  std::size_t find(const std::string& key) const {
    auto it = index.find(key);
    return it == index.end() ? static_cast<std::size_t>(-1) : it->second;
  }
};

}  // namespace

std::string_view version() noexcept { return SMEDX_VERSION; }

bool LevelCheck::met() const noexcept {
  return std::all_of(conditions.begin(), conditions.end(),
                     [](const LevelCondition& c) { return c.met(); });
}

struct Engine::Compiled {
  RuleSet rules;
  std::vector<const Item*> items;     // document order
  std::vector<std::size_t> item_sub;  // item -> sub-indicator index (flattened)
  std::vector<std::size_t> sub_dim;   // sub-indicator -> dimension
  std::vector<const SubIndicator*> subs;
  ByName<Item> item_names;
  ByName<Scenario> scenario_names;
  Provenance provenance;
};

Engine::Engine(const RuleSet& rules)
    : compiled_([&] {
        auto c = std::make_unique<Compiled>();
        c->rules = rules;
        for (std::size_t d = 0; d < c->rules.dimensions.size(); ++d) {
          for (const auto& sub : c->rules.dimensions[d].sub_indicators) {
            c->subs.push_back(&sub);
            c->sub_dim.push_back(d);
            for (const auto& item : sub.items) {
              c->item_names.add(item.id, item.code, c->items.size());
              c->items.push_back(&item);
              c->item_sub.push_back(c->subs.size() - 1);
            }
          }
        }
        for (std::size_t s = 0; s < c->rules.scenarios.size(); ++s)
          c->scenario_names.add(c->rules.scenarios[s].id, c->rules.scenarios[s].code, s);
        c->provenance = Provenance{c->rules.meta.id, c->rules.meta.version, c->rules.content_hash,
                                   std::string(version())};
        return std::unique_ptr<const Compiled>(std::move(c));
      }()) {}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const RuleSet& Engine::rules() const noexcept { return compiled_->rules; }

namespace {

// The band a written percentage falls in: (lower, upper], the first band closed.
char band_of(const Item& item, const detail::Exact& v) {
  for (std::size_t i = 0; i < item.options.size(); ++i) {
    const Option& o = item.options[i];
    const auto lower = detail::Exact::of(o.lower), upper = detail::Exact::of(o.upper);
    const bool above = i == 0 ? v >= lower : v > lower;
    if (above && v <= upper) return o.letter;
  }
  return '?';  // unreachable for a validated rule set and a checked percentage
}

// The trend option for two figures: flat within the tolerance (percent of `before`, inclusive).
char trend_of(const Item& item, const detail::Exact& before, const detail::Exact& after) {
  const detail::int128 diff = after.value - before.value;
  const detail::int128 magnitude = diff < 0 ? -diff : diff;
  // |after - before| / before <= tolerance / 100, with tolerance in thousandths.
  const bool flat = magnitude * 100 * Decimal::scale <= before.value * item.tolerance.thousandths();
  const Trend t = flat ? Trend::flat : diff > 0 ? Trend::increase : Trend::decrease;
  for (const auto& o : item.options)
    if (o.trend == t) return o.letter;
  return '?';
}

bool holds(const Condition& c, const std::map<std::string, std::vector<char>, std::less<>>& letters,
           const std::map<std::string, int, std::less<>>& levels) {
  using K = Condition::Kind;
  auto has = [&](char l) {
    auto it = letters.find(c.item);
    return it != letters.end() &&
           std::find(it->second.begin(), it->second.end(), l) != it->second.end();
  };
  switch (c.kind) {
    case K::has:
    case K::has_all:
      return std::all_of(c.letters.begin(), c.letters.end(), has);
    case K::has_any:
      return std::any_of(c.letters.begin(), c.letters.end(), has);
    case K::scenario_at_least: {
      auto it = levels.find(c.scenario);
      return it != levels.end() && it->second >= c.level;
    }
    case K::any_scenario_at_least:
      return std::any_of(levels.begin(), levels.end(),
                         [&](const auto& kv) { return kv.second >= c.level; });
    case K::all:
      return std::all_of(c.terms.begin(), c.terms.end(),
                         [&](const Condition& t) { return holds(t, letters, levels); });
    case K::any:
      return std::any_of(c.terms.begin(), c.terms.end(),
                         [&](const Condition& t) { return holds(t, letters, levels); });
    case K::not_:
      return !c.terms.empty() && !holds(c.terms[0], letters, levels);
  }
  return false;
}

}  // namespace

Assessment Engine::score(const Survey& survey) const {
  const Compiled& c = *compiled_;
  const RuleSet& rules = c.rules;
  Assessment a;
  a.enterprise_id = survey.enterprise_id;
  a.enterprise = survey.enterprise;
  a.provenance = c.provenance;
  a.errors = check_survey(survey, rules);
  if (!a.errors.empty()) return a;

  // Answers in rule-set order, mapped to letters.
  std::map<std::string, std::vector<char>, std::less<>> letters;
  a.items.resize(c.items.size());
  for (const auto& [key, answer] : survey.answers) {
    const std::size_t i = c.item_names.find(key);
    const Item& item = *c.items[i];
    ItemScore& s = a.items[i];
    switch (answer.kind) {
      case Answer::Kind::letters:
        s.letters = answer.letters;
        break;
      case Answer::Kind::percent:
        s.letters = {band_of(item, *detail::Exact::parse(answer.percent))};
        break;
      case Answer::Kind::figures:
        s.letters = {trend_of(item, *detail::Exact::parse(answer.before),
                              *detail::Exact::parse(answer.after))};
        break;
    }
  }
  std::vector<Decimal> sub_points(c.subs.size());
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    const Item& item = *c.items[i];
    ItemScore& s = a.items[i];
    s.id = item.id;
    s.code = item.code;
    std::sort(s.letters.begin(), s.letters.end());
    for (char l : s.letters) s.points += item.find_option(l)->points;
    sub_points[c.item_sub[i]] += s.points;
    letters[item.id] = s.letters;
  }
  a.dimensions.reserve(rules.dimensions.size());
  for (const auto& d : rules.dimensions) a.dimensions.push_back(PartScore{d.id, {}, d.max});
  for (std::size_t s = 0; s < c.subs.size(); ++s) {
    a.sub_indicators.push_back(PartScore{c.subs[s]->id, sub_points[s], c.subs[s]->max});
    a.dimensions[c.sub_dim[s]].points += sub_points[s];
  }
  for (const auto& d : a.dimensions) a.total += d.points;

  // Scenario levels in rule-set order, and the counts at or above each level.
  std::vector<int> levels(rules.scenarios.size(), 0);
  for (const auto& [key, level] : survey.scenarios) levels[c.scenario_names.find(key)] = level;
  std::map<std::string, int, std::less<>> by_id;
  const int top = rules.level_rule.top_level();
  a.scenario_counts.resize(static_cast<std::size_t>(top));
  for (std::size_t s = 0; s < levels.size(); ++s) {
    a.scenarios.emplace_back(rules.scenarios[s].id, levels[s]);
    by_id[rules.scenarios[s].id] = levels[s];
    for (int l = 1; l <= std::min(levels[s], top); ++l) {
      auto& count = a.scenario_counts[static_cast<std::size_t>(l - 1)];
      ++count.at_or_above;
      count.constraint += rules.scenarios[s].constraint;
    }
  }
  for (int l = 1; l <= top; ++l) a.scenario_counts[static_cast<std::size_t>(l - 1)].level = l;

  // The level: the highest whose conditions all hold.
  auto check = [&](int level) {
    const LevelRequirement& r = rules.level_rule.levels[static_cast<std::size_t>(level - 1)];
    const ScenarioCount& n = a.scenario_counts[static_cast<std::size_t>(level - 1)];
    return LevelCheck{
        level,
        {{"points", r.min_points, a.total},
         {"scenarios", Decimal::from_int(r.min_scenarios), Decimal::from_int(n.at_or_above)},
         {"constraint", Decimal::from_int(r.min_constraint), Decimal::from_int(n.constraint)}}};
  };
  for (int l = top; l >= 1; --l) {
    if (check(l).met()) {
      a.level = l;
      break;
    }
  }
  a.level_name = a.level == 0 ? rules.level_rule.no_level_zh
                              : rules.level_rule.levels[static_cast<std::size_t>(a.level - 1)].zh;
  if (a.level > 0) a.explanation.push_back(check(a.level));
  if (a.level < top) a.explanation.push_back(check(a.level + 1));

  for (const auto& rule : rules.consistency) {
    if (!holds(rule.when, letters, by_id) || holds(rule.then, letters, by_id)) continue;
    Issue issue{rule.severity, rule.message, "consistency." + rule.id, survey.where, ""};
    (rule.severity == Severity::error ? a.errors : a.warnings).push_back(std::move(issue));
  }
  return a;
}

}  // namespace smedx
