// Common requirements (共性) across a cohort: enterprises grouped by industry (optionally also
// district); a requirement is common in a group when at least a threshold share of the group's
// scored enterprises below their target, and at least two of them, have it on their path to the
// target (a requirement of one enterprise alone is its own, 个性, however small its group).
// Aggregates as diagnoses stream by: memory grows with groups and requirements (and the ids listed
// under them), not with surveys.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnosis.h"

namespace smedx {

struct CohortRequirement {
  std::string kind;  // scenario or item
  std::string id;
  std::string code;
  std::string zh;
  int count = 0;
  std::vector<std::string> enterprises;
};

struct CohortGroup {
  std::string industry;
  std::string district;       // empty unless grouping by district
  std::string zh;             // the industry profile's name
  int enterprises = 0;        // every survey of the group
  int scored = 0;             // of which could be scored
  std::map<int, int> levels;  // level -> enterprises
  int at_or_above_target = 0;
  // Scored and below their target: the enterprises 共性 is counted among.
  int below_target() const noexcept { return scored - at_or_above_target; }
  std::map<std::string, CohortRequirement> requirements;    // kind:id -> requirement
  std::vector<std::pair<std::string, std::string>> errors;  // enterprise id, message
};

class Cohort {
 public:
  Cohort(const RuleSet& rules, Decimal threshold, bool by_district);

  void add(const Diagnosis& d);
  // Marks each of d's requirements common or individual, after every add.
  void tag(Diagnosis& d) const;
  bool is_common(const std::string& group, const Requirement& r) const;

  const std::map<std::string, CohortGroup>& groups() const noexcept { return groups_; }
  Decimal threshold() const noexcept { return threshold_; }
  std::string group_of(const Diagnosis& d) const;
  // The enterprise id, or "<file>:<line>" for a record that has none (a malformed line).
  static std::string label(const Diagnosis& d);
  // Ids seen more than once (each occurrence is counted, so say so).
  const std::vector<std::string>& duplicate_ids() const noexcept { return duplicates_; }

  std::string to_json() const;

 private:
  const RuleSet& rules_;
  Decimal threshold_;
  bool by_district_;
  std::map<std::string, CohortGroup> groups_;
  std::set<std::string> seen_;
  std::vector<std::string> duplicates_;
};

}  // namespace smedx
