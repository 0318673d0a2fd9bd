// The diagnose driver: what `smedx diagnose` and the Python entries each did around the cohort
// driver — the checks of the request, the files opened as sources, the folder opened, the empty
// cohort refused, the commit — done once, so every door says and writes the same.
#include "smedx/diagnose_run.h"

#include <fmt/format.h>

#include <span>
#include <stdexcept>
#include <utility>

#include "smedx/output_files.h"
#include "smedx/report.h"
#include "smedx/text.h"

namespace smedx {

namespace fs = std::filesystem;

namespace {

// A calendar date written YYYY-MM-DD (the page prints it as given).
bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t k : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[k] < '0' || s[k] > '9') return false;
  auto at = [&](std::size_t k, std::size_t n) {
    int v = 0;
    for (std::size_t i = k; i < k + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int y = at(0, 4), m = at(5, 2), d = at(8, 2);
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int days[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return d <= days[m - 1];
}

}  // namespace

DiagnoseRun run_diagnose(const DiagnoseRequest& r) {
  DiagnoseRun out;
  auto usage = [&](std::string problem) {
    out.stop = DiagnoseRun::Stop::usage;
    out.problem = std::move(problem);
    return std::move(out);
  };
  if (!r.rules) return usage("no rule set to diagnose with");
  const Engine& engine = *r.rules;
  if (!engine.rules().diagnosis.present)
    return usage(r.rules_name.empty()
                     ? std::string("the rule set has no diagnosis settings")
                     : escape_control(r.rules_name) + ": the rule set has no diagnosis settings");
  std::optional<CohortDiagnoser> diagnoser;
  try {
    diagnoser.emplace(engine, r.target);
  } catch (const std::invalid_argument& e) {  // a target level the rule set does not have
    return usage(e.what());
  }
  out.cohort_target = diagnoser->cohort_target();
  CohortOptions options;
  if (!r.threshold.empty()) {
    options.threshold = parse_common_threshold(r.threshold);
    if (!options.threshold)
      return usage(fmt::format(
          "{} takes a share above 0 and at most 1 with at most 3 decimals (0.5, 0.667), got '{}'",
          r.threshold_name, escape_control(r.threshold)));
  }
  if (!r.signing.diagnosed_on.empty() && !is_date(r.signing.diagnosed_on))
    return usage(fmt::format("the diagnosis date must be a date YYYY-MM-DD, got '{}'",
                             escape_control(r.signing.diagnosed_on)));
  std::vector<SurveySource> sources;
  Inputs read;
  if (!r.rules_origin.empty()) read.add(r.rules_origin);
  for (const auto& f : r.other_inputs) read.add(f);
  if (!r.coded) {
    if (r.need_files && r.files.empty())
      return usage("diagnose needs input files (it reads them twice)");
    std::optional<InputFormat> given;
    if (!r.input_format.empty()) {
      given = parse_input_format(r.input_format);
      if (!given)
        return usage(fmt::format("the input format must be jsonl, csv, json or yaml, got '{}'",
                                 escape_control(r.input_format)));
    }
    for (const auto& file : r.files) {
      const auto f = given ? given : input_format_for(file);
      if (!f || !fs::is_regular_file(file))
        return usage(
            fmt::format("{}: {}", escape_control(file),
                        f ? "no such file" : "cannot tell the input format from the name"));
      sources.push_back(SurveySource::file(file, *f));
      read.add(file);
    }
    sources.insert(sources.end(), r.sources.begin(), r.sources.end());
  }
  // Files are written into a fresh folder inside the output folder and moved into place only
  // when the whole diagnosis is written: a run that fails leaves the earlier files as they were.
  std::unique_ptr<OutputFolder> folder;
  if (!r.output.empty()) {
    std::string problem;
    folder = OutputFolder::open(r.output, r.force, read, problem, "diagnose");
    if (!folder) return usage(std::move(problem));
  }
  options.by_district = r.by_district;
  options.batch = r.batch;
  options.keep = r.keep;
  options.signing = r.signing;
  options.section = r.section;

  CohortRun run =
      r.coded ? diagnoser->run(std::span<const CodedSurvey>(*r.coded), options, folder.get())
              : diagnoser->run(sources, options, folder.get());
  if (folder) {
    // An empty cohort leaves no folder behind.
    if (run.diagnosed == 0) {
      out.stop = DiagnoseRun::Stop::empty;
      out.problem = "the inputs hold no surveys: the cohort is empty";
      return out;
    }
    folder->commit();
  }
  out.run.emplace(std::move(run));
  return out;
}

SurveyDiagnosis diagnose_survey(const Engine& engine, std::string text, InputFormat format,
                                std::optional<int> target, bool html, MissingPolicy missing,
                                const DiagnosisSigning& signing) {
  SurveyDiagnosis out;
  // Shared ownership for the request only: the engine stays the caller's.
  DiagnoseRequest r;
  r.rules = std::shared_ptr<const Engine>(&engine, [](const Engine*) {});
  r.sources.push_back(SurveySource::text(std::move(text), "<survey>", format));
  r.target = target;
  r.batch.threads = 1;  // one survey: the calling thread
  r.batch.missing = missing;
  r.signing = signing;  // checked by the driver
  const DiagnoseRun run = run_diagnose(r);
  if (!run.ok()) {
    out.problem = run.problem;
    return out;
  }
  if (run.run->diagnoses.size() != 1) {
    out.problem = fmt::format("the text holds {} surveys: one expected", run.run->diagnoses.size());
    return out;
  }
  const Diagnosis& d = run.run->diagnoses.front();
  out.survey_errors = run.run->errors != 0;
  out.json = to_json(d);
  if (html) out.html = enterprise_html(d, engine.rules(), signing);
  return out;
}

}  // namespace smedx
