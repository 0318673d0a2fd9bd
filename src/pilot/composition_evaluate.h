// The composition evaluation (smedx/composition.h). Not API.
#pragma once

#include <memory>

#include "pilot/pilot_state.h"

namespace smedx::detail {

// Null when the programme has no composition section.
std::shared_ptr<const CompositionResult> evaluate_composition(
    const Pilot::State& s, const std::vector<AcceptanceRecord>& acc, Date as_of);

}  // namespace smedx::detail
