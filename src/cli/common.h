// What the smedx subcommands share: each file in src/cli/ adds one subcommand to the app and
// returns how to run it once the command line has been parsed.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "smedx/load.h"

namespace smedx::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // the exit code: 0 clean, 1 problems in the input, 2 usage errors
};

Command add_lint(CLI::App& app);
Command add_score(CLI::App& app);
Command add_diagnose(CLI::App& app);
Command add_pilot(CLI::App& app);
Command add_serve(CLI::App& app);
Command add_match(CLI::App& app);

// The options score and diagnose share, worded once: --threads (1 to 1024; unset: every core)
// and --encoding (auto, utf-8, gb18030).
void add_threads_option(CLI::App* cmd, unsigned& threads);
void add_encoding_option(CLI::App* cmd, std::string& encoding);
// The survey-reading options diagnose and match share: --input-format (jsonl, csv, json, yaml;
// unset: from each file's name) and --missing (error or zero).
void add_survey_options(CLI::App* cmd, std::string& input_format, std::string& missing);

// A command line's path shown in a message: control characters escaped.
std::string shown(std::string_view path);

// Loads a rule set for a command, printing its diagnostics; nothing when it cannot be used.
std::optional<LoadResult> load_or_report(const std::string& path);

}  // namespace smedx::cli
