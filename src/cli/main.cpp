// The smedx command: lint rule sets (and, as they arrive, score and diagnose surveys).
// Exit codes: 0 clean, 1 problems found in the input, 2 usage errors.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include "smedx/load.h"
#include "smedx/summary.h"

namespace {

int lint(const std::string& path, bool quiet) {
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "error: %s: no such file or folder\n", path.c_str());
    return 2;
  }
  const smedx::LoadResult result = smedx::load_rules(path);
  if (!result.issues().empty()) std::fputs(smedx::format_issues(result.issues()).c_str(), stderr);
  if (!result.ok()) return 1;
  if (!quiet) std::fputs(smedx::summarize(result.rules()).c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"smedx: assess the digital maturity of SMEs against the national indicators"};
  app.set_version_flag("--version", std::string("smedx ") + SMEDX_VERSION);
  app.require_subcommand(1);

  std::string rules_path;
  bool quiet = false;
  auto* lint_cmd = app.add_subcommand("lint", "check a rule set and print its summary");
  lint_cmd->add_option("rule-set", rules_path, "a rule-set folder or YAML file")->required();
  lint_cmd->add_flag("-q,--quiet", quiet, "print only problems, not the summary");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (*lint_cmd) return lint(rules_path, quiet);
  return 2;
}
