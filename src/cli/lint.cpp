// smedx lint: check a rule set and print its summary.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "common.h"
#include "smedx/data_path.h"
#include "smedx/load.h"
#include "smedx/output_files.h"
#include "smedx/summary.h"

namespace smedx::cli {

namespace {

int lint(const std::string& path, bool quiet) {
  const smedx::DataLookup found = smedx::find_data(path, smedx::DataKind::rule_set);
  if (!found.found()) {
    std::fprintf(stderr, "error: %s: %s\n", shown(path).c_str(), found.problem.c_str());
    return 2;
  }
  const smedx::LoadResult result = smedx::load_rules(*found.path);
  if (!result.issues().empty()) std::fputs(smedx::format_issues(result.issues()).c_str(), stderr);
  if (!result.ok()) return 1;
  if (!quiet) std::fputs(smedx::summarize(result.rules()).c_str(), stdout);
  return 0;
}

}  // namespace

Command add_lint(CLI::App& app) {
  struct Options {
    std::string rules_path;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("lint", "check a rule set and print its summary");
  cmd->add_option("rule-set", o->rules_path,
                  "a rule-set folder or YAML file, or an installed rule set's name (miit-2024)")
      ->required();
  cmd->add_flag("-q,--quiet", o->quiet, "print only problems, not the summary");
  return {cmd, [o] { return lint(o->rules_path, o->quiet); }};
}

}  // namespace smedx::cli
