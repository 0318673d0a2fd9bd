// Reads a survey from a YAML tree (a survey file, or one case of tests.yaml). Shape only:
// references and ranges are checked by check_survey().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "smedx/survey.h"
#include "yaml/yaml_tree.h"

namespace smedx::detail {

std::optional<Survey> read_survey(const YamlNode& node, const std::string& file,
                                  const std::string& path, std::vector<Issue>& issues);

}  // namespace smedx::detail
