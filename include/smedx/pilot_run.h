// The pilot job's one driver, which every door calls (`smedx pilot`, Python's smedx.pilot): load
// the programme and its rule set, read the input files, evaluate, and write the output folder.
// The doors only convert arguments into a PilotRequest and a PilotRun into output.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/engine.h"
#include "smedx/output_files.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx {

struct PilotRequest {
  std::filesystem::path programme;  // programmes/<id>/ or a programme.yaml
  // The rule set the surveys are scored under; null: the programme's rule_set.path, loaded.
  // `rules_origin` (LoadResult::origin()) names it in messages and is an input of the run.
  std::shared_ptr<const Engine> rules;
  std::string rules_origin;
  // The input tables (.csv or .jsonl); empty: not given.
  std::string register_file, providers, evidence, satisfaction;
  std::string selected;  // the 典型案例 the city selected (enterprise_id per record)
  // The 投入清单 (.csv or .jsonl) for the programme's subsidy rule; empty: not given.
  std::string investments;
  // The projects table (.csv or .jsonl: a date per milestone) for the programme's stages.
  std::string projects;
  // A solution catalogue (catalogues/<id>/, its catalogue.yaml, or an installed catalogue's
  // name): adds the 产品矩阵 and the product rating (smedx/pilot_products.h); empty: none.
  std::string catalogue;
  // The city's 绩效自评: "midterm" or "final" (self_evaluation.json and .html); empty: none.
  std::string report;
  std::string report_name = "report";  // how the door names report in messages (--report)
  // Survey files; FILE@RULES for a file assessed under another rule set (a file whose own name
  // holds an '@' is read as itself when it exists).
  std::vector<std::string> surveys;
  std::string as_of;                     // yyyy-mm-dd; empty: the latest assessment date seen
  std::string as_of_name = "as_of";      // how the door names as_of in messages (--as-of)
  unsigned threads = 0;                  // the main one included; 0: all cores; at most 1024
  std::string threads_name = "threads";  // how the door names threads in messages (--threads)
  bool pages = true;                     // one acceptance page per enterprise beside the dashboard
  // The CSV files' column headers (every CSV starts with a UTF-8 byte order mark either way).
  CsvHeaders headers = CsvHeaders::en;

  static constexpr unsigned max_threads = 1024;  // as smedx score --threads
};

// What run_pilot found and made. A problem that stops the run (a bad programme or rule set, a
// date that is not one, an input file that cannot be used) leaves it !ok(), with nothing read
// after it; bad records inside the inputs do not stop it (errors()).
class PilotRun {
 public:
  PilotRun(PilotRun&&) noexcept;
  PilotRun& operator=(PilotRun&&) noexcept;
  ~PilotRun();

  bool ok() const noexcept;
  // The problems met before the evaluation, in order: the programme's and every rule set's
  // diagnostics (warnings too) and the input files that cannot be used.
  const std::vector<Issue>& issues() const noexcept;
  // issues() as `smedx pilot` prints them: a loaded file's diagnostics end with their count line.
  const std::string& issues_text() const noexcept;

  // The rest only when ok().
  const Programme& programme() const;
  const RuleSet& rules() const;  // the programme's (or the request's), which the outputs name
  const PilotResult& result() const;
  const std::vector<Issue>& errors() const;  // every bad input record, located, in order found
  const PilotCounts& counts() const;
  // The files the run read: an output folder must not write over them.
  const Inputs& inputs() const;

  // The output files into `folder` (not committed): acceptance.jsonl and .csv, progress.json,
  // providers.json and .csv, cases.json, one <id>.html per enterprise (unless !pages) and
  // dashboard.html, which links them; with investments, subsidy.json, subsidy.csv and
  // subsidy_ledger.csv; with projects, projects.json and projects.csv; with diagnosis settings
  // in the rule set, the 改造需求清单 needs.json, needs_common.csv and needs_individual.csv; with
  // selected, the 典型案例集 booklet cases.html.
  void write(OutputFolder& folder) const;
  // The same into `dir` as an OutputFolder of `smedx pilot` (refused when it holds the inputs,
  // or files smedx did not write unless `force`), committed: the problem that refused the
  // folder, or nothing once every file is in place.
  std::optional<std::string> write_folder(const std::filesystem::path& dir, bool force) const;

  struct State;  // opaque: the programme, engines, inputs and result, which point into each other

 private:
  explicit PilotRun(std::unique_ptr<State> s);
  friend PilotRun run_pilot(const PilotRequest& request);
  std::unique_ptr<State> s_;
};

PilotRun run_pilot(const PilotRequest& request);

}  // namespace smedx
