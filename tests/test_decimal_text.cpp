// The table-driven number text of records: the same bytes as Decimal::to_string and
// std::to_chars over the whole tabled range and past its edges.
#include <doctest/doctest.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "common/decimal_text.h"
#include "smedx/decimal.h"

namespace {

std::string thousandths_text(std::int64_t t) {
  char buf[64];
  return std::string(buf, smedx::detail::write_thousandths(buf, t));
}

std::string int_text(std::int64_t v) {
  char buf[64];
  return std::string(buf, smedx::detail::write_int(buf, v));
}

}  // namespace

TEST_SUITE("decimal text") {
  TEST_CASE("decimal text.thousandths read as Decimal::to_string over the whole table") {
    std::size_t wrong = 0;
    for (std::int64_t t = -2'000'000; t <= 2'000'000; ++t)
      wrong += thousandths_text(t) != smedx::Decimal::from_thousandths(t).to_string();
    CHECK(wrong == 0);
  }

  TEST_CASE("decimal text.thousandths far from zero keep their digits and sign") {
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min() + 1;
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    for (std::int64_t t : {lowest, lowest + 999, std::int64_t{-1'000'000'000'001}, highest,
                           highest - 7, std::int64_t{123'456'789'050}}) {
      CAPTURE(t);
      CHECK(thousandths_text(t) == smedx::Decimal::from_thousandths(t).to_string());
    }
    CHECK(thousandths_text(52'475) == "52.475");
    CHECK(thousandths_text(-250) == "-0.25");
  }

  TEST_CASE("decimal text.integers read as std::to_chars, in the table and outside it") {
    auto chars = [](std::int64_t v) {
      char buf[32];
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    };
    for (std::int64_t v = -5000; v <= 5000; ++v) {
      CAPTURE(v);
      REQUIRE(int_text(v) == chars(v));
    }
    for (std::int64_t v : {std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max(), std::int64_t{1'000'000}})
      CHECK(int_text(v) == chars(v));
  }
}
