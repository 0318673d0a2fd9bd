// The project-stage evaluation (smedx/projects.h). Not API.
#pragma once

#include <memory>

#include "pilot/pilot_state.h"

namespace smedx::detail {

// Null when the programme lists no milestones or no projects table was added.
std::shared_ptr<const ProjectsResult> evaluate_projects(const Pilot::State& s, Date as_of);

}  // namespace smedx::detail
