// Printable, self-contained HTML pages: the enterprise file (一企一档) and the cohort overview.
// No external assets: styles inline, charts as SVG.
#pragma once

#include <string>

#include "smedx/cohort.h"
#include "smedx/diagnosis.h"
#include "smedx/rules.h"

namespace smedx {

std::string enterprise_html(const Diagnosis& d, const RuleSet& rules);
std::string cohort_html(const Cohort& cohort, const RuleSet& rules, int target);

}  // namespace smedx
