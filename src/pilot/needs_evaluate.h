// The 改造需求清单's evaluation (smedx/pilot_needs.h). Not API.
#pragma once

#include <memory>

#include "pilot/pilot_state.h"
#include "smedx/pilot_needs.h"

namespace smedx::detail {

// Null when the rule set has no diagnosis settings (nothing to diagnose with).
std::shared_ptr<const PilotNeeds> evaluate_needs(const Pilot::State& s);

}  // namespace smedx::detail
