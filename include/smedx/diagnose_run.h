// The diagnose job's one driver, which every door calls (`smedx diagnose`, Python's
// smedx.diagnose, the HTTP and C doors): the arguments checked, the survey files opened as
// sources, the cohort diagnosed (diagnose_cohort.h) and, when asked, the output folder opened,
// written and committed. The doors only convert arguments into a DiagnoseRequest and a
// DiagnoseRun into output, so they say the same things and write the same bytes.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnose_cohort.h"
#include "smedx/engine.h"
#include "smedx/input.h"

namespace smedx {

struct DiagnoseRequest {
  // The rule set, loaded (the door reports its diagnostics); `rules_origin`
  // (LoadResult::origin()) is an input the output folder must not hold.
  std::shared_ptr<const Engine> rules;
  std::string rules_origin;
  std::string rules_name;  // how the door names the rule set in messages; empty: not named
  // The surveys: files (.jsonl, .csv, .json, .yaml, read twice), then sources already made (a
  // text), or surveys already coded by `rules` (when given, files and sources are not read).
  std::vector<std::string> files;
  std::string input_format;  // for every file; empty: from each file's name
  std::vector<SurveySource> sources;
  const std::vector<CodedSurvey>* coded = nullptr;
  bool need_files = false;  // no files is a usage error (`smedx diagnose` reads files only)

  std::optional<int> target;  // none: the survey's, its profile's, else the rule set's
  std::string threshold;      // the 共性 share as given ("0.6"); empty: the rule set's
  std::string threshold_name = "threshold";  // how the door names it in messages (--threshold)
  bool by_district = false;
  BatchOptions batch;  // threads, missing policy, encoding
  bool keep = true;    // keep every diagnosis in the run (see CohortOptions::keep)

  // The output folder (`smedx diagnose -o`); empty: none. Refused when it holds an input, or
  // files smedx did not write unless `force`; committed only when the cohort is not empty.
  std::filesystem::path output;
  bool force = false;
  // Further files the run reads (the catalogue behind `section`): inputs the folder must not hold.
  std::vector<std::string> other_inputs;

  // Who diagnosed and when (the pages' 签字/盖章 block), and a part each enterprise's files gain
  // (CohortOptions::signing, ::section).
  DiagnosisSigning signing;
  std::shared_ptr<const EnterpriseSection> section;
};

// What run_diagnose found and made. A problem that stops the run (no diagnosis settings, a
// target or threshold the rule set does not take, an input file that cannot be used, a folder
// that is refused, an empty cohort written to a folder) leaves it !ok() with problem() saying
// why; bad surveys do not stop it (they are diagnoses with errors).
struct DiagnoseRun {
  enum class Stop {
    none,   // ran
    usage,  // the request cannot be run: nothing was read or written (`smedx` exits 2)
    empty,  // the inputs hold no surveys: no folder was left behind (exits 1)
  };
  Stop stop = Stop::none;
  std::string problem;           // what stopped it, as a door prints it after "error: "
  std::optional<CohortRun> run;  // when ok()
  int cohort_target = 0;         // the target cohort.html shows

  bool ok() const noexcept { return stop == Stop::none; }
};

// Runs the request; throws only what the sources and the folder throw on a failed read or
// write (std::runtime_error naming the file).
DiagnoseRun run_diagnose(const DiagnoseRequest& request);

// One survey diagnosed alone: its diagnosis JSON (to_json) and its 一企一档 page
// (enterprise_html), the bytes `smedx diagnose` writes as <id>.json (without the final
// newline) and <id>.html for a file holding only this survey (a cohort of one).
struct SurveyDiagnosis {
  std::string problem;         // non-empty: nothing diagnosed (not one survey, a bad target)
  bool survey_errors = false;  // the survey could not be scored: the JSON holds its errors
  std::string json;
  std::string html;  // empty unless asked

  bool ok() const noexcept { return problem.empty(); }
};

// `text` holds one survey in `format` (a JSON object by default; a JSON Lines or CSV text of one
// record as well). Thread-safe over one engine; runs on the calling thread.
SurveyDiagnosis diagnose_survey(const Engine& engine, std::string text,
                                InputFormat format = InputFormat::json,
                                std::optional<int> target = std::nullopt, bool html = true,
                                MissingPolicy missing = MissingPolicy::error,
                                const DiagnosisSigning& signing = {});

}  // namespace smedx
