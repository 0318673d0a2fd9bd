#include "smedx/load.h"

#include "smedx/data_path.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "common/sha256.h"
#include "rules/rule_reader.h"
#include "rules/validate.h"
#include "smedx/errors.h"
#include "yaml/source_line.h"
#include "yaml/yaml_file.h"
#include "yaml/yaml_tree.h"

namespace smedx {

namespace fs = std::filesystem;

const RuleSet& LoadResult::rules() const {
  if (!ok()) throw RuleSetError(issues_);
  return rules_;
}

std::optional<SourceEntry> LoadResult::source_of(std::string_view structural_path) const {
  auto it = sources_.find(structural_path);
  if (it == sources_.end()) return std::nullopt;
  return it->second;
}

namespace {

// Reads a file within the size limit; appends an issue and returns nothing otherwise.
std::optional<std::string> read_file(const fs::path& path, const std::string& shown,
                                     const LoadLimits& limits, std::vector<Issue>& issues) {
  return detail::read_yaml_file(path, shown, limits.max_file_bytes, issues);
}

// SHA-256 of a manifest of the rule set's files, so that anyone can recompute it with sha256sum
// (docs/provenance.md): one line per file, "<sha256 of its bytes>  <name>\n", in byte order of
// the names, which are relative to the rule-set folder ("items.yaml", "industries/x.yaml"; a
// lone file by its base name): what `sha256sum NAMES | sha256sum` hashes in that folder. The
// same rule set has the same hash wherever it is installed.
std::string content_hash(const std::vector<std::pair<std::string, std::string>>& files,
                         std::string_view origin) {
  std::string folder(origin);
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  folder += '/';
  std::vector<std::pair<std::string, const std::string*>> named;
  for (const auto& [name, text] : files) {
    std::string relative = name.starts_with(folder) ? name.substr(folder.size())
                           : name == origin         ? fs::path(name).filename().string()
                                                    : name;
    named.emplace_back(std::move(relative), &text);
  }
  std::sort(named.begin(), named.end());
  std::string manifest;
  for (const auto& [name, text] : named) manifest += detail::sha256_hex(*text) + "  " + name + "\n";
  return "sha256:" + detail::sha256_hex(manifest);
}

}  // namespace

namespace detail {
struct LoadAccess {
  static LoadResult load(const std::vector<std::pair<std::string, std::string>>& files,
                         std::string origin, const LoadLimits& limits, std::vector<Issue> early);
};

LoadResult LoadAccess::load(const std::vector<std::pair<std::string, std::string>>& files,
                            std::string origin, const LoadLimits& limits,
                            std::vector<Issue> early) {
  LoadResult result;
  result.origin_ = std::move(origin);
  auto& issues = result.issues_;
  issues = std::move(early);

  const detail::YamlLimits yaml_limits{limits.max_depth, limits.max_nodes};
  std::vector<detail::YamlNode> roots;
  roots.reserve(files.size());  // TopLevel keeps pointers into these
  std::vector<detail::TopLevel> tops;
  for (const auto& [name, text] : files) {
    if (text.size() > limits.max_file_bytes) {
      issues.push_back(Issue{Severity::error,
                             fmt::format("file too large: {} bytes (the limit is {})", text.size(),
                                         limits.max_file_bytes),
                             "", Location{name, 0, 0}, ""});
      continue;
    }
    auto root = detail::parse_yaml(text, name, yaml_limits, issues);
    if (!root) continue;
    if (root->kind == detail::YamlNode::Kind::null) continue;  // an empty file adds nothing
    if (root->kind != detail::YamlNode::Kind::map) {
      issues.push_back(
          Issue{Severity::error,
                fmt::format("expected a mapping of top-level keys, got {}", root->kind_name()), "",
                Location{name, root->line, root->column}, ""});
      continue;
    }
    roots.push_back(std::move(*root));
    for (const auto& [k, v] : roots.back().entries) tops.push_back({&k, &v, name});
  }
  if (!has_errors(issues)) {
    detail::read_rule_set(tops, result.origin_, limits, result.rules_, result.sources_, issues);
  }
  // Meaning is checked only on a rule set whose shape is right: a missing or mistyped value
  // would otherwise show up again as a wrong sum or a failed reference.
  if (!has_errors(issues)) detail::validate(result.rules_, result.sources_, issues);
  result.rules_.content_hash = content_hash(files, result.origin_);

  for (const auto& [name, text] : files) detail::attach_source_lines(issues, name, text);
  detail::sort_issues(issues);
  return result;
}
}  // namespace detail

LoadResult load_rules_from_sources(std::vector<std::pair<std::string, std::string>> files,
                                   std::string origin, const LoadLimits& limits) {
  return detail::LoadAccess::load(files, std::move(origin), limits, {});
}

LoadResult load_rules_from_string(std::string_view yaml, std::string_view name,
                                  const LoadLimits& limits) {
  return load_rules_from_sources({{std::string(name), std::string(yaml)}}, std::string(name),
                                 limits);
}

LoadResult load_rules(const fs::path& folder_or_file, const LoadLimits& limits) {
  const std::string origin = folder_or_file.generic_string();
  // A name ("miit-2024") is looked up in the search path (smedx/data_path.h); a path is itself.
  if (std::error_code missing; !fs::exists(folder_or_file, missing) && is_data_name(origin)) {
    const DataLookup found = find_data(origin, DataKind::rule_set);
    if (found.found()) return load_rules(*found.path, limits);
    return detail::LoadAccess::load(
        {}, origin, limits,
        {Issue{Severity::error, found.problem, "", Location{origin, 0, 0}, ""}});
  }
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<Issue> early;
  std::error_code ec;
  if (fs::is_directory(folder_or_file, ec)) {
    std::vector<fs::path> names;
    for (const auto& entry : fs::directory_iterator(folder_or_file, ec)) {
      const fs::path& p = entry.path();
      if (entry.is_regular_file() && p.extension() == ".yaml" && p.filename() != "tests.yaml")
        names.push_back(p);
    }
    std::sort(names.begin(), names.end());
    // Industry profiles: one file each in industries/, read after the rule set's own files.
    const fs::path industries = folder_or_file / "industries";
    if (fs::is_directory(industries, ec)) {
      std::vector<fs::path> profiles;
      for (const auto& entry : fs::directory_iterator(industries, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml")
          profiles.push_back(entry.path());
      std::sort(profiles.begin(), profiles.end());
      const bool had_own_files = !names.empty();
      names.insert(names.end(), profiles.begin(), profiles.end());
      if (!had_own_files) names.clear();
    }
    if (names.empty()) {
      early.push_back(Issue{Severity::error, "no rule-set files (*.yaml) in this folder", "",
                            Location{origin, 0, 0}, ""});
    }
    for (const auto& p : names) {
      const std::string shown = p.generic_string();
      if (auto text = read_file(p, shown, limits, early))
        files.emplace_back(shown, std::move(*text));
    }
  } else if (fs::exists(folder_or_file, ec)) {
    if (auto text = read_file(folder_or_file, origin, limits, early))
      files.emplace_back(origin, std::move(*text));
  } else {
    early.push_back(
        Issue{Severity::error, "no such file or folder", "", Location{origin, 0, 0}, ""});
  }
  return detail::LoadAccess::load(files, origin, limits, std::move(early));
}

}  // namespace smedx
