// The 产品矩阵 and product rating of a pilot with a catalogue (smedx/pilot_products.h). Not API.
#pragma once

#include <memory>
#include <vector>

#include "pilot/pilot_state.h"
#include "smedx/pilot_products.h"

namespace smedx::detail {

// Null when no catalogue was set.
std::shared_ptr<const PilotProducts> evaluate_products(const Pilot::State& s,
                                                       const std::vector<AcceptanceRecord>& acc);

}  // namespace smedx::detail
