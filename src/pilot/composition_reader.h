// Reads programme.yaml's `composition` section (smedx/composition.h). Not API.
#pragma once

#include <string>
#include <vector>

#include "smedx/composition.h"
#include "smedx/diagnostics.h"
#include "yaml/source_table.h"
#include "yaml/yaml_tree.h"

namespace smedx::detail {

void read_composition(const YamlNode& n, const Path& p, std::string file,
                      std::vector<Issue>& issues, int target_level, CompositionRule& out);

}  // namespace smedx::detail
