// The one CSV output row format, shared by the Assessment and the batch (block column) writers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/rules.h"

namespace smedx::detail {

std::string csv_row(std::string_view id, int level, Decimal total,
                    const std::vector<Decimal>& dimensions, const std::vector<std::int8_t>& levels);
std::string csv_error_row(std::string_view id, std::string_view message, const RuleSet& rules);

}  // namespace smedx::detail
