// Reads the YAML tree of a rule set into the model, checking shape: required and unknown keys,
// types, exact numbers, duplicate ids. Meaning (sums, bands, level rule) is for validate.h.
#pragma once

#include <string>
#include <vector>

#include "common/did_you_mean.h"  // nearest(), which survey/ still reaches through this header
#include "smedx/load.h"
#include "smedx/rules.h"
#include "yaml/source_table.h"
#include "yaml/yaml_tree.h"

namespace smedx::detail {

// One top-level key of a rule set and the file it came from.
struct TopLevel {
  const YamlNode* key;
  const YamlNode* value;
  std::string file;
};

void read_rule_set(const std::vector<TopLevel>& tops, const std::string& origin,
                   const LoadLimits& limits, RuleSet& out, SourceTable& sources,
                   std::vector<Issue>& issues);

}  // namespace smedx::detail
