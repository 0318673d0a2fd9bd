// The 典型案例集: a printable booklet of the cases the city selected (the `selected` input), one
// case a page, in rank order: the enterprise, its industry and provider, its level and score
// before and after, what changed (the scenarios whose level rose and the items that gained
// points, baseline against acceptance survey), and the products and solutions it used (the
// register's `solutions`). Self-contained HTML with the pilot pages' A4 print style.
#pragma once

#include <string>

#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx {

std::string case_booklet_html(const Programme& programme, const PilotResult& result);

}  // namespace smedx
