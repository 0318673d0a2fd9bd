// smedx lint: check a rule set or a catalogue and print its summary.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "common.h"
#include "smedx/catalogue.h"
#include "smedx/load.h"
#include "smedx/output_files.h"
#include "smedx/summary.h"

namespace smedx::cli {

namespace {

int lint_catalogue(const std::string& path, const std::string& rules_path, bool quiet) {
  const smedx::CatalogueLint result = smedx::lint_catalogue(path, rules_path);
  if (!result.issues.empty()) std::fputs(smedx::format_issues(result.issues).c_str(), stderr);
  if (!result.ok()) return 1;
  if (!quiet) std::fputs(result.summary.c_str(), stdout);
  return 0;
}

int lint(const std::string& path, const std::string& rules_path, bool quiet) {
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "error: %s: no such file or folder\n", shown(path).c_str());
    return 2;
  }
  if (smedx::is_catalogue_path(path)) return lint_catalogue(path, rules_path, quiet);
  if (!rules_path.empty()) {
    std::fprintf(stderr, "error: --rules applies to a catalogue, and %s is not one\n",
                 shown(path).c_str());
    return 2;
  }
  const smedx::LoadResult result = smedx::load_rules(path);
  if (!result.issues().empty()) std::fputs(smedx::format_issues(result.issues()).c_str(), stderr);
  if (!result.ok()) return 1;
  if (!quiet) std::fputs(smedx::summarize(result.rules()).c_str(), stdout);
  return 0;
}

}  // namespace

Command add_lint(CLI::App& app) {
  struct Options {
    std::string rules_path;
    std::string catalogue_rules;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("lint", "check a rule set or a catalogue and print its summary");
  cmd->add_option("rule-set", o->rules_path,
                  "a rule-set folder or YAML file, or a catalogue (catalogues/<id>/ or its "
                  "catalogue.yaml)")
      ->required();
  cmd->add_option("--rules", o->catalogue_rules,
                  "for a catalogue: the rule set to check it against (default: the one its "
                  "rule_set names, found beside it under indicators/)");
  cmd->add_flag("-q,--quiet", o->quiet, "print only problems, not the summary");
  return {cmd, [o] { return lint(o->rules_path, o->catalogue_rules, o->quiet); }};
}

}  // namespace smedx::cli
