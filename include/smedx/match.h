// Matching (精准匹配): for each enterprise, the set of catalogue products of least total cost in
// 元 after which its survey re-scores at or above a target level, with every product's
// prerequisites met and every product allowed for its industry; the next plans in the same
// order when asked; what each product closes; and, when no set gets there, the level
// conditions no product covers (the catalogue's gap). One driver, run_match, for every door.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smedx/batch.h"
#include "smedx/catalogue.h"
#include "smedx/coded_survey.h"
#include "smedx/decimal.h"
#include "smedx/diagnose_cohort.h"
#include "smedx/engine.h"

namespace smedx {

namespace detail {
struct MatchRules;
}

struct MatchOptions {
  std::optional<int> target;           // none: the rule set's diagnosis target, else 2
  int years = 1;                       // cost = Σ price + Σ annual × years
  std::optional<std::int64_t> budget;  // 元: no plan may cost more
  int alternatives = 0;                // the next plans after the best, in the same order
  BatchOptions batch;                  // threads, missing policy, encoding (for sources)
};

// A set of products, in the order of plans: least cost, then fewer products, then shorter
// longest implementation, then the ids (sorted) compared as byte strings.
struct Plan {
  std::vector<std::size_t> products;  // indices into Catalogue::products, by id
  std::int64_t cost = 0;              // 元: price + annual × years
  std::int64_t price = 0, annual = 0, eligible = 0;
  int weeks = 0;  // the longest implementation period
  int level_after = 0;
};

// What one product of a plan closes, taken in the plan's order (by id): the points it adds
// to those before it, the scenarios it brings to the target level (and of them the
// constraint ones), and the products whose prerequisites it meets.
struct Contribution {
  std::size_t product = 0;
  Decimal points;
  std::vector<std::size_t> scenarios;   // rule-set scenario indices
  std::vector<std::size_t> constraint;  // of which constraint (★) scenarios
  std::vector<std::size_t> enables;     // products of the plan it is a prerequisite of
};

// A condition of the target level: what it requires, what the survey has, and with the plan
// (or, with no plan, with every product allowed for the enterprise applied: `best`).
struct ConditionState {
  std::string what;  // "points", "scenarios", "constraint"
  Decimal required, before, after;
  bool covered = true;  // with no plan: whether the catalogue's products can meet it
};

struct Match {
  std::string enterprise_id;
  std::string industry, district;
  std::vector<Issue> errors;  // not empty: the survey could not be scored, no plan
  int level_before = 0;
  int target = 0;
  bool reached = false;  // a plan exists (or the survey is already at the target)
  bool already = false;  // at or above the target before any product
  Plan plan;             // when reached (empty when already)
  std::vector<Contribution> explanation;
  std::vector<ConditionState> conditions;  // the target level's, in rule order
  std::vector<Plan> alternatives;
  // False when the search for alternatives reached its limit of sets (docs/matching.md): the
  // alternatives are the cheapest found, not proved the next ones. The best plan is exact.
  bool alternatives_complete = true;
  // When not reached: why, in Chinese, and the conditions no allowed product covers (the gap;
  // empty when the products could cover them but not within the budget or prerequisites).
  std::string reason;
  std::vector<std::string> gap;
  std::size_t allowed = 0;  // products allowed for the enterprise's industry
};

// The plan search for one catalogue, target, years and budget; const and thread-safe.
class Matcher {
 public:
  // Throws std::invalid_argument for a target the rule set does not have, years below 0, a
  // negative budget or alternatives below 0.
  Matcher(const Engine& engine, const Catalogue& catalogue, const MatchOptions& options = {});
  Match match(const CodedSurvey& survey) const;
  int target() const noexcept { return target_; }
  const Engine& engine() const noexcept { return engine_; }
  const Catalogue& catalogue() const noexcept { return catalogue_; }
  const MatchOptions& options() const noexcept { return options_; }

 private:
  const Engine& engine_;
  const Catalogue& catalogue_;
  MatchOptions options_;
  int target_ = 2;
  std::shared_ptr<const detail::MatchRules> rules_;
};

// The cohort view (产品矩阵): per product, the plans that use it by industry and district and
// the demand it meets (元 of those plans spent on it, enterprises with an unmet condition it
// can address); per condition, the enterprises no product can bring to the target.
struct ProductUse {
  std::size_t product = 0;
  std::size_t plans = 0;
  std::vector<std::pair<std::string, std::size_t>> by_industry, by_district;  // sorted by name
  std::int64_t revenue = 0;     // 元: its cost in the plans that use it
  std::size_t addressable = 0;  // enterprises short of a condition it can address
};
struct ConditionGap {
  std::string what;
  std::vector<std::string> enterprises;  // input order
};
struct ProductMatrix {
  int target = 0;
  std::size_t enterprises = 0, reached = 0, already = 0, errors = 0;
  std::vector<ProductUse> products;  // catalogue order
  std::vector<ConditionGap> gaps;    // points, scenarios, constraint
};

struct MatchRun {
  std::vector<Match> matches;  // input order (kept unless written only)
  ProductMatrix matrix;
  std::size_t records = 0;
};

// The match job. Every survey yields one match, in input order; a survey that cannot be
// read or scored yields one with its errors. With `out`, each match is written as one JSON
// line (to_json) as it is made and not kept.
MatchRun run_match(const Matcher& matcher, std::span<const SurveySource> sources,
                   std::ostream* out = nullptr);
MatchRun run_match(const Matcher& matcher, std::span<const CodedSurvey> surveys,
                   std::ostream* out = nullptr);

// The 改造方案 in each enterprise's diagnosis files (`smedx diagnose --catalogue`,
// DiagnoseRequest::section): the match to the enterprise's own diagnosis target as JSON (to_json
// of the Match, under "plan") and as a section of its page (products, provider, price, annual
// fee, weeks, what each closes, the total in 元; or the conditions no product covers).
// `options.target` is not used; years, budget and alternatives are. Throws what Matcher throws.
// The engine and catalogue must outlive the section.
std::shared_ptr<const EnterpriseSection> make_plan_section(const Engine& engine,
                                                           const Catalogue& catalogue,
                                                           const MatchOptions& options = {});

// One JSON object (no newline) for a match, and one for the 产品矩阵.
std::string to_json(const Match& m, const Matcher& matcher);
std::string to_json(const ProductMatrix& matrix, const Matcher& matcher);

}  // namespace smedx
