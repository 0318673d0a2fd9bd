// Exact decimal numbers for points, thresholds and percentages.
// A Decimal holds integer thousandths, so 0.7 * 13 + 0.9 is exactly 10 and a total of 80.0
// reaches an 80 threshold; nothing in scoring goes through binary floating point.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smedx {

class Decimal {
 public:
  static constexpr std::int64_t scale = 1000;  // thousandths

  constexpr Decimal() noexcept = default;
  static constexpr Decimal from_thousandths(std::int64_t t) noexcept {
    Decimal d;
    d.milli_ = t;
    return d;
  }
  static constexpr Decimal from_int(std::int64_t v) noexcept { return from_thousandths(v * scale); }

  // Parses a plain decimal literal ("2", "-1.5", "1.875", "10.010"). Returns nothing for text
  // that is not such a literal or that has a nonzero digit past the third decimal place.
  static std::optional<Decimal> parse(std::string_view text) noexcept;

  constexpr std::int64_t thousandths() const noexcept { return milli_; }
  double to_double() const noexcept { return static_cast<double>(milli_) / scale; }
  // Shortest exact text: "10", "57.5", "1.875", "-0.25".
  std::string to_string() const;

  constexpr Decimal operator+(Decimal o) const noexcept {
    return from_thousandths(milli_ + o.milli_);
  }
  constexpr Decimal operator-(Decimal o) const noexcept {
    return from_thousandths(milli_ - o.milli_);
  }
  constexpr Decimal& operator+=(Decimal o) noexcept {
    milli_ += o.milli_;
    return *this;
  }
  constexpr Decimal& operator-=(Decimal o) noexcept {
    milli_ -= o.milli_;
    return *this;
  }
  constexpr auto operator<=>(const Decimal&) const noexcept = default;

 private:
  std::int64_t milli_ = 0;
};

}  // namespace smedx
