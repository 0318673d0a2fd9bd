#include "common.h"

#include <cstdio>
#include <filesystem>

#include "smedx/text.h"

namespace smedx::cli {

std::string shown(std::string_view path) { return escape_control(path); }

std::optional<smedx::LoadResult> load_or_report(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "error: %s: no such file or folder\n", shown(path).c_str());
    return std::nullopt;
  }
  smedx::LoadResult loaded = smedx::load_rules(path);
  if (!loaded.issues().empty()) std::fputs(smedx::format_issues(loaded.issues()).c_str(), stderr);
  if (!loaded.ok()) return std::nullopt;
  return loaded;
}

}  // namespace smedx::cli
