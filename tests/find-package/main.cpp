// Loads a rule set through an installed smedx; exits 0 when it is clean.
#include <smedx/load.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const smedx::LoadResult result = smedx::load_rules(argv[1]);
  if (!result.ok()) {
    std::fputs(smedx::format_issues(result.issues()).c_str(), stderr);
    return 1;
  }
  std::printf("%s: %zu items, %zu scenarios\n", result.rules().meta.id.c_str(),
              result.rules().items().size(), result.rules().scenarios.size());
  return 0;
}
