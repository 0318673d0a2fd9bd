#include "smedx/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "score/engine_access.h"
#include "score/level_rule.h"
#include "survey/survey_coder.h"

namespace smedx {

std::string_view version() noexcept { return SMEDX_VERSION; }

bool LevelCheck::met() const noexcept {
  return std::all_of(conditions.begin(), conditions.end(),
                     [](const LevelCondition& c) { return c.met(); });
}

struct Engine::Compiled {
  explicit Compiled(const RuleSet& r) : rules(r), index(rules), levels(rules.level_rule) {}

  RuleSet rules;
  detail::RuleIndex index;  // views into `rules`: Compiled never moves (held by unique_ptr)
  detail::LevelTable levels;
  // Per item: the points of each set of its options (bit k = option k), for items of up to
  // max_table_options options; else empty, and the points are summed option by option.
  static constexpr std::size_t max_table_options = 12;
  std::vector<std::vector<std::int64_t>> points_by_set;
  std::vector<std::vector<std::int64_t>> option_points;  // per item, per option (thousandths)
  std::vector<const SubIndicator*> subs;
  // The sub-indicator of each item and the dimension of each sub-indicator. Points are integer
  // thousandths, summed exactly as integers: a sum a row is a few adds, where a product with
  // 0/1 membership matrices in doubles cost more than scoring and coding's lookups together.
  std::vector<std::uint32_t> sub_of_item;
  std::vector<std::uint32_t> dim_of_sub;
  // Per scenario: 1 for a constraint scenario. Integers, not vector<bool>: read per level.
  std::vector<std::int32_t> constraint;
  Provenance provenance;
};

Engine::Engine(const RuleSet& rules)
    : compiled_([&] {
        auto c = std::make_unique<Compiled>(rules);
        const auto& items = c->index.items;
        for (const Item* item : items) {
          auto& points = c->option_points.emplace_back();
          for (const auto& o : item->options) points.push_back(o.points.thousandths());
          auto& table = c->points_by_set.emplace_back();
          if (points.size() > Compiled::max_table_options) continue;
          table.assign(std::size_t{1} << points.size(), 0);
          for (std::size_t set = 1; set < table.size(); ++set) {
            const auto o = static_cast<std::size_t>(std::countr_zero(set));
            table[set] = table[set & (set - 1)] + points[o];  // the set less its lowest option
          }
        }
        for (const auto& d : c->rules.dimensions)
          for (const auto& s : d.sub_indicators) c->subs.push_back(&s);
        for (std::uint32_t d = 0; d < c->rules.dimensions.size(); ++d) {
          for (const auto& s : c->rules.dimensions[d].sub_indicators) {
            const auto sub = static_cast<std::uint32_t>(c->dim_of_sub.size());
            c->dim_of_sub.push_back(d);
            c->sub_of_item.insert(c->sub_of_item.end(), s.items.size(), sub);
          }
        }
        for (const auto& s : c->rules.scenarios) c->constraint.push_back(s.constraint ? 1 : 0);
        c->provenance = Provenance{c->rules.meta.id, c->rules.meta.version, c->rules.content_hash,
                                   std::string(version())};
        return std::unique_ptr<const Compiled>(std::move(c));
      }()) {}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const RuleSet& Engine::rules() const noexcept { return compiled_->rules; }

const detail::RuleIndex& detail::EngineAccess::index(const Engine& e) noexcept {
  return e.compiled_->index;
}

void Engine::code_into(const Survey& survey, MissingPolicy missing, CodedSurvey& out) const {
  detail::code_survey(survey, compiled_->index, missing, out);
}

void Engine::code_json(std::string_view json, const Location& where, MissingPolicy missing,
                       CodedSurvey& out, std::size_t capacity) const {
  detail::code_survey_json(json, capacity, where, compiled_->index, missing, out);
}

CodedSurvey Engine::code(const Survey& survey, MissingPolicy missing) const {
  CodedSurvey out;
  detail::code_survey(survey, compiled_->index, missing, out);
  return out;
}

void Engine::score_block(std::span<const CodedSurvey> block, BlockScores& out) const {
  const Compiled& c = *compiled_;
  const std::size_t dims = c.rules.dimensions.size();
  const std::size_t subs = c.subs.size();
  const int top = c.rules.level_rule.top_level();

  // Item points straight from each item's table of option sets (exact integers, a lookup an
  // item), added into their sub-indicator and dimension as they come. Rows of surveys with
  // errors stay zero.
  const std::size_t items = c.index.items.size();
  out.rows = block.size();
  out.item_points.assign(block.size() * items, 0);
  out.sub_points.assign(block.size() * subs, 0);
  out.dim_points.assign(block.size() * dims, 0);
  for (std::size_t r = 0; r < block.size(); ++r) {
    const CodedSurvey& s = block[r];
    if (!s.ok()) continue;
    std::int64_t* row = &out.item_points[r * items];
    std::int64_t* sub = &out.sub_points[r * subs];
    for (std::size_t i = 0; i < items; ++i) {
      const std::uint32_t set = s.selected[i];
      const auto& table = c.points_by_set[i];
      std::int64_t points = 0;
      if (set < table.size()) {
        points = table[set];
      } else {
        const auto& option = c.option_points[i];
        for (std::uint32_t m = set; m; m &= m - 1)
          if (const auto o = static_cast<std::size_t>(std::countr_zero(m)); o < option.size())
            points += option[o];
      }
      row[i] = points;
      sub[c.sub_of_item[i]] += points;
    }
    std::int64_t* dim = &out.dim_points[r * dims];
    for (std::size_t k = 0; k < subs; ++k) dim[c.dim_of_sub[k]] += sub[k];
  }

  // Scenarios counted by level 0..top, and one place past it for a level out of range (the
  // coder refuses those, a caller's own CodedSurvey might not have): no branch on a survey's
  // levels, which are data.
  std::vector<std::int32_t> by_level(static_cast<std::size_t>(top) + 2);
  std::vector<std::int32_t> constraint_by_level(by_level.size());
  out.total.assign(block.size(), 0);
  out.level.assign(block.size(), 0);
  out.at_or_above.assign(block.size() * static_cast<std::size_t>(top), 0);
  out.constraint.assign(block.size() * static_cast<std::size_t>(top), 0);
  for (std::size_t r = 0; r < block.size(); ++r) {
    std::int64_t total = 0;
    for (std::size_t d = 0; d < dims; ++d) total += out.dim_points[r * dims + d];
    out.total[r] = total;
    const CodedSurvey& s = block[r];
    if (!s.ok()) continue;
    std::int32_t* at = &out.at_or_above[r * static_cast<std::size_t>(top)];
    std::int32_t* con = &out.constraint[r * static_cast<std::size_t>(top)];
    // Scenarios at each level, then counts at or above it.
    std::fill(by_level.begin(), by_level.end(), 0);
    std::fill(constraint_by_level.begin(), constraint_by_level.end(), 0);
    for (std::size_t k = 0; k < s.levels.size(); ++k) {
      const int l = s.levels[k];
      const auto at_level = static_cast<std::size_t>(l < 0 || l > top ? top + 1 : l);
      ++by_level[at_level];
      constraint_by_level[at_level] += c.constraint[k];
    }
    std::int32_t n = 0, n_constraint = 0;
    for (int l = top; l > 0; --l) {
      n += by_level[static_cast<std::size_t>(l)];
      n_constraint += constraint_by_level[static_cast<std::size_t>(l)];
      at[l - 1] = n;
      con[l - 1] = n_constraint;
    }
    out.level[r] = c.levels.level(total, at, con);
  }
}

Assessment Engine::assessment(const CodedSurvey& s, const BlockScores& scores,
                              std::size_t row) const {
  const Compiled& c = *compiled_;
  Assessment a;
  a.enterprise_id = s.enterprise_id;
  a.enterprise = s.enterprise;
  a.provenance = c.provenance;
  a.errors = s.errors;
  if (!s.ok()) return a;
  a.warnings.reserve(s.warnings.size() + s.fired.size());
  a.warnings = s.warnings;
  for (std::uint16_t k : s.fired) {
    const ConsistencyRule& rule = c.rules.consistency[k];
    a.warnings.push_back(detail::consistency_issue(rule, s.where));  // coded W-CONSISTENCY
  }
  const auto& items = c.index.items;
  const auto& dims = c.rules.dimensions;
  a.items.reserve(items.size());
  a.sub_indicators.reserve(c.subs.size());
  a.dimensions.reserve(dims.size());
  a.scenarios.reserve(c.rules.scenarios.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    ItemScore is{items[i]->id,
                 items[i]->code,
                 {},
                 Decimal::from_thousandths(scores.item_points[row * items.size() + i])};
    for (std::uint32_t mask = s.selected[i]; mask; mask &= mask - 1)
      is.letters.push_back(static_cast<char>('A' + std::countr_zero(mask)));
    a.items.push_back(std::move(is));
  }
  for (std::size_t k = 0; k < c.subs.size(); ++k) {
    a.sub_indicators.push_back(PartScore{
        c.subs[k]->id, Decimal::from_thousandths(scores.sub_points[row * c.subs.size() + k]),
        c.subs[k]->max});
  }
  for (std::size_t d = 0; d < dims.size(); ++d) {
    a.dimensions.push_back(
        PartScore{dims[d].id, Decimal::from_thousandths(scores.dim_points[row * dims.size() + d]),
                  dims[d].max});
  }
  a.total = Decimal::from_thousandths(scores.total[row]);
  for (std::size_t k = 0; k < c.rules.scenarios.size(); ++k)
    a.scenarios.emplace_back(c.rules.scenarios[k].id, s.levels[k]);
  const int top = c.rules.level_rule.top_level();
  a.scenario_counts.reserve(static_cast<std::size_t>(top));
  for (int l = 1; l <= top; ++l) {
    const std::size_t at = row * static_cast<std::size_t>(top) + static_cast<std::size_t>(l - 1);
    a.scenario_counts.push_back(ScenarioCount{l, scores.at_or_above[at], scores.constraint[at]});
  }
  a.level = scores.level[row];
  a.level_name = a.level == 0 ? c.rules.level_rule.no_level_zh
                              : c.rules.level_rule.levels[static_cast<std::size_t>(a.level - 1)].zh;
  // The explanation: the rule's conditions of the levels it covers, as decimals.
  for (const int level : c.levels.explained(a.level)) {
    if (level == 0) continue;
    const ScenarioCount& n = a.scenario_counts[static_cast<std::size_t>(level - 1)];
    const auto conditions =
        c.levels.conditions(level, a.total.thousandths(), n.at_or_above, n.constraint);
    LevelCheck check{level, {}};
    for (std::size_t k = 0; k < conditions.size(); ++k) {
      // The first condition is points, in thousandths; the others count scenarios.
      auto value = [k](std::int64_t v) {
        return k == 0 ? Decimal::from_thousandths(v) : Decimal::from_int(v);
      };
      check.conditions.push_back({std::string(conditions[k].what), value(conditions[k].required),
                                  value(conditions[k].has)});
    }
    a.explanation.push_back(std::move(check));
  }
  return a;
}

Assessment Engine::score(const Survey& survey, MissingPolicy missing) const {
  const CodedSurvey coded = code(survey, missing);
  BlockScores scores;
  score_block(std::span<const CodedSurvey>(&coded, 1), scores);
  return assessment(coded, scores, 0);
}

}  // namespace smedx
