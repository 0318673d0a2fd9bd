// Reads programme.yaml's `stages` section (smedx/projects.h). Not API.
#pragma once

#include <string>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/projects.h"
#include "yaml/source_table.h"
#include "yaml/yaml_tree.h"

namespace smedx::detail {

void read_stages(const YamlNode& n, const Path& p, std::string file, std::vector<Issue>& issues,
                 StageRule& out);

}  // namespace smedx::detail
