#include "rules/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "common/did_you_mean.h"

namespace smedx::detail {

namespace {

std::size_t characters(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

class Validator {
 public:
  Validator(RuleSet& rules, const SourceTable& sources, std::vector<Issue>& issues)
      : rules_(rules), sources_(sources), issues_(issues) {}

  void run() {
    names();
    for (std::size_t d = 0; d < rules_.dimensions.size(); ++d) dimension(d);
    scenarios();
    level_rule();
    diagnosis();
    for (std::size_t r = 0; r < rules_.consistency.size(); ++r) {
      const std::string base = fmt::format("consistency[{}]", r);
      condition(rules_.consistency[r].when, base + ".if");
      condition(rules_.consistency[r].then, base + ".then");
    }
  }

 private:
  // Reports at the element with this structural path, falling back to its closest recorded
  // ancestor when the element itself was not written (a missing level, say).
  void report(std::string_view structural, std::string message,
              Severity severity = Severity::error) {
    std::string p(structural);
    while (!p.empty()) {
      if (auto it = sources_.find(p); it != sources_.end()) {
        issues_.push_back(
            Issue{severity, std::move(message), it->second.path, it->second.where, ""});
        return;
      }
      const auto cut = p.find_last_of(".[");
      p = cut == std::string::npos ? std::string{} : p.substr(0, cut);
    }
    issues_.push_back(Issue{severity, std::move(message), std::string(structural), {}, ""});
  }

  // Items and scenarios are named by id or code in the same places (survey keys, CSV headers),
  // so a code may not be another element's id.
  void names() {
    std::map<std::string, std::string, std::less<>> ids;  // id -> what it names
    for (const Item* i : rules_.items()) ids.emplace(i->id, fmt::format("item '{}'", i->id));
    for (const auto& s : rules_.scenarios) ids.emplace(s.id, fmt::format("scenario '{}'", s.id));
    std::size_t n = 0;
    for (std::size_t d = 0; d < rules_.dimensions.size(); ++d) {
      for (std::size_t k = 0; k < rules_.dimensions[d].sub_indicators.size(); ++k) {
        const auto& items = rules_.dimensions[d].sub_indicators[k].items;
        for (std::size_t i = 0; i < items.size(); ++i, ++n) {
          auto it = ids.find(items[i].code);
          if (it != ids.end() && items[i].code != items[i].id)
            report(fmt::format("dimensions[{}].sub_indicators[{}].items[{}].code", d, k, i),
                   fmt::format("code '{}' of item '{}' is the id of {}", items[i].code, items[i].id,
                               it->second));
        }
      }
    }
    for (std::size_t s = 0; s < rules_.scenarios.size(); ++s) {
      const Scenario& sc = rules_.scenarios[s];
      auto it = ids.find(sc.code);
      if (it != ids.end() && sc.code != sc.id)
        report(
            fmt::format("scenarios[{}].code", s),
            fmt::format("code '{}' of scenario '{}' is the id of {}", sc.code, sc.id, it->second));
    }
  }

  void dimension(std::size_t d) {
    const Dimension& dim = rules_.dimensions[d];
    const std::string dp = fmt::format("dimensions[{}]", d);
    Decimal sum;
    for (std::size_t s = 0; s < dim.sub_indicators.size(); ++s) {
      const SubIndicator& sub = dim.sub_indicators[s];
      const std::string sp = fmt::format("{}.sub_indicators[{}]", dp, s);
      Decimal items_sum;
      for (std::size_t i = 0; i < sub.items.size(); ++i) {
        item(sub.items[i], fmt::format("{}.items[{}]", sp, i));
        items_sum += sub.items[i].max;
      }
      if (items_sum != sub.max) {
        report(sp + ".max", fmt::format("sub-indicator '{}' has max {}, but its items add up to {}",
                                        sub.id, sub.max.to_string(), items_sum.to_string()));
      }
      sum += sub.max;
    }
    if (sum != dim.max) {
      report(dp + ".max",
             fmt::format("dimension '{}' has max {}, but its sub-indicators add up to {}", dim.id,
                         dim.max.to_string(), sum.to_string()));
    }
  }

  void item(const Item& it, const std::string& ip) {
    if (it.options.empty()) {
      report(ip + ".options", fmt::format("item '{}' has no options", it.id));
      return;
    }
    Decimal best, sum;
    std::size_t nones = 0;
    for (std::size_t o = 0; o < it.options.size(); ++o) {
      const Option& opt = it.options[o];
      const std::string op = fmt::format("{}.options[{}]", ip, o);
      const char expected = static_cast<char>('A' + o);
      if (opt.letter != expected && opt.letter != '?') {
        report(op + ".letter",
               fmt::format("option letter '{}' out of order: expected '{}'", opt.letter, expected));
      }
      if (opt.points < Decimal{}) {
        report(op + ".points",
               fmt::format("points must not be negative, got {}", opt.points.to_string()));
      }
      if (opt.none) {
        ++nones;
        if (opt.points != Decimal{}) {
          report(op + ".points", fmt::format("the 'none' option {} must be worth 0 points, not {}",
                                             opt.letter, opt.points.to_string()));
        }
      }
      if (!opt.scenario.empty() && !rules_.find_scenario(opt.scenario)) {
        report(op + ".scenario", unknown("scenario", opt.scenario, scenario_names()));
      }
      best = std::max(best, opt.points);
      sum += opt.points;
    }
    if (it.kind == ItemKind::multi) {
      if (nones != 1) {
        report(ip + ".options",
               fmt::format("multi item '{}' needs exactly one option with 'none: true', has {}",
                           it.id, nones));
      }
      if (sum > it.max) {
        report(ip + ".max",
               fmt::format("the options of item '{}' add up to {}, more than its max {}", it.id,
                           sum.to_string(), it.max.to_string()));
      } else if (sum < it.max) {
        report(ip + ".max", fmt::format("item '{}' has max {}, but its options add up to only {}",
                                        it.id, it.max.to_string(), sum.to_string()));
      }
    } else {
      for (std::size_t o = 0; o < it.options.size(); ++o) {
        if (it.options[o].points > it.max) {
          report(fmt::format("{}.options[{}].points", ip, o),
                 fmt::format("option {} of item '{}' is worth {}, more than the item's max {}",
                             it.options[o].letter, it.id, it.options[o].points.to_string(),
                             it.max.to_string()));
        }
      }
      if (best < it.max) {
        report(ip + ".max",
               fmt::format("item '{}' has max {}, but its best option is worth only {}", it.id,
                           it.max.to_string(), best.to_string()));
      }
    }
    if (it.kind == ItemKind::band) bands(it, ip);
    if (it.kind == ItemKind::trend) trends(it, ip);
  }

  void bands(const Item& it, const std::string& ip) {
    const Decimal zero, hundred = Decimal::from_int(100);
    for (std::size_t o = 0; o < it.options.size(); ++o) {
      const Option& opt = it.options[o];
      const std::string rp = fmt::format("{}.options[{}].range", ip, o);
      if (o == 0 && opt.lower != zero) {
        report(rp, fmt::format("bands of item '{}' must start at 0, the first starts at {}", it.id,
                               opt.lower.to_string()));
      }
      if (o > 0 && opt.lower != it.options[o - 1].upper) {
        report(rp, fmt::format("band {} starts at {}, but band {} ends at {}: bands must be "
                               "contiguous",
                               opt.letter, opt.lower.to_string(), it.options[o - 1].letter,
                               it.options[o - 1].upper.to_string()));
      }
      if (opt.upper <= opt.lower) {
        report(rp, fmt::format("band {} of item '{}' does not increase: [{}, {}]", opt.letter,
                               it.id, opt.lower.to_string(), opt.upper.to_string()));
      }
    }
    const Option& last = it.options.back();
    if (last.upper != hundred) {
      report(fmt::format("{}.options[{}].range", ip, it.options.size() - 1),
             fmt::format("bands of item '{}' must end at 100, the last ends at {}", it.id,
                         last.upper.to_string()));
    }
  }

  void trends(const Item& it, const std::string& ip) {
    for (Trend t : {Trend::decrease, Trend::flat, Trend::increase}) {
      const auto n = std::count_if(it.options.begin(), it.options.end(),
                                   [t](const Option& o) { return o.trend == t; });
      if (n != 1) {
        report(ip + ".options", fmt::format("trend item '{}' needs exactly one '{}' option, has {}",
                                            it.id, to_string(t), n));
      }
    }
    // The better direction must be worth at least as much as flat, and flat at least as much
    // as the worse direction: otherwise 'better' and the points contradict each other.
    auto points_of = [&](Trend t) {
      for (const auto& o : it.options)
        if (o.trend == t) return o.points;
      return Decimal{};
    };
    const Trend good = it.better == Better::lower ? Trend::decrease : Trend::increase;
    const Trend bad = it.better == Better::lower ? Trend::increase : Trend::decrease;
    if (points_of(good) < points_of(Trend::flat) || points_of(Trend::flat) < points_of(bad)) {
      report(ip + ".better",
             fmt::format("trend item '{}' says {} is better, but its points do not rise from "
                         "'{}' through 'flat' to '{}'",
                         it.id, to_string(it.better), to_string(bad), to_string(good)));
    }
    if (it.tolerance < Decimal{} || it.tolerance >= Decimal::from_int(100)) {
      report(ip + ".tolerance",
             fmt::format("tolerance must be at least 0 and below 100 (percent), got {}",
                         it.tolerance.to_string()));
    }
  }

  void scenarios() {
    const std::size_t top = rules_.level_rule.levels.size();
    for (std::size_t s = 0; s < rules_.scenarios.size(); ++s) {
      const Scenario& sc = rules_.scenarios[s];
      const std::string sp = fmt::format("scenarios[{}]", s);
      const bool known_group =
          std::any_of(rules_.groups.begin(), rules_.groups.end(),
                      [&](const ScenarioGroup& g) { return g.id == sc.group; });
      if (!known_group && !sc.group.empty()) {
        std::vector<std::string_view> names;
        for (const auto& g : rules_.groups) names.push_back(g.id);
        report(sp + ".group", unknown("scenario group", sc.group, names));
      }
      for (std::size_t l = 0; l < sc.levels.size(); ++l) {
        const ScenarioLevel& lv = sc.levels[l];
        if (lv.zh_short.empty() || lv.zh.empty()) continue;
        // Counted in characters, not bytes: the texts are Chinese.
        const std::size_t label = characters(lv.zh_short), full = characters(lv.zh);
        if (label > full) {
          report(fmt::format("{}.levels.{}.zh_short", sp, l + 1),
                 fmt::format("'zh_short' of scenario '{}' level {} is longer than its 'zh' ({} "
                             "characters, 'zh' has {})",
                             sc.id, l + 1, label, full));
        }
      }
      if (top == 0) continue;
      for (std::size_t l = 1; l <= top; ++l) {
        if (!sources_.count(fmt::format("{}.levels.{}", sp, l))) {
          report(sp + ".levels",
                 fmt::format("scenario '{}' has no description for level {}", sc.id, l));
        }
      }
      for (std::size_t l = top + 1; l <= sc.levels.size(); ++l) {
        if (sources_.count(fmt::format("{}.levels.{}", sp, l))) {
          report(fmt::format("{}.levels.{}", sp, l),
                 fmt::format("scenario '{}' describes level {}, but the level rule has only {} "
                             "levels",
                             sc.id, l, top));
        }
      }
    }
  }

  void level_rule() {
    const auto& levels = rules_.level_rule.levels;
    if (levels.empty()) {
      report("level_rule.levels", "the level rule needs at least one level");
      return;
    }
    const Decimal max_points = rules_.max_points();
    const int scenario_count = static_cast<int>(rules_.scenarios.size());
    const int constraint_count = rules_.constraint_count();
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const LevelRequirement& l = levels[i];
      const std::string lp = fmt::format("level_rule.levels[{}]", i);
      if (l.level != static_cast<int>(i + 1)) {
        report(lp + ".level", fmt::format("levels must be numbered 1, 2, 3... in order: expected "
                                          "{}, got {}",
                                          i + 1, l.level));
      }
      if (l.min_points > max_points) {
        report(lp + ".min_points",
               fmt::format("level {} needs {} points, but the rule set has "
                           "only {}",
                           i + 1, l.min_points.to_string(), max_points.to_string()));
      }
      if (l.min_scenarios > scenario_count) {
        report(lp + ".min_scenarios", fmt::format("level {} needs {} scenarios, but the rule set "
                                                  "has only {}",
                                                  i + 1, l.min_scenarios, scenario_count));
      }
      if (l.min_constraint > l.min_scenarios) {
        report(lp + ".min_constraint",
               fmt::format("level {} needs {} constraint scenarios among only {} scenarios", i + 1,
                           l.min_constraint, l.min_scenarios));
      } else if (l.min_constraint > constraint_count) {
        report(lp + ".min_constraint",
               fmt::format("level {} needs {} constraint scenarios, but the rule set has only {}",
                           i + 1, l.min_constraint, constraint_count));
      }
      if (i == 0) continue;
      const LevelRequirement& lower = levels[i - 1];
      auto easier = [&](std::string_view key, std::string_view what, const std::string& mine,
                        const std::string& theirs) {
        report(fmt::format("{}.{}", lp, key),
               fmt::format("level {} needs fewer {} ({}) than level {} ({}): a higher level must "
                           "not be easier",
                           i + 1, what, mine, i, theirs));
      };
      if (l.min_points < lower.min_points)
        easier("min_points", "points", l.min_points.to_string(), lower.min_points.to_string());
      if (l.min_scenarios < lower.min_scenarios)
        easier("min_scenarios", "scenarios", std::to_string(l.min_scenarios),
               std::to_string(lower.min_scenarios));
      if (l.min_constraint < lower.min_constraint)
        easier("min_constraint", "constraint scenarios", std::to_string(l.min_constraint),
               std::to_string(lower.min_constraint));
    }
  }

  void condition(Condition& c, const std::string& cp) {
    using K = Condition::Kind;
    switch (c.kind) {
      case K::has:
      case K::has_all:
      case K::has_any: {
        const Item* it = rules_.find_item(c.item);
        if (!it) {
          if (!c.item.empty()) report(cp + ".item", unknown("item", c.item, item_names()));
          return;
        }
        c.item = it->id;
        const char* key = c.kind == K::has ? "has" : c.kind == K::has_all ? "has_all" : "has_any";
        if (c.letters.empty()) {
          report(fmt::format("{}.{}", cp, key), fmt::format("'{}' needs at least one letter", key));
        }
        for (std::size_t i = 0; i < c.letters.size(); ++i) {
          if (it->find_option(c.letters[i])) continue;
          report(c.kind == K::has ? cp + ".has" : fmt::format("{}.{}[{}]", cp, key, i),
                 fmt::format("item '{}' has no option '{}' (valid: A–{})", it->id, c.letters[i],
                             it->options.empty() ? 'A' : it->options.back().letter));
        }
        return;
      }
      case K::scenario_at_least: {
        const Scenario* s = rules_.find_scenario(c.scenario);
        if (!s && !c.scenario.empty())
          report(cp + ".scenario", unknown("scenario", c.scenario, scenario_names()));
        if (s) c.scenario = s->id;
        level_in_range(c.level, cp + ".at_least");
        return;
      }
      case K::any_scenario_at_least:
        level_in_range(c.level, cp + ".any_scenario_at_least");
        return;
      case K::all:
      case K::any:
      case K::not_: {
        const char* key = c.kind == K::all ? "all" : c.kind == K::any ? "any" : "not";
        for (std::size_t i = 0; i < c.terms.size(); ++i) {
          condition(c.terms[i],
                    c.kind == K::not_ ? cp + ".not" : fmt::format("{}.{}[{}]", cp, key, i));
        }
        return;
      }
    }
  }

  void diagnosis() {
    const int top = rules_.level_rule.top_level();
    const DiagnosisSettings& d = rules_.diagnosis;
    if (d.present) {
      if (d.target < 1 || d.target > top)
        report("diagnosis.target", fmt::format("target level {} is outside 1–{}", d.target, top));
      if (d.common_threshold <= Decimal{} || d.common_threshold > Decimal::from_int(1))
        report("diagnosis.common_threshold",
               fmt::format("common_threshold must be above 0 and at most 1, got {}",
                           d.common_threshold.to_string()));
      if (d.scenario_level_step < Decimal{} || d.item_point < Decimal{})
        report("diagnosis.costs", "costs must not be negative");
    }
    std::vector<std::string_view> ids;
    for (std::size_t k = 0; k < rules_.profiles.size(); ++k) {
      const IndustryProfile& p = rules_.profiles[k];
      const std::string pp = fmt::format("profiles[{}]", k);
      if (std::find(ids.begin(), ids.end(), p.id) != ids.end())
        report(pp + ".id", fmt::format("duplicate profile id '{}'", p.id));
      ids.push_back(p.id);
      if (p.target != 0 && (p.target < 1 || p.target > top))
        report(pp + ".target", fmt::format("target level {} is outside 1–{}", p.target, top));
      for (std::size_t e = 0; e < p.emphasis.size(); ++e)
        if (!rules_.find_scenario(p.emphasis[e]))
          report(fmt::format("{}.emphasis[{}]", pp, e),
                 unknown("scenario", p.emphasis[e], scenario_names()));
      for (const auto& [id, cost] : p.scenario_costs) {
        if (!rules_.find_scenario(id))
          report(fmt::format("{}.costs.scenario_level_step.{}", pp, id),
                 unknown("scenario", id, scenario_names()));
        if (cost < Decimal{})
          report(fmt::format("{}.costs.scenario_level_step.{}", pp, id),
                 "costs must not be negative");
      }
    }
  }

  void level_in_range(int level, const std::string& at) {
    const int top = rules_.level_rule.top_level();
    if (level < 0 || level > top)
      report(at, fmt::format("scenario level {} is out of range 0-{}", level, top));
  }

  std::vector<std::string_view> item_names() const {
    std::vector<std::string_view> names;
    for (const Item* i : rules_.items()) names.push_back(i->id);
    return names;
  }
  std::vector<std::string_view> scenario_names() const {
    std::vector<std::string_view> names;
    for (const auto& s : rules_.scenarios) names.push_back(s.id);
    return names;
  }
  static std::string unknown(std::string_view what, std::string_view name,
                             const std::vector<std::string_view>& names) {
    const std::string hint = nearest(name, names);
    return hint.empty() ? fmt::format("unknown {} '{}'", what, name)
                        : fmt::format("unknown {} '{}' (did you mean '{}'?)", what, name, hint);
  }

  RuleSet& rules_;
  const SourceTable& sources_;
  std::vector<Issue>& issues_;
};

}  // namespace

void validate(RuleSet& rules, const SourceTable& sources, std::vector<Issue>& issues) {
  Validator(rules, sources, issues).run();
}

}  // namespace smedx::detail
