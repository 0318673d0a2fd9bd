#include "smedx/rules.h"

#include <algorithm>

namespace smedx {

std::string_view to_string(ItemKind k) noexcept {
  switch (k) {
    case ItemKind::single:
      return "single";
    case ItemKind::multi:
      return "multi";
    case ItemKind::band:
      return "band";
    case ItemKind::trend:
      return "trend";
  }
  return "single";
}

std::string_view to_string(Trend t) noexcept {
  switch (t) {
    case Trend::decrease:
      return "decrease";
    case Trend::flat:
      return "flat";
    case Trend::increase:
      return "increase";
  }
  return "flat";
}

std::string_view to_string(Better b) noexcept { return b == Better::lower ? "lower" : "higher"; }

const Option* Item::find_option(char letter) const noexcept {
  for (const auto& o : options)
    if (o.letter == letter) return &o;
  return nullptr;
}

const Item* RuleSet::find_item(std::string_view id_or_code) const noexcept {
  for (const auto& d : dimensions)
    for (const auto& s : d.sub_indicators)
      for (const auto& i : s.items)
        if (i.id == id_or_code || i.code == id_or_code) return &i;
  return nullptr;
}

const Scenario* RuleSet::find_scenario(std::string_view id_or_code) const noexcept {
  for (const auto& s : scenarios)
    if (s.id == id_or_code || s.code == id_or_code) return &s;
  return nullptr;
}

const IndustryProfile* RuleSet::find_profile(std::string_view id) const noexcept {
  for (const auto& p : profiles)
    if (p.id == id) return &p;
  // An enterprise writes its industry as the profile's Chinese name (特色化工新材料制造) as
  // often as its id.
  for (const auto& p : profiles)
    if (!id.empty() && p.zh == id) return &p;
  return nullptr;
}

std::vector<const Item*> RuleSet::items() const {
  std::vector<const Item*> out;
  for (const auto& d : dimensions)
    for (const auto& s : d.sub_indicators)
      for (const auto& i : s.items) out.push_back(&i);
  return out;
}

Decimal RuleSet::max_points() const noexcept {
  Decimal total;
  for (const auto& d : dimensions) total += d.max;
  return total;
}

int RuleSet::constraint_count() const noexcept {
  return static_cast<int>(std::count_if(scenarios.begin(), scenarios.end(),
                                        [](const Scenario& s) { return s.constraint; }));
}

}  // namespace smedx
