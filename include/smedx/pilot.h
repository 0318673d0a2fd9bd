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
// The one Chinese name of each decision, on every page and in every file: 通过, 未通过, 待补.
std::string_view decision_zh(Decision d) noexcept;

struct AcceptanceReason {
  std::string check;  // the check's name, or "acceptance_present" / "survey_scored"
  Decision outcome = Decision::failed;
  std::string message;
  std::string zh;      // the same in Chinese, for the pages and the follow-up list
  std::string action;  // what to do about it (Chinese): the follow-up list's next action
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
// Where an enterprise stands, in Chinese, as the progress counts it: 通过, 未通过, 待补 (an
// acceptance survey given, something missing) or 待验收 (incomplete for want of one).
std::string_view status_zh(const AcceptanceRecord& r) noexcept;

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

// One row of the follow-up list (督办清单): an enterprise whose acceptance is due or overdue and
// not passed, whatever its level, or one of a started batch not yet diagnosed.
struct FollowUp {
  const AcceptanceRecord* record = nullptr;
  std::string kind;                  // overdue, due, not_diagnosed
  Date due;                          // the batch's acceptance_by
  std::optional<int> level;          // the latest scored level (acceptance, else baseline)
  std::vector<std::string> reasons;  // Chinese
  std::vector<std::string> actions;  // Chinese, each once
};
std::string_view follow_up_kind_zh(std::string_view kind) noexcept;

struct Progress {
  Date as_of;
  int target_level = 0;
  ProgressRow total;
  std::vector<ProgressRow> by_industry, by_district, by_batch, by_provider;
  std::vector<BatchProgress> calendar;
  std::vector<FocusCoverage> focus;
  std::vector<TargetProgress> targets;
  std::vector<AtRisk> at_risk;
  std::vector<FollowUp> follow_up;  // register order
  // Enterprises the city selected as 典型案例 that are not candidates (not passed): not counted.
  std::vector<std::string> selected_not_candidates;
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
  bool suggested = false;  // picked by the rule: per-industry minimum, then overall rank
  bool selected = false;   // chosen by the city (the `selected` input): what the target counts
  std::string why;         // why suggested: per-industry minimum or overall rank
  std::string summary;     // before/after, to start a case write-up
};

struct PilotCounts {
  std::size_t register_rows = 0, enterprises = 0, providers_rows = 0, providers = 0,
              evidence_rows = 0, satisfaction_rows = 0, survey_records = 0, surveys_used = 0,
              selected_rows = 0;
  std::size_t investment_rows = 0;  // 投入清单 lines
  std::size_t project_rows = 0;     // projects rows
  // Input records (rows, lines, surveys) with at least one error; errors() may hold several
  // for one record, and errors that belong to no record (an input that cannot be read).
  std::size_t error_records = 0;
};

struct SubsidyResult;      // smedx/subsidy.h
struct ProjectsResult;     // smedx/projects.h
struct CompositionResult;  // smedx/composition.h
struct PilotProducts;      // smedx/pilot_products.h
struct Catalogue;          // smedx/catalogue.h
struct PilotNeeds;         // smedx/pilot_needs.h

struct PilotResult {
  std::vector<AcceptanceRecord> acceptance;  // register order
  Progress progress;
  std::vector<ProviderScore> providers;  // ranked
  std::vector<CaseCandidate> cases;      // ranked
  // 奖补: when the programme has a subsidy rule and a 投入清单 was added (add_investments).
  std::shared_ptr<const SubsidyResult> subsidy;
  // Project stages: when the programme lists milestones and a projects table was added.
  std::shared_ptr<const ProjectsResult> projects;
  // Composition and coverage: when the programme has a `composition` section.
  std::shared_ptr<const CompositionResult> composition;
  // The 产品矩阵 and product rating: when a catalogue was set (Pilot::set_catalogue).
  std::shared_ptr<const PilotProducts> products;
  // The 共性+个性 改造需求清单 from the baseline surveys: when the rule set has diagnosis settings.
  std::shared_ptr<const PilotNeeds> needs;
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
  // The 典型案例 the city selected: `enterprise_id` per record.
  void add_selected(std::istream& in, std::string_view source, TableFormat format);
  // The 投入清单 (enterprise_id, category, item, amount in 元, invoice); the programme must have
  // a subsidy rule (std::invalid_argument otherwise). See smedx/subsidy.h.
  void add_investments(std::istream& in, std::string_view source, TableFormat format);
  // The projects table (enterprise_id, then one date column per milestone); the programme must
  // list milestones (std::invalid_argument otherwise). See smedx/projects.h.
  void add_projects(std::istream& in, std::string_view source, TableFormat format);
  // A solution catalogue loaded against the programme's rule set (smedx/catalogue.h): run() then
  // adds the 产品矩阵 and the product rating (smedx/pilot_products.h). Set it before the register
  // (whose solutions it checks) and the surveys (whose baselines it keeps for the match).
  // `threads`: the match's, as add_surveys takes them (0: all cores).
  void set_catalogue(std::shared_ptr<const Catalogue> catalogue, unsigned threads = 0);
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
// The CSV files' column headers: English field names (the default) or Chinese (`--headers zh`).
enum class CsvHeaders { en, zh };
std::string acceptance_csv_header(CsvHeaders headers = CsvHeaders::en);
std::string acceptance_csv(const AcceptanceRecord& r);
// The same; under zh headers the values are for people too: the decision as
// 通过/未通过/待补/待验收, industry and batch by their names, 是/否, and the reasons in Chinese (as
// the driver writes).
std::string acceptance_csv(const AcceptanceRecord& r, const Programme& programme,
                           CsvHeaders headers);
std::string progress_json(const Progress& p);
std::string providers_json(const std::vector<ProviderScore>& providers);
std::string providers_csv(const std::vector<ProviderScore>& providers,
                          CsvHeaders headers = CsvHeaders::en);
std::string cases_json(const std::vector<CaseCandidate>& cases, const RuleSet& rules);
// The follow-up list as CSV (Chinese headers, for the 县区 and the providers): by district
// (sorted by district, then register order) or by provider (a row per provider and enterprise,
// sorted by provider id). Provider names from the providers file where given.
std::string follow_up_csv(const Programme& programme, const PilotResult& result, bool by_provider);

// The self-contained dashboard and one enterprise's acceptance page (inline SVG, no scripts).
// `pages`, when given, holds each acceptance record's page (relative link), in register order.
std::string dashboard_html(const Programme& programme, const PilotResult& result,
                           const std::vector<std::string>& pages = {});
// `result`, when given, names the providers (their names from the providers file).
std::string acceptance_html(const Programme& programme, const AcceptanceRecord& r,
                            const RuleSet& rules, const PilotResult* result = nullptr);

}  // namespace smedx
