#include "common.h"

#include <cstdio>
#include <filesystem>

#include "smedx/data_path.h"
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

void add_survey_options(CLI::App* cmd, std::string& input_format, std::string& missing) {
  cmd->add_option("--input-format", input_format, "jsonl, csv, json or yaml")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  cmd->add_option("--missing", missing, "error (default) or zero")
      ->check(CLI::IsMember({"error", "zero"}));
}

std::optional<smedx::LoadResult> load_or_report(const std::string& path) {
  const smedx::DataLookup found = smedx::find_data(path, smedx::DataKind::rule_set);
  if (!found.found()) {
    std::fprintf(stderr, "error: %s: %s\n", shown(path).c_str(), found.problem.c_str());
    return std::nullopt;
  }
  smedx::LoadResult loaded = smedx::load_rules(*found.path);
  if (!loaded.issues().empty()) std::fputs(smedx::format_issues(loaded.issues()).c_str(), stderr);
  if (!loaded.ok()) return std::nullopt;
  return loaded;
}

}  // namespace smedx::cli
