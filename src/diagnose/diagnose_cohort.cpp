// The cohort diagnosis on every core. Surveys come a block at a time, read and coded through
// visit_stream or handed over coded; the surveys of a block are then diagnosed in parallel,
// since a diagnosis (a knapsack over the items' upgrades, and the files an enterprise gets)
// costs far more than coding. Two passes: the cohort first, then each enterprise's diagnosis
// tagged 共性 or 个性 against it, which needs the whole cohort.
#include "smedx/diagnose_cohort.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/file_names.h"
#include "common/parallel.h"
#include "diagnose/report_html.h"
#include "diagnose/target_level.h"
#include "smedx/output_files.h"
#include "smedx/report.h"
#include "smedx/text.h"

namespace smedx {

namespace {

RosterEntry roster_entry(const Cohort& cohort, const Diagnosis& d, std::string id,
                         std::string file) {
  RosterEntry e;
  e.group = cohort.group_of(d);
  e.id = std::move(id);
  for (const auto& [k, v] : d.assessment.enterprise)
    if (k == "name") e.name = v;
  e.file = std::move(file);
  e.scored = d.assessment.ok();
  e.level = d.assessment.level;
  e.target = d.target;
  return e;
}

// One pass's surveys, in input order, a block at a time (at most `block` surveys): `each` is
// called for every block; the count of records read comes back.
using Block = std::function<void(std::span<const CodedSurvey>)>;
using Feed = std::function<std::size_t(std::size_t block, const Block& each)>;

// Per-record work of a pass: `slot` is the record's place in its block (below 256), for
// storage kept per slot.
using Visitor = std::function<void(std::size_t slot, const CodedSurvey& c, Diagnosis& d)>;

// The two passes over the surveys `feed` gives, whatever their origin.
class Passes {
 public:
  Passes(const Diagnoser& diagnoser, std::optional<int> target, int cohort_target,
         const CohortOptions& options, OutputFolder* folder)
      : diagnoser_(diagnoser),
        rules_(diagnoser.engine().rules()),
        target_(target),
        cohort_target_(cohort_target),
        options_(options),
        folder_(folder),
        // Diagnosed a few hundred at a time: enough to keep every core busy, few enough that
        // what a pass keeps per slot (an enterprise's HTML, say) stays small.
        block_(std::clamp<std::size_t>(options.batch.block_size, 1, 256)),
        threads_(detail::thread_count(options.batch.threads)),
        diagnoses_(block_) {}

  CohortRun run(const Feed& feed) {
    CohortRun run(Cohort(rules_, options_.threshold.value_or(rules_.diagnosis.common_threshold),
                         options_.by_district));
    count(feed, run.cohort);
    write(feed, run);
    if (folder_) {
      folder_->write("index.tsv", index_);
      folder_->write("cohort.json", run.cohort.to_json() + "\n");
      folder_->write("cohort.html", cohort_html(run.cohort, rules_, cohort_target_, roster_));
    }
    if (run.records != run.diagnosed)
      throw std::logic_error(fmt::format("{} records in but {} out: this is a bug in smedx",
                                         run.records, run.diagnosed));
    return run;
  }

 private:
  // Diagnoses every block of `feed` (with `depth`, from the plans `known` when given): the
  // diagnoses, and `prepare` for each, run on worker threads; then `use` runs on the calling
  // thread for each record in input order. `prepare` is for per-record work such as formatting
  // an enterprise's files: it must not touch shared mutable state.
  std::size_t pass(const Feed& feed, DiagnosisDetail depth, const std::vector<PathPlan>* known,
                   const Visitor& prepare, const Visitor& use) {
    std::size_t first = 0;  // the record number of the block's first record
    return feed(block_, [&](std::span<const CodedSurvey> coded) {
      const std::size_t n = coded.size();
      // At least 16 surveys a worker: a diagnosis takes tens of microseconds.
      detail::parallel_slices(n, std::min<std::size_t>(threads_, (n + 15) / 16),
                              [&](std::size_t begin, std::size_t end) {
                                for (std::size_t i = begin; i < end; ++i) {
                                  const std::size_t record = first + i;
                                  diagnoses_[i] = diagnoser_.diagnose(
                                      coded[i], target_,
                                      known && record < known->size() ? &(*known)[record] : nullptr,
                                      depth);
                                  if (prepare) prepare(i, coded[i], diagnoses_[i]);
                                }
                              });
      for (std::size_t i = 0; i < n; ++i) use(i, coded[i], diagnoses_[i]);
      first += n;
    });
  }

  // Pass 1 aggregates the cohort. It makes only what the cohort counts, and keeps each
  // record's path in brief (a few dozen bytes), so pass 2 need not search again: the search is
  // most of a diagnosis. Each enterprise's file name is given here, in input order (a repeated
  // id gets a suffix), so that in pass 2 the workers write the files themselves, side by side.
  void count(const Feed& feed, Cohort& cohort) {
    pass(feed, DiagnosisDetail::cohort, nullptr, {},
         [&](std::size_t, const CodedSurvey&, Diagnosis& d) {
           cohort.add(d);
           if (folder_) {
             std::string id = Cohort::label(d);
             std::string stem = used_.stem(id);
             names_.push_back({std::move(id), std::move(stem)});
           }
           plans_.push_back(std::move(d.path.plan));
         });
  }

