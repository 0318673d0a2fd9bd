#include <fmt/format.h>

#include <charconv>

#include "smedx/programme.h"

namespace smedx {

namespace {
// Days from civil and back (Howard Hinnant's algorithms): exact integer arithmetic.
constexpr int days_from_civil(int y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m, d;
};

constexpr Civil civil_from_days(int z) noexcept {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

unsigned month_days(int y, unsigned m) noexcept {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

bool digits(std::string_view s, int& out) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{};
}
}  // namespace

std::string Date::to_string() const {
  const Civil c = civil_from_days(days);
  return fmt::format("{:04}-{:02}-{:02}", c.y, c.m, c.d);
}
int Date::year() const noexcept { return civil_from_days(days).y; }
int Date::month() const noexcept { return static_cast<int>(civil_from_days(days).m); }

std::optional<Date> parse_date(std::string_view t) noexcept {
  int y = 0, m = 0, d = 0;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!digits(t.substr(0, 4), y) || !digits(t.substr(5, 2), m) || !digits(t.substr(8, 2), d))
    return std::nullopt;
  if (y < 1900 || m < 1 || m > 12 || d < 1 ||
      d > static_cast<int>(month_days(y, static_cast<unsigned>(m))))
    return std::nullopt;
  return Date{days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))};
}

std::optional<Date> parse_month(std::string_view t, bool last_day) noexcept {
  int y = 0, m = 0;
  if (t.size() != 7 || t[4] != '-') return std::nullopt;
  if (!digits(t.substr(0, 4), y) || !digits(t.substr(5, 2), m) || y < 1900 || m < 1 || m > 12)
    return std::nullopt;
  const unsigned um = static_cast<unsigned>(m);
  return Date{days_from_civil(y, um, last_day ? month_days(y, um) : 1)};
}

}  // namespace smedx
