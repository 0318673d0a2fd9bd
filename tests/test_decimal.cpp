#include <doctest/doctest.h>

#include "smedx/decimal.h"

using smedx::Decimal;

TEST_SUITE("decimal") {
  TEST_CASE("decimal.parses exact literals into thousandths") {
    CHECK(Decimal::parse("2")->thousandths() == 2000);
    CHECK(Decimal::parse("1.875")->thousandths() == 1875);
    CHECK(Decimal::parse("0.7")->thousandths() == 700);
    CHECK(Decimal::parse("-1.5")->thousandths() == -1500);
    CHECK(Decimal::parse("10.0100")->thousandths() == 10010);
    CHECK(Decimal::parse(".5")->thousandths() == 500);
  }

  TEST_CASE("decimal.refuses what it cannot hold exactly") {
    CHECK_FALSE(Decimal::parse("0.0005"));
    CHECK_FALSE(Decimal::parse("1e3"));
    CHECK_FALSE(Decimal::parse("two"));
    CHECK_FALSE(Decimal::parse(""));
    CHECK_FALSE(Decimal::parse("."));
    CHECK_FALSE(Decimal::parse("1.2.3"));
    CHECK_FALSE(Decimal::parse("1234567890123456"));
  }

  TEST_CASE("decimal.0.7 x 13 + 0.9 is exactly 10") {
    Decimal sum;
    for (int i = 0; i < 13; ++i) sum += *Decimal::parse("0.7");
    sum += *Decimal::parse("0.9");
    CHECK(sum == Decimal::from_int(10));
  }

  TEST_CASE("decimal.80.0 reaches an 80 threshold") {
    CHECK(*Decimal::parse("80.0") >= Decimal::from_int(80));
    CHECK(*Decimal::parse("79.999") < Decimal::from_int(80));
  }

  TEST_CASE("decimal.prints the shortest exact text") {
    CHECK(Decimal::from_int(10).to_string() == "10");
    CHECK(Decimal::parse("57.5")->to_string() == "57.5");
    CHECK(Decimal::parse("1.875")->to_string() == "1.875");
    CHECK(Decimal::parse("-0.25")->to_string() == "-0.25");
    CHECK(Decimal{}.to_string() == "0");
  }
}
