// Reads programme.yaml's `subsidy` section (smedx/subsidy_rule.h). Not API.
#pragma once

#include <string>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/subsidy_rule.h"
#include "yaml/source_table.h"
#include "yaml/yaml_tree.h"

namespace smedx::detail {

// Every problem a located issue in `issues`, as the rest of the programme's.
void read_subsidy(const YamlNode& n, const Path& p, std::string file, std::vector<Issue>& issues,
                  int target_level, SubsidyRule& out);

}  // namespace smedx::detail
