// An assessment's JSON object, for records that hold one (an enterprise's diagnosis file).
#pragma once

#include "common/json_writer.h"
#include "smedx/engine.h"

namespace smedx::detail {

// The bytes of to_json(Assessment), written into `w`.
void write_json(Writer& w, const Assessment& a);

}  // namespace smedx::detail
