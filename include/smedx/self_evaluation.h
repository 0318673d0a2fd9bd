// The city's 绩效自评 (mid-term or final self-evaluation) from a pilot's result, under the plan's
// own headings: 数字化改造、复制推广、中小企业创新能力提升、典型经验做法、专项资金使用. Every
// figure comes from the same result as the dashboard (progress, composition, providers, selected
// cases, project stages and 奖补 when given); a part whose input was not given says so.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx {

enum class ReportKind { midterm, final_ };
std::optional<ReportKind> report_kind(std::string_view name) noexcept;  // "midterm", "final"

std::string self_evaluation_json(const Programme& programme, const PilotResult& result,
                                 ReportKind kind);
// A printable Chinese page (A4, repeated table headers, page numbers, 编制/审核 block).
std::string self_evaluation_html(const Programme& programme, const PilotResult& result,
                                 ReportKind kind);

}  // namespace smedx
