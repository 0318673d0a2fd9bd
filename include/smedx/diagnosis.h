// Diagnosis: from a score to a plan. The cheapest set of changes (scenario level raises, item
// option upgrades) after which an enterprise reaches a target level, under the rule set's cost
// model and its industry profile, and the requirements those changes stand for (个性), each
// with what it means, the evidence to prepare and a priority.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "smedx/engine.h"
#include "smedx/rules.h"
#include "smedx/survey.h"

namespace smedx {

// A cost: the product of a gain and a unit cost, both exact thousandths, so kept in millionths.
struct Cost {
  std::int64_t millionths = 0;
  std::string to_string() const;
  auto operator<=>(const Cost&) const = default;
};

struct Change {
  enum class Kind { scenario, item };
  Kind kind = Kind::scenario;
  std::string id;
  std::string code;
  int from_level = 0;  // scenario
  int to_level = 0;
  std::vector<char> from, to;  // item: the options before and after
  bool list = false;           // item: a multi item, answered as a list
  Decimal points;              // item: points gained
  Cost cost;
};

enum class PathStatus { reachable, already, unreachable };
std::string_view to_string(PathStatus s) noexcept;

// A found path in brief, for a second pass over the same surveys (the cohort diagnosis,
// diagnose_cohort.h, makes two: the files need the whole cohort first): enough to make the Path
// again without searching. `survey` fingerprints the survey, target and profile it was found for;
// 0: none.
struct PathPlan {
  struct Step {
    bool item = false;
    std::uint32_t index = 0;  // the scenario's or item's place in the rule set
    std::uint32_t to = 0;     // item: the whole new answer (bit k: option A + k)
    Decimal points;           // item: points gained
    Cost cost;
  };
  std::uint64_t survey = 0;
  std::vector<Step> steps;
};

struct Path {
  int target = 0;
  PathStatus status = PathStatus::unreachable;
  Cost cost;
  std::vector<Change> changes;
  std::string reason;  // why unreachable, or already
  // Consistency (plausibility) rules the survey would newly fail with these changes applied.
  std::vector<Issue> warnings;
  PathPlan plan;  // a reachable path's changes in brief (not part of the files)
};

struct Requirement {
  Change change;
  std::string zh;                     // the scenario's or item's name
  std::string meaning;                // the target level's description, or the better options
  bool constraint = false;            // a constraint (★) scenario
  std::string gain;                   // what it brings: points, or the condition it closes
  std::vector<std::string> evidence;  // to prepare for the on-site assessment
  std::string priority;               // high, medium or normal
  bool common = false;                // 共性: shared by the enterprise's cohort (see cohort.h)
};

// How much of a diagnosis to make. `cohort`: only what a Cohort counts (Cohort::add) and the
// path's plan, for a first pass over a cohort whose diagnoses are dropped once counted: the
// assessment holds the enterprise id and fields, the errors and the level (no item, part or
// scenario scores, explanation, warnings or provenance); each requirement its change and name,
// in path order (no meaning, evidence, gain or priority).
enum class DiagnosisDetail { full, cohort };

struct Diagnosis {
  Assessment assessment;
  std::string industry;  // as the survey gives it
  std::string profile;   // the profile used
  int target = 0;
  Path path;
  std::vector<Requirement> requirements;  // 个性, in priority order
  std::vector<Issue> warnings;            // about the diagnosis itself (an unknown industry)
};

class Diagnoser {
 public:
  // The engine's rule set must have diagnosis settings; throws std::invalid_argument if not.
  explicit Diagnoser(const Engine& engine);

  // Target: the given one, else the profile's, else the rule set's. A survey with errors comes
  // back with its errors in assessment and no path.
  Diagnosis diagnose(const Survey& survey, std::optional<int> target = {},
                     MissingPolicy missing = MissingPolicy::error) const;
  // `known`: the plan of the path found for this survey before (PathPlan): the path is made
  // from it, unless it was found for another survey, target or profile.
  Diagnosis diagnose(const CodedSurvey& coded, std::optional<int> target = {},
                     const PathPlan* known = nullptr,
                     DiagnosisDetail detail = DiagnosisDetail::full) const;

  // The cheapest changes to `coded` (which must be ok()) that reach `target`.
  Path path(const CodedSurvey& coded, int target, const IndustryProfile* profile,
            const PathPlan* known = nullptr) const;

  // The survey with a path's changes applied (what re-scoring checks).
  static CodedSurvey apply(const CodedSurvey& coded, const Path& path, const RuleSet& rules);

  const IndustryProfile* profile_for(std::string_view industry) const noexcept;
  const Engine& engine() const noexcept { return engine_; }

 private:
  const Engine& engine_;
};

// The enterprise file's JSON: the assessment, the profile, the path and the requirements.
std::string to_json(const Diagnosis& d);
// The same with one more member, `key`: `value` (a JSON value; empty: none), last.
std::string to_json(const Diagnosis& d, std::string_view key, std::string_view value);

}  // namespace smedx
