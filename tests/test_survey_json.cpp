// Surveys from JSON: every kind of bad input comes back with an exact message, and a good
// survey survives a round trip through to_json.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>

#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

namespace {

const smedx::Engine& engine() {
  static const smedx::Engine e(
      smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml").rules());
  return e;
}

const char* const good =
    R"({"enterprise": {"id": "E1", "name": "甲公司", "industry": "equipment_parts"},)"
    R"( "answers": {"network": ["B", "C"], "rate": 37.5, "energy": {"before": 100, "after": 99}},)"
    R"( "scenarios": {"quality": 1, "energy_use": 2}})";

std::string with(std::string_view from, std::string_view to) {
  std::string text = good;
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

// The first error scoring this JSON text gives, parse or survey error alike. Checks on the way
// that coding straight from JSON (the batch path) reports exactly the same errors.
std::string first_error(const std::string& json) {
  smedx::CodedSurvey direct;
  engine().code_json(json, smedx::Location{"in.jsonl", 7, 1}, smedx::MissingPolicy::error, direct);
  const auto parsed = smedx::parse_survey_json(json, "in.jsonl", 7);
  const auto& via_survey = parsed.survey ? engine().code(*parsed.survey).errors : parsed.issues;
  REQUIRE(direct.errors.size() == via_survey.size());
  for (std::size_t i = 0; i < via_survey.size(); ++i) {
    CHECK(direct.errors[i].message == via_survey[i].message);
    CHECK(direct.errors[i].path == via_survey[i].path);
    CHECK(direct.errors[i].where.line == via_survey[i].where.line);
  }
  if (!parsed.survey) {
    REQUIRE_FALSE(parsed.issues.empty());
    CHECK(parsed.issues[0].where.line == 7);
    return parsed.issues[0].message;
  }
  const auto coded = engine().code(*parsed.survey);
  REQUIRE_FALSE(coded.errors.empty());
  return coded.errors[0].message;
}

}  // namespace

TEST_SUITE("survey json") {
  TEST_CASE("json.a good survey scores, and keeps its enterprise fields") {
    const auto parsed = smedx::parse_survey_json(good);
    REQUIRE(parsed.survey);
    const auto a = engine().score(*parsed.survey);
    REQUIRE(a.ok());
    // network B+C = 2+2; 37.5% falls in band A [0,50] = 0; -1% is within the 1% tolerance: flat 1.5
    CHECK(a.total.to_string() == "5.5");
    CHECK(a.enterprise[0].first == "name");
    CHECK(a.enterprise[0].second == "甲公司");
  }

  TEST_CASE("json.each kind of bad input has its exact message") {
    CHECK(first_error(with(R"("network")", R"("netwrk")")) ==
          "unknown item 'netwrk' (did you mean 'network'?)");
    CHECK(first_error(with(R"("quality": 1)", R"("qualty": 1)")) ==
          "unknown scenario 'qualty' (did you mean 'quality'?)");
    CHECK(first_error(with(R"(["B", "C"])", R"(["B", "Q"])")) ==
          "unknown option 'Q' for item 'network' (valid: A–C)");
    CHECK(first_error(with(R"(["B", "C"])", R"(["A", "C"])")) ==
          "'none' excludes other options for item 'network', got A, C");
    CHECK(first_error(with(R"(["B", "C"])", R"(["C", "C"])")) ==
          "option 'C' repeated for item 'network'");
    CHECK(first_error(with(R"(["B", "C"])", R"("B")")) ==
          "item 'network' takes a list of letters, got a single letter");
    CHECK(first_error(with("37.5", R"(["A"])")) == "item 'rate' takes one letter, got a list");
    CHECK(first_error(with("37.5", "100.01")) ==
          "percentage 100.01 for item 'rate' is outside 0–100");
    CHECK(first_error(with(R"("energy_use": 2)", R"("energy_use": 3)")) ==
          "scenario level 3 for 'energy_use' is outside 0–2");
    CHECK(first_error(with(R"("id": "E1", )", "")) == "missing enterprise.id");
    CHECK(first_error(with(R"("rate": 37.5, )", "")) == "missing answers for items: F2 rate");
    CHECK(first_error(with("}}", "}")) ==
          "malformed JSON: The JSON document has an improper structure: missing or superfluous "
          "commas, braces, missing keys, etc.");
    CHECK(first_error(with(R"("after": 99)", R"("after": "x")")) ==
          "expected numbers for 'before' and 'after' of 'energy'");
    CHECK(first_error(with(R"("before": 100)", R"("before": 0)")) ==
          "figures for item 'energy' need before > 0 and after >= 0, got 0 and 99");
  }

  TEST_CASE("json.a number's text is fmt's shortest text of its double, fast path or not") {
    // Numbers reach the exact comparisons as text. Most take a fast path (n / 10^k); every one
    // must still read as fmt writes the double, so the path never shows in a value or a message.
    std::vector<std::string> numbers = {"37.5",
                                        "0.5",
                                        "0.001",
                                        "0.0005",
                                        "1e-05",
                                        "100.0",
                                        "132.47",
                                        "-72.5",
                                        "99.99",
                                        "1e15",
                                        "999999999999999.0",
                                        "123456789012.345",
                                        "0.1",
                                        "1.7976931348623e308",
                                        "5e-324",
                                        "-0.0",
                                        "2.5e-3",
                                        "0.300000000000004"};
    std::mt19937_64 random(2024);
    for (int n = 0; n < 3000; ++n) {  // random decimals of 1-15 significant digits
      const int digits = 1 + static_cast<int>(random() % 15);
      std::string text;
      for (int d = 0; d < digits; ++d) text += static_cast<char>('0' + random() % 10);
      const auto point = random() % static_cast<unsigned>(digits + 4);
      if (point < static_cast<unsigned>(digits)) {
        text.insert(point, ".");
        if (text[0] == '.') text.insert(0, "0");
      } else {
        text = "0." + std::string(point - static_cast<unsigned>(digits), '0') + text;
      }
      while (text.size() > 1 && text[0] == '0' && text[1] != '.') text.erase(0, 1);  // JSON
      if (text.find('.') == std::string::npos) text += ".0";  // a double, not an integer
      numbers.push_back(random() % 2 ? text : "-" + text);
    }
    for (const auto& number : numbers) {
      CAPTURE(number);
      const auto parsed = smedx::parse_survey_json(with("37.5", number));
      REQUIRE(parsed.survey);
      const auto& answers = parsed.survey->answers;
      const auto rate = std::find_if(answers.begin(), answers.end(),
                                     [](const auto& a) { return a.first == "rate"; });
      REQUIRE(rate != answers.end());
      CHECK(rate->second.percent == fmt::format("{}", std::strtod(number.c_str(), nullptr)));
    }
  }

  TEST_CASE("json.an empty view without a buffer is malformed JSON") {
    // Found by the corpus replay under UBSan: a null data() went on to memcpy in simdjson.
    const auto parsed = smedx::parse_survey_json(std::string_view(), "e.json");
    CHECK_FALSE(parsed.survey);
    REQUIRE(parsed.issues.size() == 1);
    CHECK(parsed.issues[0].message == "malformed JSON: Empty: no JSON found");
    smedx::CodedSurvey coded;
    engine().code_json(std::string_view(), smedx::Location{"e.jsonl", 1, 1},
                       smedx::MissingPolicy::error, coded, 64);
    REQUIRE(coded.errors.size() == 1);
    CHECK(coded.errors[0].message == parsed.issues[0].message);
  }

  TEST_CASE("json.missing answers scored as zero with a warning under --missing=zero") {
    const auto parsed = smedx::parse_survey_json(with(R"("rate": 37.5, )", ""));
    REQUIRE(parsed.survey);
    const auto a = engine().score(*parsed.survey, smedx::MissingPolicy::zero);
    REQUIRE(a.ok());
    REQUIRE(a.warnings.size() == 1);
    CHECK(a.warnings[0].message == "missing answer for item 'rate' scored as option A (0 points)");
  }

  TEST_CASE("json.a survey written with to_json reads back to the same score") {
    const auto parsed = smedx::parse_survey_json(good);
    REQUIRE(parsed.survey);
    const auto again = smedx::parse_survey_json(smedx::to_json(*parsed.survey));
    REQUIRE(again.survey);
    CHECK(smedx::to_json(engine().score(*again.survey)) ==
          smedx::to_json(engine().score(*parsed.survey)));
  }
}
