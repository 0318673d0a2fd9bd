// An assessment's JSON object, for records that hold one (an enterprise's diagnosis file).
#pragma once

#include "common/json_writer.h"
#include "smedx/diagnostics.h"
#include "smedx/engine.h"

namespace smedx::detail {

// The bytes of to_json(Assessment), written into `w`; warnings in `lang` (to_json: Chinese).
void write_json(Writer& w, const Assessment& a, Lang lang = Lang::zh);

}  // namespace smedx::detail
