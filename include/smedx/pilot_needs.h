// The cohort's 共性+个性 改造需求清单 (transformation needs list) of a pilot: the baseline surveys
// of the enterprises below the programme's target level, diagnosed by the library's cohort
// diagnosis (smedx/diagnose_cohort.h) per programme industry. A requirement is 共性 in an
// industry when at least the rule set's common share of that industry's below-target
// enterprises, and at least two of them, need it; every enterprise's own path is its 个性 list,
// each requirement marked 共性 or not. Rules: docs/programmes.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnosis.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx {

// One requirement the cohort shares (共性) in one industry.
struct CommonNeed {
  std::string kind;  // scenario or item
  std::string id, code, zh;
  bool constraint = false;               // a constraint (★) scenario
  int count = 0;                         // below-target enterprises that need it
  Decimal share_percent;                 // of the industry's below-target enterprises
  std::vector<std::string> enterprises;  // their ids, in register order
};

struct IndustryNeeds {
  std::string industry, zh;        // the programme's industry id and name
  int baseline = 0;                // baseline surveys scored under the programme's rule set
  int at_or_above = 0;             // of which at or above the target level already
  int below = 0;                   // below it: diagnosed, and what 共性 is counted among
  int unreachable = 0;             // of those, with no path to the target
  int individual = 0;              // requirements that are an enterprise's own (个性 only)
  std::vector<CommonNeed> common;  // most needed first, then the rule set's order
};

// One requirement of one enterprise, kept small (a large pilot lists millions): its names and
// texts are the rule set's, read when written (need_text).
struct NeedRow {
  bool item = false;        // an item upgrade; else a scenario level raise
  std::uint32_t index = 0;  // the scenario's place in RuleSet::scenarios, the item's in items()
  std::uint32_t from = 0, to = 0;  // scenario: levels; item: options (bit k: option A + k)
  bool common = false;             // 共性 in the enterprise's industry
  char priority = 'n';             // h, m, n: high, medium, normal (as the diagnosis ranks)
};

// A NeedRow as people read it.
struct NeedText {
  std::string_view kind;  // scenario or item
  std::string_view id, code, zh;
  bool constraint = false;
  std::string change;         // 1级→2级, B→B、C
  std::string meaning;        // the level reached, or the new options
  std::string_view priority;  // high, medium or normal
};
NeedText need_text(const RuleSet& rules, const NeedRow& row);

// One below-target enterprise's path to the target: its requirements (each with `common` set).
struct EnterpriseNeeds {
  const Enterprise* enterprise = nullptr;
  int level = 0;  // baseline level
  PathStatus status = PathStatus::unreachable;
  std::string reason;                 // why unreachable
  std::vector<NeedRow> requirements;  // priority order, as the diagnosis gives them
};

struct PilotNeeds {
  const RuleSet* rules = nullptr;  // the programme's, which the rows point into
  int target = 0;
  Decimal threshold;  // the share that makes a requirement 共性 (the rule set's)
  // Baselines the list leaves out: scored under another rule set, or not scorable.
  int other_rule_set = 0, unscored = 0;
  std::vector<IndustryNeeds> industries;     // the programme's order
  std::vector<EnterpriseNeeds> enterprises;  // register order: the below-target ones
};

// 场景 or 指标项; 高, 中, 一般; a change as people read it (1级→2级, B→C).
std::string_view need_kind_zh(std::string_view kind) noexcept;
std::string_view need_priority_zh(std::string_view priority) noexcept;
std::string need_change_text(const Change& c);

std::string needs_json(const PilotNeeds& n);
// 共性 per industry: a row per industry and common requirement.
std::string needs_common_csv(const PilotNeeds& n, CsvHeaders headers = CsvHeaders::en);
// 个性 per enterprise: a row per enterprise and requirement.
std::string needs_individual_csv(const PilotNeeds& n, CsvHeaders headers = CsvHeaders::en);
// The dashboard's 改造需求清单 section: 共性 per industry, and how many 个性 (the file has them).
std::string needs_html_section(const PilotNeeds& n);

}  // namespace smedx
