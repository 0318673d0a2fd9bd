#include "exact.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace smedx::detail {

namespace {
constexpr int128 pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}
}  // namespace

std::optional<Exact> Exact::parse(std::string_view text) noexcept {
  if (text.find_first_of("eE") != std::string_view::npos) {
    // Exponent notation: go through a fixed rendering with every digit a double can hold.
    const double v = std::strtod(std::string(text).c_str(), nullptr);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17f", v);
    return parse(buf);
  }
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  int128 whole = 0, frac = 0;
  int whole_digits = 0, frac_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++whole_digits) {
    if (whole_digits >= 12) return std::nullopt;  // keeps tolerance products in range
    whole = whole * 10 + (text[i] - '0');
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (frac_digits < digits) {
        frac = frac * 10 + (text[i] - '0');
        ++frac_digits;
      }
    }
  }
  if (i != text.size() || (whole_digits == 0 && frac_digits == 0)) return std::nullopt;
  Exact e;
  e.value = whole * pow10(digits) + frac * pow10(digits - frac_digits);
  if (negative) e.value = -e.value;
  return e;
}

Exact Exact::of(Decimal d) noexcept {
  Exact e;
  e.value = static_cast<int128>(d.thousandths()) * pow10(digits - 3);
  return e;
}

}  // namespace smedx::detail
