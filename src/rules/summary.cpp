#include "smedx/summary.h"

#include <fmt/format.h>

namespace smedx {

std::string summarize(const RuleSet& r) {
  std::string out;
  auto line = [&out](std::string s) {
    out += s;
    out += '\n';
  };
  line(fmt::format("{} {}  {}", r.meta.id, r.meta.version, r.meta.title));
  if (!r.meta.issued_by.empty() || !r.meta.issued.empty())
    line(fmt::format("issued {} by {}", r.meta.issued, r.meta.issued_by));

  std::size_t subs = 0, items = 0;
  for (const auto& d : r.dimensions) {
    subs += d.sub_indicators.size();
    for (const auto& s : d.sub_indicators) items += s.items.size();
  }
  line(fmt::format("\npoints: {} in {} dimensions, {} sub-indicators, {} items",
                   r.max_points().to_string(), r.dimensions.size(), subs, items));
  for (const auto& d : r.dimensions) {
    std::string codes;
    std::size_t n = 0;
    for (const auto& s : d.sub_indicators)
      for (const auto& i : s.items) {
        codes += (n++ ? " " : "") + i.code;
      }
    line(fmt::format("  {:<2} {:<12} {:>5}  {} items: {}", d.code, d.id, d.max.to_string(), n,
                     codes));
  }

  line(fmt::format("\nscenarios: {} in {} groups, {} constraint (*), levels 0-{}",
                   r.scenarios.size(), r.groups.size(), r.constraint_count(),
                   r.level_rule.top_level()));
  for (const auto& g : r.groups) {
    std::string codes;
    for (const auto& s : r.scenarios) {
      if (s.group != g.id) continue;
      codes += fmt::format(" {}{}", s.code, s.constraint ? "*" : "");
    }
    line(fmt::format("  {:<20}{}", g.id, codes));
  }

  line("\nlevel rule: the highest level whose three minima all hold, else 0");
  line("  level  points  scenarios at >= level  constraint among them");
  for (auto it = r.level_rule.levels.rbegin(); it != r.level_rule.levels.rend(); ++it) {
    line(fmt::format("  {:<5}  >= {:<3}  >= {:<19}  >= {}", it->level, it->min_points.to_string(),
                     it->min_scenarios, it->min_constraint));
  }

  std::size_t errors = 0;
  for (const auto& c : r.consistency) errors += c.severity == Severity::error;
  line(fmt::format("\nconsistency rules: {} ({} error, {} warning); notes: {}",
                   r.consistency.size(), errors, r.consistency.size() - errors,
                   r.meta.notes.size()));
  if (r.diagnosis.present) {
    std::string profiles;
    for (const auto& p : r.profiles) profiles += (profiles.empty() ? "" : ", ") + p.id;
    line(
        fmt::format("diagnosis: target level {}, common at {} of a group, costs {} a scenario "
                    "level step and {} an item point; profiles: {}",
                    r.diagnosis.target, r.diagnosis.common_threshold.to_string(),
                    r.diagnosis.scenario_level_step.to_string(), r.diagnosis.item_point.to_string(),
                    profiles.empty() ? "none" : profiles));
  }
  return out;
}

}  // namespace smedx
