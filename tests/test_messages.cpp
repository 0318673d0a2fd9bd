// The message table of survey problems (docs/messages.md): each kind has a unique stable code,
// its message in Chinese and English, and every problem a survey can have comes with a code.
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <sstream>

#include "smedx/batch.h"
#include "smedx/diagnostics.h"
#include "support.h"

namespace {

const smedx::Engine& engine() { return smedx::test::miit2024(); }

std::vector<smedx::CodedSurvey> code_text(const std::string& text, smedx::InputFormat format,
                                          smedx::MissingPolicy missing = {}) {
  std::vector<smedx::CodedSurvey> out;
  std::istringstream in(text);
  smedx::BatchOptions options;
  options.missing = missing;
  smedx::visit_stream(
      engine(), in, "t", format, [&](const smedx::CodedSurvey& s) { out.push_back(s); }, options);
  return out;
}

std::string header_and(const std::string& row_changes) {
  const std::string csv = smedx::test::read_file(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
  return csv.substr(0, csv.find('\n') + 1) + row_changes;
}

}  // namespace

TEST_SUITE("messages") {
  TEST_CASE("messages.every kind has a unique code of its severity and both languages") {
    std::set<std::string_view> codes;
    const std::regex shape("[EW](-[A-Z]+)+");
    for (const auto& k : smedx::message_kinds()) {
      CAPTURE(k.code);
      CHECK(codes.insert(k.code).second);
      CHECK(std::regex_match(std::string(k.code), shape));
      CHECK(k.code[0] == (k.severity == smedx::Severity::error ? 'E' : 'W'));
      CHECK(!k.zh.empty());
      CHECK(!k.en.empty());
      CHECK(k.hint_zh.empty() == k.hint_en.empty());
    }
    CHECK(codes.size() >= 30);
  }

  TEST_CASE("messages.the docs table lists every code, and no other") {
    const std::string doc = smedx::test::read_file(SMEDX_SOURCE_DIR "/docs/messages.md");
    std::set<std::string> listed;
    const std::regex row("\\n\\| `([EW](?:-[A-Z]+)+)` \\|");
    for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it)
      listed.insert((*it)[1].str());
    std::set<std::string> table;
    for (const auto& k : smedx::message_kinds()) table.insert(std::string(k.code));
    CHECK(listed == table);
  }

  TEST_CASE("messages.a rendered message names the option meant, in Chinese and in English") {
    const auto rows = code_text(
        header_and("CN-1,甲,,,多个业务,86.4,72.5,C|D,多个业务,B|C,B,C,B|C,B|C,2.1,C,B,B,B,2,2,"
                   "2,2,2,2,2,2,2,2,2,2,2,2,2,2\n"),
        smedx::InputFormat::csv);
    REQUIRE(rows.size() == 1);
    const smedx::Issue* found = nullptr;
    for (const auto& e : rows[0].errors)
      if (e.path == "answers.information_systems") found = &e;
    REQUIRE(found);
    CHECK(found->code == "E-ANSWER-OPTION");
    CHECK(found->suggestion == "C（多个业务环节（2个及以上））");
    CHECK(smedx::message_text(*found, smedx::Lang::zh) ==
          "F5 信息系统没有选项“多个业务”（可选 A–E），是否应为 C（多个业务环节（2个及以上））？");
    CHECK(smedx::message_text(*found, smedx::Lang::en) ==
          "unknown option '多个业务' for item 'information_systems' (valid: A–E; did you mean "
          "C（多个业务环节（2个及以上））?)");
    CHECK(found->message == smedx::message_text(*found, smedx::Lang::en));
    // The cell's own column: after the 8 fields before it ("CN-1,甲,,,多个业务,86.4,72.5,C|D,").
    CHECK(found->where.line == 2);
    CHECK(found->where.column == 29);
  }

  TEST_CASE("messages.every problem of bad CSV rows and JSON surveys comes with a code") {
    std::vector<smedx::CodedSurvey> all = code_text(
        header_and("CN-1,甲,,,Z,120,abc,A|B,B|C,B|B,B,C,B|C,B|C,0.5,C,B,B,B,9,x,2,2,2,2,2,2,2,2,"
                   "2,2,2,2,2,2\n"
                   ",乙,,,B,1e400,72.5,C,B,B,B,C,B,B,2.1,C,B,B,B,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2\n"
                   "CN-3,\"丙\n"
                   "CN-4,1,2\n"),
        smedx::InputFormat::csv);
    for (const std::string json :
         {"{\"enterprise\":{\"id\":\"J1\"},\"answers\":{\"netwrk\":\"B\",\"network\":[\"B\"],"
          "\"planning\":[\"B\",\"C\"],\"energy_intensity\":{\"before\":0,\"after\":1}},"
          "\"scenarios\":{\"product_desgn\":2,\"process_design\":\"x\",\"marketing\":7}}",
          "{\"enterprise\":{\"id\":\"J2\"},\"answers\":[],\"scenarios\":{},\"x\":1}", "{bad",
          "[1]"}) {
      auto coded = code_text(json + "\n", smedx::InputFormat::jsonl, smedx::MissingPolicy::zero);
      all.insert(all.end(), coded.begin(), coded.end());
    }
    std::set<std::string> seen;
    for (const auto& s : all) {
      for (const auto& e : s.errors) {
        CAPTURE(e.message);
        CHECK(!e.code.empty());
        seen.insert(e.code);
        CHECK(!smedx::message_text(e, smedx::Lang::zh).empty());
      }
      for (const auto& w : s.warnings) {
        CAPTURE(w.message);
        CHECK(!w.code.empty());
      }
    }
    CHECK(seen.size() >= 10);
  }
}
