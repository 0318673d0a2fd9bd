// The 改造需求清单's evaluation (smedx/pilot_needs.h). Not API.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "pilot/pilot_state.h"
#include "smedx/pilot_needs.h"

namespace smedx::detail {

// Null when the rule set has no diagnosis settings (nothing to diagnose with).
std::shared_ptr<const PilotNeeds> evaluate_needs(const Pilot::State& s);

// needs_json a chunk at a time, likewise.
void needs_json_chunks(const PilotNeeds& n, const std::function<void(std::string&)>& flush);

// needs_individual_csv a chunk at a time (about 1 MB each, the header first), each handed to
// `flush`, which may clear it: what the driver writes without holding the whole file.
void needs_individual_chunks(const PilotNeeds& n, CsvHeaders headers,
                             const std::function<void(std::string&)>& flush);

}  // namespace smedx::detail
