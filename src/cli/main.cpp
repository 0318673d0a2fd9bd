// The smedx command: lint rule sets, score and diagnose surveys. Each subcommand lives in its
// own file in src/cli/. Exit codes: 0 clean, 1 problems found in the input, 2 usage errors.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "common.h"
#include "smedx/text.h"

int main(int argc, char** argv) {
  // A file size limit (ulimit -f) makes a write fail, so the output is abandoned whole and the
  // reason printed (docs/guarantees.md), instead of the process being killed mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"smedx: assess the digital maturity of SMEs against the national indicators"};
  app.set_version_flag("--version", std::string("smedx ") + SMEDX_VERSION);
  app.require_subcommand(1);
  const std::vector<smedx::cli::Command> commands = {
      smedx::cli::add_lint(app),  smedx::cli::add_score(app), smedx::cli::add_diagnose(app),
      smedx::cli::add_pilot(app), smedx::cli::add_match(app),
#ifdef SMEDX_SERVE  // built when Debian's cpp-httplib is there (CMakeLists.txt)
      smedx::cli::add_serve(app),
#endif
  };

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
  try {
    for (const auto& c : commands)
      if (*c.app) return c.run();
  } catch (const std::exception& e) {  // a file system error, out of memory: say so, exit 2
    std::fprintf(stderr, "error: %s\n", smedx::escape_control(e.what()).c_str());
    return 2;
  }
  return 2;
}
