// The cohort diagnosis job, one driver for every door (`smedx diagnose`, the Python package):
// surveys in, read from files or text or handed over already coded; each diagnosed on every
// core; the cohort's 共性 requirements counted and every diagnosis tagged 共性 or 个性; out come
// the diagnoses in input order, the cohort and, when asked, the output folder's files, the
// same bytes whichever door asked.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smedx/batch.h"
#include "smedx/cohort.h"
#include "smedx/decimal.h"
#include "smedx/diagnosis.h"
#include "smedx/engine.h"
#include "smedx/input.h"
#include "smedx/report.h"

namespace smedx {

class OutputFolder;

// Surveys to read. A cohort is read twice (its 共性 requirements are counted before any
// enterprise's file is made), so a source opens afresh for each pass: a file or a text, never
// a pipe.
struct SurveySource {
  std::string name;  // where records are located in messages: a file's path, or "<frame>"
  InputFormat format = InputFormat::jsonl;
  // A stream at the first record; throws std::runtime_error ("<name>: cannot read") when the
  // source cannot be read.
  std::function<std::unique_ptr<std::istream>()> open;

  static SurveySource file(const std::filesystem::path& path, InputFormat format);
  static SurveySource text(std::string text, std::string name, InputFormat format);
};

// A share that makes a requirement common (共性), as given on a command line or by a caller:
// above 0 and at most 1, with at most three decimals ("0.5", "0.667"); nothing otherwise.
std::optional<Decimal> parse_common_threshold(std::string_view text);

// A part of every enterprise's files that a later room makes: the diagnose room cannot include
// it, so it asks through this. match/ makes the 改造方案 (make_plan_section in smedx/match.h).
class EnterpriseSection {
 public:
  struct Part {
    std::string json;  // a JSON value put under key() in <id>.json; empty: none
    std::string html;  // a section put into <id>.html after the requirements; may be empty
  };
  virtual ~EnterpriseSection() = default;
  virtual std::string_view key() const noexcept = 0;
  // For every survey (scored or not) with its full diagnosis. Called on worker threads at once:
  // must be thread-safe.
  virtual Part make(const CodedSurvey& survey, const Diagnosis& d) const = 0;
};

struct CohortOptions {
  std::optional<Decimal> threshold;  // the 共性 share (cohort.h); none: the rule set's
  bool by_district = false;          // group by industry and district, not industry alone
  // Threads (0: every core) and block size; for surveys read from sources also the missing
  // policy and the text encoding (coded surveys were coded with theirs).
  BatchOptions batch;
  // Keep every diagnosis in CohortRun::diagnoses. Without, memory stays flat however large
  // the cohort: `smedx diagnose` writes each enterprise's files and lets the diagnosis go.
  bool keep = true;
  // What every enterprise's page shows of who diagnosed it and when (report.h).
  DiagnosisSigning signing;
  // A part each enterprise's files gain (the 改造方案); none: the files as they were.
  std::shared_ptr<const EnterpriseSection> section;
};

struct CohortRun {
  explicit CohortRun(Cohort c) : cohort(std::move(c)) {}

  Cohort cohort;
  std::vector<Diagnosis> diagnoses;  // in input order, tagged 共性/个性; empty unless keep
  std::size_t records = 0;           // surveys in (records read, bad ones included)
  std::size_t diagnosed = 0;         // diagnoses out: as many as records in
  std::size_t errors = 0;            // surveys with errors: diagnosed with no path
  std::size_t reached = 0;           // scored, and at or above their target already
};

// Diagnoses cohorts for one target. Each run makes two passes: the first diagnoses in brief
// (what the cohort counts) and keeps each survey's path plan; the second makes every full
// diagnosis from its plan (the search is most of a diagnosis), tags it against the whole
// cohort and, when a folder is given, writes it. Both diagnose a few hundred surveys at a time
// on every core and hand them on in input order.
//
// With an OutputFolder the run writes, on the worker threads, each enterprise's
// `<id>.json` (to_json, then a newline) and `<id>.html` (enterprise_html), then `index.tsv`
// (id → file name), `cohort.json` (Cohort::to_json, then a newline) and `cohort.html`
// (cohort_html at cohort_target()). File names are the ids where a file system allows
// (docs/diagnosis.md); a failed write throws, the first in input order. The folder is not
// committed: the caller commits it when the run is one to keep (`smedx diagnose` does not keep
// an empty cohort).
class CohortDiagnoser {
 public:
  // `target`: every survey's target; none: each survey's own (enterprise.target), else its
  // industry profile's, else the rule set's. Throws std::invalid_argument when the engine's
  // rule set has no diagnosis settings, or when `target` is not one of its levels ("target
  // level 9 does not exist: the levels are 1–4"): the one place a caller's target is checked.
  explicit CohortDiagnoser(const Engine& engine, std::optional<int> target = std::nullopt);

  // Reads the sources in turn, each twice, as visit_stream reads and codes them (format,
  // encoding and missing policy from `options`). A record that cannot be read is in the cohort
  // as a diagnosis whose assessment holds its errors. Throws what a source's open() throws.
  CohortRun run(std::span<const SurveySource> sources, const CohortOptions& options = {},
                OutputFolder* folder = nullptr) const;

  // Surveys already coded by this engine's rule set (Engine::code, visit_stream, or a columnar
  // coder: the entry for a caller that codes surveys itself, such as the Python frame path).
  // Nothing is read or coded: the surveys are diagnosed as they are, in the order given, and a
  // survey with errors is in the cohort as such. `options.batch.missing` and `encoding` do not
  // apply: the coder applied its own.
  CohortRun run(std::span<const CodedSurvey> surveys, const CohortOptions& options = {},
                OutputFolder* folder = nullptr) const;

  // The target cohort.html shows: the given one, else the rule set's.
  int cohort_target() const noexcept;
  const Diagnoser& diagnoser() const noexcept { return diagnoser_; }

 private:
  const Engine& engine_;
  Diagnoser diagnoser_;
  std::optional<int> target_;
};

}  // namespace smedx
