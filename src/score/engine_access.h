// The engine's compiled lookups (the rule index its coder uses), for the batch reader, the
// columnar scorer and the diagnosis, which code surveys the way the engine does.
#pragma once

#include "smedx/engine.h"
#include "survey/survey_coder.h"

namespace smedx::detail {

struct EngineAccess {
  static const RuleIndex& index(const Engine& engine) noexcept;
};

}  // namespace smedx::detail
