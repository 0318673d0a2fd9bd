// Running a pilot programme: the register (备案), baseline and acceptance surveys, evidence and
// satisfaction in; per-enterprise acceptance (评测验收), progress against the targets and the
// calendar, provider rating (评星评级) and 典型案例 candidates out. All arithmetic is exact
// (integer fractions, rounded once to thousandths for display); every bad input record becomes
// a located error and the rest is still processed. Formulas: docs/programmes.md.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/batch.h"
#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "smedx/engine.h"
#include "smedx/programme.h"

namespace smedx {

// The register's format: CSV (header row) or JSON Lines (one object a line).
enum class TableFormat { csv, jsonl };
std::optional<TableFormat> table_format_for(const std::filesystem::path& path);

struct Enterprise {
  std::string id, name, industry, district, batch;
  std::vector<std::string> tags;  // 小巨人, 省级专精特新, 规上, 智能工厂, 上云 ...
  std::vector<std::string> providers;  // provider ids
  std::optional<Date> contract_date, planned_end;
  Decimal investment;  // 万元
  std::vector<std::string> solutions;
  Location where;
};

struct Provider {
  std::string id, name;
  Location where;
};

// One assessment of one enterprise, as much as the outputs need.
struct Snapshot {
  Location where;
  Date assessed_on;
  const Engine* engine = nullptr;  // the rule set it was scored under
  std::vector<Issue> errors;       // when not empty, the survey could not be scored
  int level = 0;
  Decimal total;
  std::vector<Decimal> dimensions, sub_indicators, items;  // in that rule set's order
  std::vector<std::int8_t> scenarios;
  bool ok() const noexcept { return errors.empty(); }
};

enum class Decision { passed, failed, incomplete };
std::string_view to_string(Decision d) noexcept;

struct AcceptanceReason {
  std::string check;  // the check's name, or "acceptance_present" / "survey_scored"
  Decision outcome = Decision::failed;
  std::string message;
};

struct AcceptanceRecord {
  const Enterprise* enterprise = nullptr;
  const Snapshot* baseline = nullptr;  // null when there is none
  const Snapshot* acceptance = nullptr;
  Decision decision = Decision::incomplete;
  std::vector<AcceptanceReason> reasons;  // every check that did not hold
  std::vector<std::string> evidence_missing;
  bool comparable = false;  // both scored under the same rule set: deltas are meaningful
  bool on_time = false;     // acceptance assessed by the batch's acceptance deadline
  int level_before() const noexcept;
  int level_after() const noexcept;
};

struct ProgressRow {
  std::string key, zh;
  int target = 0;  // 0: none set
  int registered = 0, diagnosed = 0, in_transformation = 0, awaiting_acceptance = 0;
  int passed = 0, failed = 0, incomplete = 0;
  int at_or_above = 0;        // latest level (acceptance, else baseline) at or above target
  Decimal share_at_or_above;  // percent of registered
  Decimal passed_of_target;   // percent of target (when there is one)
};

struct BatchProgress {
  std::string id, zh;
  std::string status;  // not_started, transforming, acceptance_due, closed
  int registered = 0, expected_diagnosed = 0, diagnosed = 0, expected_passed = 0, passed = 0;
};

struct FocusCoverage {
  std::string industry;
  std::vector<std::string> covered, uncovered;  // focus districts with / without an enterprise
  int enterprises = 0, in_focus = 0;
  Decimal share_in_focus;  // percent
};

struct TargetProgress {
  std::string id, zh;
  int value = 0, actual = 0;
  Decimal percent;
};

struct AtRisk {
  std::string id, name, batch;
  int level = 0;
  std::string reason;
};

struct Progress {
  Date as_of;
  int target_level = 0;
  ProgressRow total;
  std::vector<ProgressRow> by_industry, by_district, by_batch, by_provider;
  std::vector<BatchProgress> calendar;
  std::vector<FocusCoverage> focus;
  std::vector<TargetProgress> targets;
  std::vector<AtRisk> at_risk;
};

struct ProviderScore {
  std::string id, name;
  int enterprises = 0, accepted = 0, passed = 0, failed = 0, incomplete = 0, on_time = 0;
  int ratings = 0;
  std::optional<Decimal> pass_rate, mean_level_gain, mean_point_gain, on_time_share,
      mean_satisfaction;                             // percent, levels, points, percent, scale
  std::optional<Decimal> performance, satisfaction;  // 0-100 each
  std::optional<Decimal> composite;                  // 0-100
  int stars = 0;
  std::string flag;  // ok, warn, insufficient_data
  std::vector<std::string> notes;
  int rank = 0;  // 0: not ranked (no composite)
  bool tied = false;
};

struct CaseCandidate {
  const AcceptanceRecord* record = nullptr;
  int level_steps = 0;
  Decimal points;
  int scenarios_raised = 0;
  int rank = 0;
  bool tied = false;
  bool selected = false;
  std::string why;      // why selected: per-industry minimum or overall rank
  std::string summary;  // before/after, to start a case write-up
};

struct PilotCounts {
  std::size_t register_rows = 0, enterprises = 0, providers_rows = 0, providers = 0,
              evidence_rows = 0, satisfaction_rows = 0, survey_records = 0, surveys_used = 0;
  std::size_t investment_rows = 0;  // 投入清单 lines
  std::size_t project_rows = 0;     // projects rows
  // Input records (rows, lines, surveys) with at least one error; errors() may hold several
  // for one record, and errors that belong to no record (an input that cannot be read).
  std::size_t error_records = 0;
};

struct SubsidyResult;   // smedx/subsidy.h
struct ProjectsResult;  // smedx/projects.h

struct PilotResult {
  std::vector<AcceptanceRecord> acceptance;  // register order
  Progress progress;
  std::vector<ProviderScore> providers;  // ranked
  std::vector<CaseCandidate> cases;      // ranked
  // 奖补: when the programme has a subsidy rule and a 投入清单 was added (add_investments).
  std::shared_ptr<const SubsidyResult> subsidy;
  // Project stages: when the programme lists milestones and a projects table was added.
  std::shared_ptr<const ProjectsResult> projects;
};

// Collects a programme's inputs, then evaluates them. Add providers, then the register, then
// evidence, satisfaction and surveys (each checks references against what came before).
class Pilot {
 public:
  // Throws std::invalid_argument when the programme does not fit the engine's rule set (a
  // target_level or level_at_least level it does not have) or its weights or targets do not add
  // up exactly; run_pilot reports the same problems located in programme.yaml instead.
  Pilot(const Programme& programme, const Engine& engine);
  ~Pilot();
  Pilot(Pilot&&) noexcept;

