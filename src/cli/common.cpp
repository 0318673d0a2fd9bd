#include "common.h"

#include <cstdio>
#include <filesystem>

#include "smedx/text.h"

namespace smedx::cli {

std::string shown(std::string_view path) { return escape_control(path); }

void add_threads_option(CLI::App* cmd, unsigned& threads) {
  cmd->add_option("--threads", threads,
                  "threads to use, the main one included (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
}

void add_encoding_option(CLI::App* cmd, std::string& encoding) {
  cmd->add_option("--encoding", encoding,
                  "text encoding of the inputs: auto (default: UTF-8, or GB18030 when the "
                  "bytes say so), utf-8 or gb18030")
      ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gb18030"}));
}

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
