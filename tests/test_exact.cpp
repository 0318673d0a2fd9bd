// Exact decimals of survey numbers: every digit kept, or the number refused.
#include <doctest/doctest.h>

#include "common/exact.h"
#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/survey_text.h"

using smedx::detail::Exact;

namespace {
Exact of(const char* text) {
  auto e = Exact::parse(text);
  REQUIRE_MESSAGE(e, text);
  return *e;
}
Exact dec(const char* text) { return Exact::of(*smedx::Decimal::parse(text)); }
}  // namespace

TEST_SUITE("exact") {
  TEST_CASE("exact.plain decimals and exponents keep every digit") {
    CHECK(of("10") == dec("10"));
    CHECK(of("10.000") == dec("10"));
    CHECK(of("1e1") == dec("10"));
    CHECK(of("1.5e1") == dec("15"));
    CHECK(of("150e-1") == dec("15"));
    CHECK(of("-0") == dec("0"));
    CHECK(of(".5") == dec("0.5"));
    CHECK(of("10.000000000000000001") > dec("10"));  // 18 decimals, the last one counts
    CHECK(of("1.00000000000000001e1") > dec("10"));
  }

  TEST_CASE("exact.plain decimals read the same as their exponent forms") {
    // Plain decimals take a one-pass fast path; exponent forms the general one.
    CHECK(of("132.47") == of("13247e-2"));
    CHECK(of("-0.725") == of("-725e-3"));
    CHECK(of("7") == of("0.7e1"));
    CHECK(of("999999999999.999999999999999999") == of("999999999999999999999999999999e-18"));
    CHECK(of("0.000000000000000001") == of("1e-18"));
    CHECK(of("-0") == of("0"));
    CHECK_FALSE(Exact::parse("-"));
    CHECK_FALSE(Exact::parse("5.5."));
    CHECK_FALSE(Exact::parse("1.0000000000000000001"));           // 19 decimals, the last not zero
    CHECK_FALSE(Exact::parse("123456789012345678901234567890"));  // past 64 bits, refused
    CHECK(of("1.0000000000000000000000000") == of("1"));          // trailing zeros only
  }

  TEST_CASE("exact.refuses what it cannot hold rather than rounding") {
    CHECK_FALSE(Exact::parse("10.0000000000000000001"));  // 19 decimals
    CHECK_FALSE(Exact::parse("1234567890123"));           // 13 digits before the point
    CHECK_FALSE(Exact::parse("0x1e"));
    CHECK_FALSE(Exact::parse("5e"));
    CHECK_FALSE(Exact::parse("12abcE"));
    CHECK_FALSE(Exact::parse("1.5.5"));
    CHECK_FALSE(Exact::parse("inf"));
  }

  TEST_CASE("exact.survey numbers that would be rounded are refused with a clear message") {
    const smedx::Engine engine(
        smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml").rules());
    auto first_error = [&](const std::string& rate, bool json) {
      const std::string body = R"("answers": {"network": ["B"], "rate": )" + rate +
                               R"(, "energy": "C"}, "scenarios": {"quality": 1, "energy_use": 1}})";
      const auto parsed = json ? smedx::parse_survey_json(R"({"enterprise": {"id": "E"}, )" + body)
                               : smedx::parse_survey_yaml("{enterprise: {id: E}, " + body);
      if (!parsed.survey) return parsed.issues.at(0).message;
      const auto coded = engine.code(*parsed.survey);
      return coded.errors.empty() ? std::string("ok") : coded.errors[0].message;
    };
    CHECK(first_error("10.0000000000000001", true) ==
          "number 10.0000000000000001 has more than 15 significant digits, more than a JSON "
          "number holds exactly; write it with fewer digits");
    CHECK(first_error("10.0000000000000000001", false) ==
          "percentage '10.0000000000000000001' for item 'rate' is not a plain decimal number (at "
          "most 12 digits before the point and 18 after)");
    CHECK(first_error("50.000000000000000001", false) == "ok");
    CHECK(first_error("0x1e", false) ==
          "expected an option letter, a list of letters, a percentage or {before, after} for "
          "'rate', got '0x1e'");
    CHECK(first_error("5e1", true) == "ok");
  }
}
