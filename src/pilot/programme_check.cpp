// The checks of a programme against its rule set and of its sums, made exactly (64 bits): the
// reader sums weights in int, so 2^32 + 100 would read as 100. These belong beside the reader's
// own checks; they are here because the levels need the rule set, which the reader never sees,
// and so that every way into an evaluation (the driver, Pilot) makes them.
#include "pilot/programme_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>

#include "smedx/subsidy_rule.h"
#include "yaml/source_line.h"
#include "yaml/yaml_file.h"
#include "yaml/yaml_tree.h"

namespace smedx::detail {

namespace {

using Kind = YamlNode::Kind;

// The programme as written, to say where a key is: its text and tree, read again from the file.
// Without a file (a Programme made in code) a problem names the key alone.
struct Source {
  std::string file, text;
  std::optional<YamlNode> root;

  explicit Source(const std::filesystem::path& path) {
    if (path.empty()) return;
    std::filesystem::path f = path;
    std::error_code ec;
    if (std::filesystem::is_directory(f, ec)) f /= "programme.yaml";  // as load_programme reads it
    file = f.string();
    std::vector<Issue> ignored;  // the reader has reported them
    text = read_yaml_file(f, file, yaml_file_limit, ignored).value_or("");
    root = parse_yaml(text, file, YamlLimits{}, ignored);
  }

  // The node under a chain of mapping keys; null when it is not there.
  const YamlNode* at(std::initializer_list<std::string_view> keys) const {
    const YamlNode* n = root ? &*root : nullptr;
    for (auto k : keys) n = n && n->kind == Kind::map ? n->find(k) : nullptr;
    return n;
  }