  void add_providers(std::istream& in, std::string_view source, TableFormat format);
  void add_register(std::istream& in, std::string_view source, TableFormat format);
  void add_evidence(std::istream& in, std::string_view source, TableFormat format);
  void add_satisfaction(std::istream& in, std::string_view source, TableFormat format);
  // The 投入清单 (enterprise_id, category, item, amount in 元, invoice); the programme must have
  // a subsidy rule (std::invalid_argument otherwise). See smedx/subsidy.h.
  void add_investments(std::istream& in, std::string_view source, TableFormat format);
  // The projects table (enterprise_id, then one date column per milestone); the programme must
  // list milestones (std::invalid_argument otherwise). See smedx/projects.h.
  void add_projects(std::istream& in, std::string_view source, TableFormat format);
  // Surveys (survey format, enterprise.phase and enterprise.assessed_on) assessed under
  // `engine` (default: the programme's).
  void add_surveys(std::istream& in, std::string_view source, InputFormat format,
                   const Engine* engine = nullptr, unsigned threads = 0);

  // Every bad input record, located (file:line), in the order found.
  const std::vector<Issue>& errors() const noexcept;
  const PilotCounts& counts() const noexcept;

  // Evaluates everything as of a date (default: the latest assessment date seen).
  PilotResult run(std::optional<Date> as_of = std::nullopt) const;

  const Programme& programme() const noexcept;
  const RuleSet& rules() const noexcept;

  struct State;  // opaque: what the inputs left, for the evaluation

 private:
  std::unique_ptr<State> s_;
};

// Outputs (one record a line for .jsonl; a header row for .csv).
std::string acceptance_json(const AcceptanceRecord& r, const RuleSet& rules);
std::string acceptance_csv_header();
std::string acceptance_csv(const AcceptanceRecord& r);
std::string progress_json(const Progress& p);
std::string providers_json(const std::vector<ProviderScore>& providers);
std::string providers_csv(const std::vector<ProviderScore>& providers);
std::string cases_json(const std::vector<CaseCandidate>& cases, const RuleSet& rules);

// The self-contained dashboard and one enterprise's acceptance page (inline SVG, no scripts).
// `pages`, when given, holds each acceptance record's page (relative link), in register order.
std::string dashboard_html(const Programme& programme, const PilotResult& result,
                           const std::vector<std::string>& pages = {});
std::string acceptance_html(const Programme& programme, const AcceptanceRecord& r,
                            const RuleSet& rules);

}  // namespace smedx
