// The 奖补 evaluation over a pilot's acceptance results (smedx/subsidy.h). Not API.
#pragma once

#include <memory>

#include "pilot/pilot_state.h"

namespace smedx::detail {

// Null when the programme has no subsidy rule or no 投入清单 was added.
std::shared_ptr<const SubsidyResult> evaluate_subsidy(const Pilot::State& s,
                                                      const std::vector<AcceptanceRecord>& acc);

}  // namespace smedx::detail
