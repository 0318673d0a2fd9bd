// Printable, self-contained HTML pages: the enterprise file (一企一档) and the cohort overview.
// No external assets: styles inline, charts as SVG. Printed on A4 with table headers repeated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smedx/cohort.h"
#include "smedx/diagnosis.h"
#include "smedx/rules.h"

namespace smedx {

// Who diagnosed an enterprise and when, as its page shows them above the 签字/盖章 block. Inputs
// only, never made up (a page written on another day is the same page): an empty field is a
// blank line to fill in by hand.
struct DiagnosisSigning {
  // The diagnosis date as given (YYYY-MM-DD); empty: the survey's enterprise.assessed_on when
  // it has one, else a blank.
  std::string diagnosed_on;
  std::string organisation;   // 诊断机构
  std::string diagnostician;  // 诊断人
};

std::string enterprise_html(const Diagnosis& d, const RuleSet& rules);
// With who diagnosed it, and `section` (HTML, such as the 改造方案 of smedx/match.h) placed
// after the requirements.
std::string enterprise_html(const Diagnosis& d, const RuleSet& rules,
                            const DiagnosisSigning& signing, std::string_view section = {});

// One enterprise in the cohort overview's roster (名单), linked to its page.
struct RosterEntry {
  std::string group;  // Cohort::group_of
  std::string id;     // Cohort::label
  std::string name;   // enterprise.name; may be empty
  std::string file;   // its page's file name without .html (index.tsv); empty: no link
  bool scored = false;
  int level = 0;
  int target = 0;
};

// The overview counted against `target`; with `roster`, each group lists its enterprises.
std::string cohort_html(const Cohort& cohort, const RuleSet& rules, int target);
std::string cohort_html(const Cohort& cohort, const RuleSet& rules, int target,
                        const std::vector<RosterEntry>& roster);

}  // namespace smedx