  // Pass 2 makes each diagnosis in full from its plan and tags its requirements 共性 or 个性,
  // on every core; with a folder, the workers write each enterprise's files too.
  void write(const Feed& feed, CohortRun& run) {
    struct Files {
      std::string json, html;
      bool written = false;       // by the worker, under the name of pass 1
      std::exception_ptr failed;  // the worker's write failed: thrown on this thread
    };
    std::vector<Files> files(folder_ ? block_ : 0);
    std::optional<detail::EnterpriseHtml> html;  // what every file shares, made once
    if (folder_) html.emplace(rules_);
    if (folder_) index_ = "enterprise_id\tfile\n";
    // The record number of the block's first record: `use` counts them on this thread, and the
    // workers of a block start after the last block's `use` calls are done.
    std::size_t visited = 0;
    const Cohort& cohort = run.cohort;
    run.records = pass(
        feed, DiagnosisDetail::full, &plans_,
        [&](std::size_t slot, const CodedSurvey& c, Diagnosis& d) {
          cohort.tag(d);  // reads the cohort only: safe on every worker
          if (!folder_) return;
          Files& f = files[slot];
          EnterpriseSection::Part part;
          if (options_.section) part = options_.section->make(c, d);
          f.json = to_json(d, options_.section ? options_.section->key() : "", part.json);
          f.json += '\n';
          f.html.clear();  // the slot's buffer is reused
          html->render(d, f.html, options_.signing, part.html);
          f.written = false;
          f.failed = nullptr;
          // The record pass 1 named (unless the input changed in between: then `use` names it).
          const std::size_t record = visited + slot;
          if (record >= names_.size() || names_[record].id != Cohort::label(d)) return;
          try {
            folder_->write(names_[record].stem + ".json", f.json);
            folder_->write(names_[record].stem + ".html", f.html);
            f.written = true;
          } catch (...) {
            f.failed = std::current_exception();
          }
        },
        [&](std::size_t slot, const CodedSurvey&, Diagnosis& d) {
          const std::size_t record = visited++;
          if (folder_) {
            Files& f = files[slot];
            if (f.failed) std::rethrow_exception(f.failed);
            const std::string id = Cohort::label(d);
            const std::string stem = f.written ? names_[record].stem : used_.stem(id);
            roster_.push_back(roster_entry(cohort, d, id, stem));
            // An id may hold a tab or a newline: escaped, index.tsv keeps one line per
            // enterprise.
            index_ += escape_tsv_field(id) + "\t" + stem + "\n";
            if (!f.written) {
              folder_->write(stem + ".json", f.json);
              folder_->write(stem + ".html", f.html);
            }
          }
          ++run.diagnosed;
          run.errors += !d.assessment.ok();
          run.reached += d.assessment.ok() && d.assessment.level >= d.target;
          if (options_.keep) run.diagnoses.push_back(std::move(d));
        });
  }

  struct Name {
    std::string id, stem;
  };

  const Diagnoser& diagnoser_;
  const RuleSet& rules_;
  std::optional<int> target_;
  int cohort_target_;
  const CohortOptions& options_;
  OutputFolder* folder_;
  std::size_t block_, threads_;
  std::vector<Diagnosis> diagnoses_;  // the block's, per slot
  std::vector<PathPlan> plans_;       // every record's, from pass 1
  // Never the cohort files' own names.
  detail::FileNames used_{"cohort", "index"};
  std::vector<Name> names_;          // every record's file, from pass 1
  std::string index_;                // index.tsv
  std::vector<RosterEntry> roster_;  // cohort.html's 名单: a few short strings an enterprise
};

}  // namespace

SurveySource SurveySource::file(const std::filesystem::path& path, InputFormat format) {
  std::string name = path.string();
  return {name, format, [path, name]() -> std::unique_ptr<std::istream> {
            auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
            if (!*in) throw std::runtime_error(name + ": cannot read");
            return in;
          }};
}

SurveySource SurveySource::text(std::string text, std::string name, InputFormat format) {
  auto held = std::make_shared<const std::string>(std::move(text));
  return {std::move(name), format, [held]() -> std::unique_ptr<std::istream> {
            return std::make_unique<std::istringstream>(*held);
          }};
}

std::optional<Decimal> parse_common_threshold(std::string_view text) {
  const auto t = Decimal::parse(text);
  if (!t || *t <= Decimal{} || *t > Decimal::from_int(1)) return std::nullopt;
  return t;
}

CohortDiagnoser::CohortDiagnoser(const Engine& engine, std::optional<int> target)
    : engine_(engine), diagnoser_(engine), target_(target) {
  if (!target) return;
  if (auto missing = detail::missing_level(engine.rules(), *target))
    throw std::invalid_argument("target " + *missing);
}

int CohortDiagnoser::cohort_target() const noexcept {
  return target_.value_or(engine_.rules().diagnosis.target);
}

CohortRun CohortDiagnoser::run(std::span<const SurveySource> sources, const CohortOptions& options,
                               OutputFolder* folder) const {
  Passes passes(diagnoser_, target_, cohort_target(), options, folder);
  return passes.run([&](std::size_t block, const Block& each) {
    std::size_t records = 0;
    std::vector<CodedSurvey> coded;
    coded.reserve(block);
    for (const SurveySource& source : sources) {
      const auto in = source.open();
      records += visit_stream(
                     engine_, *in, source.name, source.format,
                     [&](const CodedSurvey& c) {
                       coded.push_back(c);
                       if (coded.size() == block) {
                         each(coded);
                         coded.clear();
                       }
                     },
                     options.batch)
                     .records;
      if (!coded.empty()) {
        each(coded);
        coded.clear();
      }
    }
    return records;
  });
}

CohortRun CohortDiagnoser::run(std::span<const CodedSurvey> surveys, const CohortOptions& options,
                               OutputFolder* folder) const {
  Passes passes(diagnoser_, target_, cohort_target(), options, folder);
  return passes.run([&](std::size_t block, const Block& each) {
    for (std::size_t b = 0; b < surveys.size(); b += block)
      each(surveys.subspan(b, std::min(block, surveys.size() - b)));
    return surveys.size();
  });
}

}  // namespace smedx
