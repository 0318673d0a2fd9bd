// smedx diagnose: paths to a target level, 个性/共性 requirements and one file per enterprise.
// A door: the diagnose driver (smedx/diagnose_run.h) does the work and writes the files.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.h"
#include "smedx/catalogue.h"
#include "smedx/data_path.h"
#include "smedx/diagnose_run.h"
#include "smedx/diagnostics.h"
#include "smedx/engine.h"
#include "smedx/match.h"

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
  std::string diagnosed_on, organisation, diagnostician;
  std::string catalogue;  // the 改造方案 from this catalogue, as `smedx match` finds it
  int years = 1;
  std::optional<std::int64_t> budget;
};

int diagnose(const DiagnoseOptions& o) {
  auto loaded = load_or_report(o.rules);
  if (!loaded) return 2;
  smedx::DiagnoseRequest r;
  r.rules = std::make_shared<const smedx::Engine>(loaded->rules());
  r.rules_origin = loaded->origin();
  r.rules_name = o.rules;
  r.files = o.inputs;
  r.input_format = o.input_format;
  r.need_files = true;
  r.target = o.target;
  r.threshold = o.threshold;
  r.threshold_name = "--threshold";
  r.by_district = o.by_district;
  r.batch.threads = o.threads;
  r.batch.encoding = *smedx::parse_text_encoding(o.encoding);
  r.batch.missing = o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
  r.keep = false;  // the files are written as the diagnoses are made: memory stays flat
  r.output = o.output;
  r.force = o.force;
  r.signing = {o.diagnosed_on, o.organisation, o.diagnostician};
  // Kept until the run is done: the plan section refers to it.
  std::optional<smedx::CatalogueLoad> cat;
  if (!o.catalogue.empty()) {
    // A folder, a file or an installed name, as for `smedx match`.
    const smedx::DataLookup found = smedx::find_data(o.catalogue, smedx::DataKind::catalogue);
    if (!found.found()) {
      std::fprintf(stderr, "error: %s: %s\n", shown(o.catalogue).c_str(), found.problem.c_str());
      return 2;
    }
    cat = smedx::load_catalogue(*found.path, loaded->rules());
    r.other_inputs.push_back(found.path->string());
    if (!cat->issues.empty()) std::fputs(smedx::format_issues(cat->issues).c_str(), stderr);
    if (!cat->ok()) return 2;
    smedx::MatchOptions options;
    options.years = o.years;
    options.budget = o.budget;
    try {
      r.section = smedx::make_plan_section(*r.rules, *cat->catalogue, options);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 2;
    }
  }
  const smedx::DiagnoseRun done = smedx::run_diagnose(r);
  if (!done.ok()) {
    std::fprintf(stderr, "error: %s\n", done.problem.c_str());
    return done.stop == smedx::DiagnoseRun::Stop::empty ? 1 : 2;
  }
  const smedx::CohortRun& run = *done.run;
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
  cmd->add_option("--rules", o->rules,
                  "a rule-set folder, or an installed rule set's name (miit-2024)")
      ->required();
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
  cmd->add_option("--diagnosed-on", o->diagnosed_on,
                  "the diagnosis date on each page, YYYY-MM-DD (default: the survey's "
                  "assessed_on, else a blank to fill in)");
  cmd->add_option("--organisation", o->organisation,
                  "the diagnosing organisation (诊断机构) on each page (default: a blank)");
  cmd->add_option("--diagnostician", o->diagnostician,
                  "the diagnostician (诊断人) on each page (default: a blank)");
  cmd->add_option("--catalogue", o->catalogue,
                  "a catalogue folder or catalogue.yaml: each enterprise's files gain its "
                  "cheapest 改造方案 (as smedx match finds it)");
  cmd->add_option("--years", o->years,
                  "with --catalogue: years of annual fees counted in the cost (default 1)")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--budget", o->budget, "with --catalogue: most a plan may cost, in 元")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 50));
  add_survey_options(cmd, o->input_format, o->missing);
  add_threads_option(cmd, o->threads);
  add_encoding_option(cmd, o->encoding);

  return {cmd, [o] { return diagnose(*o); }};
}

}  // namespace smedx::cli
