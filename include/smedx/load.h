// Loading a rule set: read YAML, check it, and hand back the model with every problem found.
// Loading never throws for bad content; it collects issues. Ask ok() before using the rules.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/rules.h"

namespace smedx {

namespace detail {
struct LoadAccess;
}

// Bounds that keep a hostile rule set from exhausting memory or time.
struct LoadLimits {
  std::size_t max_file_bytes = 4u << 20;  // per YAML file
  std::size_t max_depth = 32;             // nesting of mappings and sequences
  std::size_t max_nodes = 200'000;        // YAML nodes per file, after expanding aliases
  std::size_t max_items = 1000;
  std::size_t max_scenarios = 1000;
  std::size_t max_rules = 10'000;  // consistency rules
};

class LoadResult {
 public:
  // True when no issue is an error (warnings and notes may remain).
  bool ok() const noexcept { return !has_errors(issues_); }
  const std::vector<Issue>& issues() const noexcept { return issues_; }
  // The rules as read. Throws RuleSetError when !ok(): a rule set with errors is not usable.
  const RuleSet& rules() const;
  // Where an element came from, by structural path ("dimensions[0].sub_indicators[1].max").
  std::optional<SourceEntry> source_of(std::string_view structural_path) const;
  // The folder or file that was loaded.
  const std::string& origin() const noexcept { return origin_; }

 private:
  friend struct detail::LoadAccess;
  std::string origin_;
  RuleSet rules_;
  std::vector<Issue> issues_;
  std::map<std::string, SourceEntry, std::less<>> sources_;
};

// Loads a rule set from a folder (every *.yaml but tests.yaml, merged) or from one YAML file.
LoadResult load_rules(const std::filesystem::path& folder_or_file, const LoadLimits& limits = {});

// Loads a rule set from YAML text; `name` stands for the file in diagnostics.
LoadResult load_rules_from_string(std::string_view yaml, std::string_view name = "<string>",
                                  const LoadLimits& limits = {});

// Loads a rule set from several (file name, YAML text) pairs, merged as a folder's files are.
LoadResult load_rules_from_sources(std::vector<std::pair<std::string, std::string>> files,
                                   std::string origin, const LoadLimits& limits = {});

}  // namespace smedx
