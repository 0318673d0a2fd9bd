// Whether a level can be a diagnosis target, said one way wherever a target is checked: the
// cohort driver refuses a caller's target with it ("target level 9 does not exist: …"), and a
// path explains with it why a survey's own target (enterprise.target) cannot be reached.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>

#include "smedx/rules.h"

namespace smedx::detail {

// "level 9 does not exist: the levels are 1–4", or nothing when `level` is one of the levels.
inline std::optional<std::string> missing_level(const RuleSet& rules, int level) {
  const int top = rules.level_rule.top_level();
  if (level >= 1 && level <= top) return std::nullopt;
  return fmt::format("level {} does not exist: the levels are 1–{}", level, top);
}

}  // namespace smedx::detail
