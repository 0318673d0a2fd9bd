#include "smedx/columns.h"

#include "common/clip.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "rules/rule_reader.h"

namespace smedx {

namespace {

// The trend item of a `R1.before` or `R1.after` column (by id or code), and which figure.
const Item* figures_column(const RuleSet& rules, std::string_view name, TableColumn::Part& part) {
  for (auto [suffix, which] : {std::pair{std::string_view(".before"), TableColumn::Part::before},
                               std::pair{std::string_view(".after"), TableColumn::Part::after}}) {
    if (!name.ends_with(suffix)) continue;
    const Item* item = rules.find_item(name.substr(0, name.size() - suffix.size()));
    if (!item || item->kind != ItemKind::trend) return nullptr;
    part = which;
    return item;
  }
  return nullptr;
}

}  // namespace

TableColumns classify_columns(const std::vector<std::string>& names, const RuleSet& rules) {
  std::vector<std::string_view> known;
  for (const Item* item : rules.items()) {
    known.push_back(item->id);
    known.push_back(item->code);
  }
  for (const auto& s : rules.scenarios) {
    known.push_back(s.id);
    known.push_back(s.code);
  }
  // The enterprise fields a reader of the table interprets (the id; the industry, district and
  // target a diagnosis reads; the phase and date a pilot reads). A column one edit from one of
  // them is a typo that would silently pass through (an industry that falls to the default
  // profile, a pilot survey with no date), so it is an error too. One edit only, and only for
  // names of five letters or more: a pass-through column such as `date` or `names` stays one.
  static const std::vector<std::string_view> fields = {"enterprise_id", "industry", "district",
                                                       "target",        "phase",    "assessed_on"};
  TableColumns out;
  std::set<std::string> seen;
  bool has_id = false;
  for (const auto& raw : names) {
    std::string_view name = raw;
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    TableColumn col{TableColumn::Kind::field, std::string(name), std::string(name)};
    if (name == "enterprise_id") {
      col.kind = TableColumn::Kind::enterprise_id;
      has_id = true;
    } else if (const Item* item = rules.find_item(name)) {
      col.kind = TableColumn::Kind::item;
      col.id = item->id;
    } else if (const Item* trend = figures_column(rules, name, col.part)) {
      col.kind = TableColumn::Kind::item;
      col.id = trend->id;
    } else if (const Scenario* s = rules.find_scenario(name)) {
      col.kind = TableColumn::Kind::scenario;
      col.id = s->id;
    } else if (std::string hint = detail::nearest(name, known); !hint.empty()) {
      out.errors.push_back(
          fmt::format("unknown column '{}' (did you mean '{}'?)", detail::clip(name), hint));
    } else if (hint = name.size() >= 5 ? detail::nearest(name, fields, 1) : std::string();
               !hint.empty() && std::find(fields.begin(), fields.end(), name) == fields.end()) {
      out.errors.push_back(
          fmt::format("unknown column '{}' (did you mean '{}'?)", detail::clip(name), hint));
    }
    const char* part = col.part == TableColumn::Part::before  ? ".before"
                       : col.part == TableColumn::Part::after ? ".after"
                                                              : "";
    if (!seen.insert(col.id + part).second)
      out.errors.push_back(fmt::format("column '{}' appears twice", detail::clip(col.name)));
    out.columns.push_back(std::move(col));
  }
  if (!has_id) out.errors.push_back("no 'enterprise_id' column");
  return out;
}

}  // namespace smedx
