#include "common/exact.h"

#include <array>
#include <cstdint>
#include <string>

namespace smedx::detail {

namespace {
// At namespace scope: as a constexpr local of pow10, GCC built the table on every call.
constexpr std::array<int128, 19> pow10_table = [] {
  std::array<int128, 19> t{};
  t[0] = 1;
  for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
  return t;
}();
constexpr int128 pow10(int n) { return pow10_table[static_cast<std::size_t>(n)]; }
constexpr int max_whole_digits = 12;  // keeps the tolerance products of trend checks in range
}  // namespace

// Reads [sign] digits [. digits] [e [sign] digits] with every digit kept: the exponent moves
// the decimal point in the text, not through a double. A value that needs more than 12 digits
// before the point or 18 after it is refused rather than rounded.
std::optional<Exact> Exact::parse(std::string_view text) noexcept {
  // What surveys hold, "-72.5" or "132.47": [-] 1-12 digits [. 1-18 digits], read in one pass
  // with no buffer. Everything else takes the general path below, which gives the same value.
  {
    std::size_t i = text.starts_with('-') ? 1 : 0;
    const std::size_t whole_start = i;
    // Unsigned: a run of digits too long for the fast path wraps harmlessly before it is
    // sent on to the general path.
    std::uint64_t whole = 0, frac = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
    const std::size_t whole_len = i - whole_start;
    std::size_t frac_len = 0;
    bool plain = whole_len >= 1 && whole_len <= max_whole_digits;
    if (plain && i < text.size() && text[i] == '.') {
      const std::size_t frac_start = ++i;
      for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
        frac = frac * 10 + static_cast<unsigned>(text[i] - '0');
      frac_len = i - frac_start;
      plain = frac_len >= 1 && frac_len <= static_cast<std::size_t>(Exact::digits);
    }
    if (plain && i == text.size()) {
      Exact e;
      e.value = static_cast<int128>(whole) * pow10(Exact::digits) +
                static_cast<int128>(frac) * pow10(Exact::digits - static_cast<int>(frac_len));
      if (whole_start == 1) e.value = -e.value;
      return e;
    }
  }
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;  // all mantissa digits, the point removed
  int point = -1;      // digits before the point
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (digits.size() > 64) return std::nullopt;
      digits += c;
    } else if (c == '.' && point < 0) {
      point = static_cast<int>(digits.size());
    } else {
      break;
    }
  }
  if (digits.empty()) return std::nullopt;
  if (point < 0) point = static_cast<int>(digits.size());
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    int exponent = 0;
    std::size_t exp_digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++exp_digits) {
      if (exponent > 1000) return std::nullopt;
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (exp_digits == 0) return std::nullopt;
    point += exp_negative ? -exponent : exponent;
  }
  if (i != text.size()) return std::nullopt;

  // The value is digits with the point after `point` of them (point may be negative or past the
  // end). The whole part may have at most 12 significant digits, the fraction at most 18.
  int128 whole = 0;
  int whole_digits = 0;
  for (int k = 0; k < point; ++k) {
    const char d = k < static_cast<int>(digits.size()) ? digits[static_cast<std::size_t>(k)] : '0';
    if (whole_digits > 0 || d != '0') ++whole_digits;
    if (whole_digits > max_whole_digits) return std::nullopt;
    whole = whole * 10 + (d - '0');
  }
  std::string fraction(point < 0 ? static_cast<std::size_t>(-point) : 0, '0');
  const std::size_t start = point > 0 ? static_cast<std::size_t>(point) : 0;
  if (start < digits.size()) fraction += digits.substr(start);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (fraction.size() > static_cast<std::size_t>(Exact::digits)) return std::nullopt;
  int128 frac = 0;
  for (char d : fraction) frac = frac * 10 + (d - '0');
  Exact e;
  e.value = whole * pow10(Exact::digits) +
            frac * pow10(Exact::digits - static_cast<int>(fraction.size()));
  if (negative) e.value = -e.value;
  return e;
}

}  // namespace smedx::detail
