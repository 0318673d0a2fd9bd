#include "smedx/decimal.h"

#include <cstdlib>

namespace smedx {

std::optional<Decimal> Decimal::parse(std::string_view text) noexcept {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  std::int64_t whole = 0;
  std::size_t whole_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (whole_digits >= 15) return std::nullopt;  // far beyond any score; keeps int64 safe
    whole = whole * 10 + (text[i] - '0');
    ++whole_digits;
    ++i;
  }
  std::int64_t frac = 0;
  std::size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      const int digit = text[i] - '0';
      if (frac_digits < 3) {
        frac = frac * 10 + digit;
      } else if (digit != 0) {
        return std::nullopt;  // not exactly representable in thousandths
      }
      ++frac_digits;
      ++i;
    }
  }
  if (i != text.size() || (whole_digits == 0 && frac_digits == 0)) return std::nullopt;
  for (std::size_t k = frac_digits; k < 3; ++k) frac *= 10;
  const std::int64_t t = whole * scale + frac;
  return from_thousandths(negative ? -t : t);
}

std::string Decimal::to_string() const {
  std::int64_t v = milli_;
  std::string out;
  if (v < 0) {
    out += '-';
    v = -v;
  }
  out += std::to_string(v / scale);
  std::int64_t frac = v % scale;
  if (frac != 0) {
    char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10), '\0'};
    std::string f = digits;
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += '.';
    out += f;
  }
  return out;
}

}  // namespace smedx
