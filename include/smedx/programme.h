// A pilot programme (试点方案) as data: its rule set, targets, batches and calendar, evidence
// checklist, acceptance rule, satisfaction questionnaire, provider-rating model and
// case-selection rule. Read from programmes/<id>/programme.yaml with the same located
// diagnostics as a rule set; nothing about a programme is hard-coded in the code.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnostics.h"

namespace smedx {

// A calendar date as days since 1970-01-01 (proleptic Gregorian), so dates compare and
// subtract as integers.
struct Date {
  int days = 0;
  auto operator<=>(const Date&) const noexcept = default;
  // "2026-03-01"
  std::string to_string() const;
  int year() const noexcept;
  int month() const noexcept;
};

// Parses "yyyy-mm-dd" (a real day of a real month); nothing otherwise.
std::optional<Date> parse_date(std::string_view text) noexcept;
// Parses "yyyy-mm" as the first or the last day of that month.
std::optional<Date> parse_month(std::string_view text, bool last_day) noexcept;

struct SubsidyRule;      // smedx/subsidy_rule.h
struct StageRule;        // smedx/projects.h
struct CompositionRule;  // smedx/composition.h

struct ProgrammeIndustry {
  std::string id;  // matches enterprise.industry and the register's industry
  std::string zh;
  int target = 0;  // enterprises to transform
  std::vector<std::string> focus_districts;
};

struct Batch {
  std::string id;
  std::string zh;
  Date transform_from;   // first day of the first transformation month
  Date transform_to;     // last day of the last transformation month
  Date acceptance_by;    // last day of the acceptance month
  Date acceptance_from;  // first day of the acceptance month: acceptance is due from here
};

// A further target counted from the data: registered enterprises carrying a tag, providers in
// the pool, or selected cases.
struct OtherTarget {
  enum class Measure { tag, providers, cases };
  std::string id;
  std::string zh;
  int value = 0;
  Measure measure = Measure::tag;
  std::string tag;  // measure tag
};

struct EvidenceItem {
  std::string id;
  std::string zh;
};

// One named check of the acceptance rule. A check left out of the list is off.
struct AcceptanceCheck {
  enum class Kind {
    baseline_present,
    level_at_least,
    same_rule_set,
    baseline_before_acceptance,
    acceptance_after_project_end,
    evidence_complete,
    constraint_scenarios_kept,
  };
  Kind kind = Kind::level_at_least;
  // What a failed check makes of the decision.
  enum class Outcome { failed, incomplete } outcome = Outcome::failed;
  int level = 0;                      // level_at_least
  bool compare_version = true;        // same_rule_set: id and version (true) or id only
  std::vector<std::string> evidence;  // evidence_complete: the items required
};

std::string_view to_string(AcceptanceCheck::Kind k) noexcept;

struct SatisfactionItem {
  std::string id;
  std::string zh;
  int weight = 0;
};

struct StarGrade {
  int stars = 0;
  Decimal min;  // composite score at or above this
};

// The provider-rating model (see docs/programmes.md for each part's formula).
struct ProviderRating {
  int weight_performance = 70;   // 服务绩效
  int weight_satisfaction = 30;  // 企业满意度
  int weight_pass_rate = 50;     // parts of 服务绩效, summing to 100
  int weight_level_gain = 30;
  int weight_on_time = 20;
  Decimal full_level_gain = Decimal::from_int(1);  // a mean gain of this many levels scores 100
  std::vector<StarGrade> stars;                    // highest threshold first
  Decimal warn_below = Decimal::from_int(60);
  int min_accepted = 3;
};

struct CaseRule {
  int target = 30;
  int per_industry = 3;  // at least this many per industry (when there are that many)
};

struct Programme {
  std::string id;
  std::string title;
  std::string document;  // 文号
  std::string rule_set_id;
  std::string rule_set_version;         // empty: any version
  std::filesystem::path rule_set_path;  // resolved against the programme folder
  int target_level = 2;
  std::vector<ProgrammeIndustry> industries;
  int total_target = 0;
  std::vector<Batch> batches;
  std::vector<OtherTarget> targets;
  std::vector<EvidenceItem> evidence;
  std::vector<AcceptanceCheck> acceptance;
  int satisfaction_min = 1, satisfaction_max = 5;
  std::vector<SatisfactionItem> satisfaction;
  ProviderRating rating;
  CaseRule cases;
  // The 奖补 rule (programme.yaml's `subsidy`); null when the programme has none.
  std::shared_ptr<const SubsidyRule> subsidy;
  // The project milestones (programme.yaml's `stages`); null when the programme has none.
  std::shared_ptr<const StageRule> stages;
  // Composition and coverage targets (programme.yaml's `composition`); null when none.
  std::shared_ptr<const CompositionRule> composition;

  const ProgrammeIndustry* find_industry(std::string_view id) const noexcept;
  const Batch* find_batch(std::string_view id) const noexcept;
  const EvidenceItem* find_evidence(std::string_view id) const noexcept;
};

struct ProgrammeLoad {
  std::optional<Programme> programme;  // set when there are no errors
  std::vector<Issue> issues;
  bool ok() const noexcept { return programme.has_value(); }
};

// Loads programmes/<id>/ (its programme.yaml) or a programme.yaml file.
ProgrammeLoad load_programme(const std::filesystem::path& folder_or_file);
// From YAML text; `name` stands for the file in diagnostics, `base` resolves rule_set.path.
ProgrammeLoad load_programme_from_string(std::string_view yaml, std::string_view name = "<string>",
                                         const std::filesystem::path& base = {});

}  // namespace smedx
