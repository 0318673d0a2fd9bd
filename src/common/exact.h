// Exact comparison of decimal numbers written as text (survey percentages and figures), so that
// 10 falls in band [0, 10] and 10.01 in (10, 20], and a change of exactly 1% is within a 1%
// tolerance, with no binary floating point in between.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "smedx/decimal.h"

namespace smedx::detail {

__extension__ using int128 = __int128;  // GCC and Clang; __extension__ keeps -Wpedantic quiet

// A decimal as mantissa * 10^-18, at most 12 integer digits (revenue in yuan fits); int128 keeps
// the products of the tolerance check from overflowing.
struct Exact {
  int128 value = 0;
  static constexpr int digits = 18;

  // Plain decimals and exponent notation ("1.5e1"), every digit kept. Nothing for anything
  // else, or for a value with more than 12 digits before the point or 18 after it.
  static std::optional<Exact> parse(std::string_view text) noexcept;
  // In line: band and trend checks compare with rule-set bounds for every option.
  static constexpr Exact of(Decimal d) noexcept {
    return Exact{int128{d.thousandths()} * 1'000'000'000'000'000};  // 10^(digits - 3)
  }
  auto operator<=>(const Exact&) const noexcept = default;
};

}  // namespace smedx::detail
