// smedx diagnose: paths to a target level, 个性/共性 requirements and one file per enterprise.
// A door: the cohort driver (smedx/diagnose_cohort.h) does the work and writes the files.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.h"
#include "smedx/diagnose_cohort.h"
#include "smedx/engine.h"
#include "smedx/output_files.h"

namespace smedx::cli {

namespace {

struct DiagnoseOptions {
  std::string rules;
  std::vector<std::string> inputs;
  std::string output;
  std::string input_format;
  std::string missing = "error";
  std::optional<int> target;  // none: the survey's, the profile's or the rule set's
  std::string threshold;
  bool by_district = false;
  bool force = false;
  unsigned threads = 0;
  std::string encoding = "auto";
};

int diagnose(const DiagnoseOptions& o) {
  const auto loaded = load_or_report(o.rules);
  if (!loaded) return 2;
  const smedx::Engine engine(loaded->rules());
  if (!engine.rules().diagnosis.present) {
    std::fprintf(stderr, "error: %s: the rule set has no diagnosis settings\n",
                 shown(o.rules).c_str());
    return 2;
  }
  std::optional<smedx::CohortDiagnoser> diagnoser;
  try {
    diagnoser.emplace(engine, o.target);
  } catch (const std::invalid_argument& e) {  // a target level the rule set does not have
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  smedx::CohortOptions options;
  if (!o.threshold.empty()) {
    options.threshold = smedx::parse_common_threshold(o.threshold);
    if (!options.threshold) {
      std::fprintf(stderr,
                   "error: --threshold takes a share above 0 and at most 1 with at most 3 "
                   "decimals (0.5, 0.667), got '%s'\n",
                   shown(o.threshold).c_str());
      return 2;
    }
  }
  if (o.inputs.empty()) {
    std::fprintf(stderr, "error: diagnose needs input files (it reads them twice)\n");
    return 2;
  }
  std::vector<smedx::SurveySource> sources;
  Inputs read;
  read.add(o.rules);
  for (const auto& input : o.inputs) {
    auto f = o.input_format.empty() ? smedx::input_format_for(input)
                                    : smedx::parse_input_format(o.input_format);
    if (!f || !std::filesystem::is_regular_file(input)) {
      std::fprintf(stderr, "error: %s: %s\n", shown(input).c_str(),
                   f ? "no such file" : "cannot tell the input format from the name");
      return 2;
    }
    sources.push_back(smedx::SurveySource::file(input, *f));
    read.add(input);
  }
  // Files are written into a fresh folder inside the output folder and moved into place only
  // when the whole diagnosis is written: a run that fails leaves the earlier files as they were.
  std::string problem;
  const auto folder = OutputFolder::open(o.output, o.force, read, problem, "diagnose");
  if (!folder) {
    std::fprintf(stderr, "error: %s\n", problem.c_str());
    return 2;
  }
  options.by_district = o.by_district;
  options.batch.threads = o.threads;
  options.batch.encoding = *smedx::parse_text_encoding(o.encoding);
  options.batch.missing =
      o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
  options.keep = false;  // the files are written as the diagnoses are made: memory stays flat

  const smedx::CohortRun run = diagnoser->run(sources, options, folder.get());
  if (run.diagnosed == 0) {
    std::fprintf(stderr, "error: the inputs hold no surveys: the cohort is empty\n");
    return 1;
  }
  folder->commit();
  std::printf(
      "%zu record%s in, %zu record%s out: %zu enterprise%s diagnosed (%zu with survey errors), "
      "%zu already at their target; enterprise files, index.tsv, cohort.json and cohort.html in "
      "%s\n",
      run.records, run.records == 1 ? "" : "s", run.diagnosed, run.diagnosed == 1 ? "" : "s",
      run.diagnosed, run.diagnosed == 1 ? "" : "s", run.errors, run.reached,
      shown(o.output).c_str());
  return run.errors ? 1 : 0;
}

}  // namespace

Command add_diagnose(CLI::App& app) {
  auto o = std::make_shared<DiagnoseOptions>();
  auto* cmd = app.add_subcommand(
      "diagnose", "diagnose surveys: paths to a target level, 个性/共性 requirements, files");
  cmd->add_option("--rules", o->rules, "a rule-set folder")->required();
  cmd->add_option("inputs", o->inputs, "survey files (.jsonl, .csv, .json, .yaml)")->required();
  cmd->add_option("-o,--output", o->output,
                  "folder for the files: new, empty, or written by smedx before")
      ->required();
  cmd->add_option("--target", o->target,
                  "target level (default: the industry profile's, else the rule set's)");
  cmd->add_option("--threshold", o->threshold,
                  "share of a group that makes a requirement common (default: the rule "
                  "set's)");
  cmd->add_flag("--by-district", o->by_district,
                "group by industry and district, not industry alone");
  cmd->add_flag("--force", o->force,
                "write into a folder that holds files smedx did not write (they are kept; "
                "same-named files are replaced)");
  cmd->add_option("--input-format", o->input_format, "jsonl, csv, json or yaml")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  cmd->add_option("--missing", o->missing, "error (default) or zero")
      ->check(CLI::IsMember({"error", "zero"}));
  add_threads_option(cmd, o->threads);
  add_encoding_option(cmd, o->encoding);

  return {cmd, [o] { return diagnose(*o); }};
}

}  // namespace smedx::cli
