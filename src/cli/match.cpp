// smedx match: for each enterprise, the cheapest set of catalogue products that brings it to the
// target level. A door: run_match (smedx/match.h) does the work; this converts arguments.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.h"
#include "smedx/catalogue.h"
#include "smedx/data_path.h"
#include "smedx/diagnostics.h"
#include "smedx/match.h"
#include "smedx/output_files.h"

namespace smedx::cli {

namespace {

struct MatchCommandOptions {
  std::string rules;
  std::string catalogue;
  std::vector<std::string> inputs;
  std::string output;
  std::string matrix;
  std::string input_format;
  std::string missing = "error";
  std::optional<int> target;
  int years = 1;
  std::optional<std::int64_t> budget;
  int alternatives = 0;
  unsigned threads = 0;
  std::string encoding = "auto";
};

int match(const MatchCommandOptions& o) {
  std::vector<smedx::SurveySource> sources;
  Inputs read;
  read.add(o.rules);
  read.add(o.catalogue);
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
  for (const std::string* output : {&o.output, &o.matrix}) {
    if (output->empty()) continue;
    if (const auto problem = same_file_problem(*output, read)) {
      std::fprintf(stderr, "error: %s\n", problem->c_str());
      return 2;
    }
  }
  const auto loaded = load_or_report(o.rules);
  if (!loaded) return 2;
  const smedx::Engine engine(loaded->rules());
  // A folder, a file or an installed name (SMEDX_PATH, then the install data folders).
  const smedx::DataLookup found = smedx::find_data(o.catalogue, smedx::DataKind::catalogue);
  if (!found.found()) {
    std::fprintf(stderr, "error: %s: %s\n", shown(o.catalogue).c_str(), found.problem.c_str());
    return 2;
  }
  const smedx::CatalogueLoad cat = smedx::load_catalogue(*found.path, engine.rules());
  if (!cat.issues.empty()) std::fputs(smedx::format_issues(cat.issues).c_str(), stderr);
  if (!cat.ok()) return 2;

  smedx::MatchOptions options;
  options.target = o.target;
  options.years = o.years;
  options.budget = o.budget;
  options.alternatives = o.alternatives;
  options.batch.threads = o.threads;
  options.batch.encoding = *smedx::parse_text_encoding(o.encoding);
  options.batch.missing =
      o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
  std::optional<smedx::Matcher> matcher;
  try {
    matcher.emplace(engine, *cat.catalogue, options);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }

  // Written whole or not at all, as `score -o`; stdout as it comes.
  std::optional<AtomicFile> file;
  if (!o.output.empty()) file.emplace(o.output);
  std::ostream& out = file ? file->stream() : std::cout;
  const smedx::MatchRun run = smedx::run_match(*matcher, sources, &out);
  if (!o.matrix.empty()) {
    AtomicFile matrix(o.matrix);
    matrix.stream() << smedx::to_json(run.matrix, *matcher) << '\n';
    matrix.commit();
  }
  if (file) {
    file->commit();
  } else {
    out.flush();
    if (!out) {
      std::fprintf(stderr, "error: <stdout>: cannot write\n");
      return 2;
    }
  }
  const auto& x = run.matrix;
  std::fprintf(stderr,
               "%zu record%s in, %zu record%s out: %zu reach the target with products, %zu "
               "already there, %zu cannot with this catalogue, %zu with errors\n",
               run.records, run.records == 1 ? "" : "s", x.enterprises,
               x.enterprises == 1 ? "" : "s", x.reached, x.already,
               x.enterprises - x.reached - x.already - x.errors, x.errors);
  if (x.enterprises != run.records) {
    std::fprintf(stderr, "error: records in and out differ: this is a bug in smedx\n");
    return 2;
  }
  return x.errors ? 1 : 0;
}

}  // namespace

Command add_match(CLI::App& app) {
  auto o = std::make_shared<MatchCommandOptions>();
  auto* cmd = app.add_subcommand(
      "match", "match enterprises to catalogue products: the cheapest set that reaches the target");
  cmd->add_option("--rules", o->rules, "a rule-set folder")->required();
  cmd->add_option("--catalogue", o->catalogue, "a catalogue folder or catalogue.yaml")->required();
  cmd->add_option("inputs", o->inputs, "survey files (.jsonl, .csv, .json, .yaml)")->required();
  cmd->add_option("-o,--output", o->output,
                  "write the plans here instead of stdout (whole or not at all; never an input)");
  cmd->add_option("--matrix", o->matrix, "write the 产品矩阵 (cohort view) as JSON here");
  cmd->add_option("--target", o->target,
                  "target level (default: the rule set's diagnosis target, else 2)");
  cmd->add_option("--years", o->years, "years of annual fees counted in the cost (default 1)")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--budget", o->budget, "most a plan may cost, in 元")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 50));
  cmd->add_option("--alternatives", o->alternatives, "the next K plans after the best")
      ->check(CLI::Range(0, 100));
  add_survey_options(cmd, o->input_format, o->missing);
  add_threads_option(cmd, o->threads);
  add_encoding_option(cmd, o->encoding);
  return {cmd, [o] { return match(*o); }};
}

}  // namespace smedx::cli