  Issue error(std::string message, std::string path, const YamlNode* n) const {
    Issue i{Severity::error, std::move(message), std::move(path), Location{file, 0, 0}, ""};
    if (n) {
      i.where.line = n->line;
      i.where.column = n->column;
      i.source_line = line_of(text, n->line);
    }
    return i;
  }
};

}  // namespace

std::vector<Issue> check_programme(const Programme& p, const RuleSet& rules,
                                   const std::filesystem::path& file) {
  const Source src(file);
  std::vector<Issue> out;

  // Levels: a level the rule set does not have fails everyone (above its top) or passes an
  // acceptance that reached no level at all (0).
  const int top = rules.level_rule.top_level();
  auto no_level = [&](std::string_view what, int level) {
    return fmt::format("{} {} does not exist in rule set {}: its levels are 1–{}", what, level,
                       rules.meta.id, top);
  };
  const bool target_ok = p.target_level >= 1 && p.target_level <= top;
  if (!target_ok)
    out.push_back(src.error(no_level("target_level", p.target_level), "target_level",
                            src.at({"target_level"})));
  const YamlNode* checks = src.at({"acceptance"});
  for (std::size_t k = 0; k < p.acceptance.size(); ++k) {
    const AcceptanceCheck& c = p.acceptance[k];
    if (c.kind != AcceptanceCheck::Kind::level_at_least || (c.level >= 1 && c.level <= top))
      continue;
    // The check as written, found by its name: a check is listed once.
    const YamlNode* item = nullptr;
    std::size_t index = k;
    if (checks && checks->kind == Kind::sequence) {
      for (std::size_t i = 0; i < checks->items.size() && !item; ++i) {
        const YamlNode& e = checks->items[i];
        const YamlNode* name = e.kind == Kind::map ? e.find("check") : nullptr;
        if (name && name->value == to_string(c.kind)) {
          item = &e;
          index = i;
        }
      }
    }
    const YamlNode* level = item && item->kind == Kind::map ? item->find("level") : nullptr;
    // A check without a level of its own takes target_level's, which is reported above.
    if (!target_ok && (item ? level == nullptr : c.level == p.target_level)) continue;
    out.push_back(src.error(no_level("level_at_least level", c.level),
                            fmt::format("acceptance[{}].level", index), level ? level : item));
  }
  // The 奖补 rule's levels: a tier at a level the rule set does not have is never reached (above
  // its top) or pays an enterprise that reached no level (0).
  if (p.subsidy) {
    const SubsidyRule& rule = *p.subsidy;
    const YamlNode* eligible = src.at({"subsidy", "eligible_level"});
    // Without a level of its own it takes target_level's, which is reported above.
    if ((rule.eligible_level < 1 || rule.eligible_level > top) &&
        (target_ok || eligible || src.file.empty()))
      out.push_back(src.error(no_level("subsidy eligible_level", rule.eligible_level),
                              "subsidy.eligible_level", eligible ? eligible : src.at({"subsidy"})));
    const YamlNode* tiers = src.at({"subsidy", "tiers"});
    for (std::size_t k = 1; k < rule.tiers.size(); ++k) {  // tiers[0]: the base, at eligible_level
      const int level = rule.tiers[k].level;
      if (level >= 1 && level <= top) continue;
      const YamlNode* tier = tiers && tiers->kind == Kind::sequence && k - 1 < tiers->items.size()
                                 ? &tiers->items[k - 1]
                                 : nullptr;
      const YamlNode* at = tier && tier->kind == Kind::map ? tier->find("level") : nullptr;
      out.push_back(src.error(no_level("subsidy tier level", level),
                              fmt::format("subsidy.tiers[{}].level", k - 1), at ? at : tier));
    }
  }
  for (std::size_t k = 0; k < p.acceptance.size(); ++k) {
    for (const auto& id : p.acceptance[k].evidence)
      if (!p.find_evidence(id))
        out.push_back(src.error(fmt::format("unknown evidence item '{}' (not in 'evidence')", id),
                                fmt::format("acceptance[{}].items", k), nullptr));
  }

  // Sums, in 64 bits: no count of ints can carry them past it.
  std::int64_t weights = 0;
  const SatisfactionItem* odd = nullptr;
  for (const auto& item : p.satisfaction) {
    weights += item.weight;
    if (!odd && (item.weight < 0 || item.weight > 100)) odd = &item;
  }
  const YamlNode* items = src.at({"satisfaction", "items"});
  if (weights != 100)
    out.push_back(
        src.error(fmt::format("the satisfaction weights sum to {}, expected 100", weights),
                  "satisfaction.items", items));
  else if (odd)
    out.push_back(src.error(
        fmt::format("satisfaction item '{}' has weight {}, outside 0–100", odd->id, odd->weight),
        "satisfaction.items", items));
  if (p.satisfaction_max <= p.satisfaction_min)
    out.push_back(src.error("the scale's max must be above its min", "satisfaction.scale",
                            src.at({"satisfaction", "scale"})));
  const ProviderRating& r = p.rating;
  auto hundred = [&](std::initializer_list<int> parts, std::string_view what,
                     std::string_view key) {
    std::int64_t sum = 0;
    bool in_range = true;
    for (int w : parts) {
      sum += w;
      in_range = in_range && w >= 0 && w <= 100;
    }
    if (sum != 100 || !in_range)
      out.push_back(src.error(fmt::format("the {} sum to {}, expected 100 (each 0–100)", what, sum),
                              fmt::format("provider_rating.{}", key),
                              src.at({"provider_rating", key})));
  };
  hundred({r.weight_performance, r.weight_satisfaction}, "weights", "weights");
  hundred({r.weight_pass_rate, r.weight_level_gain, r.weight_on_time}, "performance weights",
          "performance");
  if (r.full_level_gain.thousandths() <= 0)
    out.push_back(src.error("full_level_gain must be above 0", "provider_rating.full_level_gain",
                            src.at({"provider_rating", "full_level_gain"})));
  std::int64_t targets = 0;
  for (const auto& ind : p.industries) targets += ind.target;
  if (targets != p.total_target) {
    const YamlNode* at = src.at({"total_target"});
    out.push_back(src.error(fmt::format("total_target {} is not the sum of the industries' "
                                        "targets ({})",
                                        p.total_target, targets),
                            at ? "total_target" : "industries", at ? at : src.at({"industries"})));
  }
  std::stable_sort(out.begin(), out.end(), [](const Issue& a, const Issue& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
  return out;
}

}  // namespace smedx::detail
