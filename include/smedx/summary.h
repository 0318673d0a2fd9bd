// A one-screen text summary of a rule set: dimensions and maxima, items, scenarios, the level
// rule. What `smedx lint` prints after a clean check.
#pragma once

#include <string>

#include "smedx/rules.h"

namespace smedx {

std::string summarize(const RuleSet& rules);

}  // namespace smedx
