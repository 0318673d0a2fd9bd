// The batch's built-in output records: the JSON record written from the block's columns is the
// same bytes as to_json(Assessment), and CSV text cells cannot start a spreadsheet formula.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "../benchmarks/synthetic.h"
#include "batch/csv_row.h"
#include "batch/record_json.h"
#include "common/json_writer.h"
#include "smedx/batch.h"
#include "smedx/conformance.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"
#include "support.h"

namespace {

const smedx::Engine& engine() { return smedx::test::miit2024(); }

std::string read(const std::string& path) { return smedx::test::read_file(path); }

// Every kind of record: the example cohort, the conformance cases, synthetic surveys (which trip
// plausibility warnings), and broken ones (unknown items, malformed lines, odd bytes in ids).
std::string varied_surveys(std::size_t synthetic) {
  std::string out = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
  const auto suite = smedx::load_conformance(SMEDX_SOURCE_DIR "/indicators/miit-2024/tests.yaml");
  REQUIRE(suite.cases.size() > 5);
  for (const auto& c : suite.cases) out += smedx::to_json(c.survey) + "\n";
  smedx::bench::SurveyGenerator gen(engine().rules(), 7);
  for (std::size_t i = 0; i < synthetic; ++i) {
    std::string line = gen.jsonl(i);
    if (i % 7 == 3) line.replace(line.find("\"network\""), 9, "\"netwrok\"");
    if (i % 11 == 5) line.resize(line.size() / 2);
    if (i % 13 == 1) line.erase(line.find(",\"talent\""), 9);  // drops the key: talent missing
    if (i % 17 == 2) line.replace(line.find("SYN-"), 4, "=\\\"\\t\\u0001-");
    out += line + "\n";
  }
  out += "{\"enterprise\":{\"id\":\"only-id\",\"x\":\"\\n\"},\"answers\":{},\"scenarios\":{}}\n";
  out += "[1,2]\n\n";
  return out;
}

}  // namespace

TEST_SUITE("record output") {
  TEST_CASE("record output.the JSON record from the block columns is to_json(Assessment)") {
    const std::string input = varied_surveys(2000);
    const smedx::detail::JsonRecordWriter writer(engine());
    for (auto missing : {smedx::MissingPolicy::error, smedx::MissingPolicy::zero}) {
      std::istringstream in(input);
      std::ostringstream out;
      smedx::BatchOptions options;
      options.threads = 1;
      options.missing = missing;
      std::size_t errors = 0, warned = 0;
      const auto summary = smedx::score_stream(
          engine(), in, "varied.jsonl", smedx::InputFormat::jsonl,
          [&](const smedx::ScoredRecord& r) {
            std::string fast;
            writer.append(fast, r.survey, r.scores, r.row);
            const std::string slow = smedx::to_json(r.assessment());
            errors += !r.ok();
            warned += r.ok() && (!r.survey.warnings.empty() || !r.survey.fired.empty());
            return fast == slow ? std::string() : "was: " + slow + "\nnow: " + fast;
          },
          out, options);
      CHECK(summary.records > 2000);
      CHECK(errors > 300);  // the broken ones
      CHECK(warned > 300);
      const std::string diff = out.str();
      CHECK(diff.find_first_not_of('\n') == std::string::npos);
      if (diff.find_first_not_of('\n') != std::string::npos)
        MESSAGE(diff.substr(diff.find_first_not_of('\n'), 4000));
    }
  }

  TEST_CASE("record output.JSON strings are escaped as the JSON writer escapes them") {
    for (std::string_view s : {"", "plain", "引号\"和\\反斜杠", "tab\there\r\n", "\x01\x1f\x7f",
                               "bad \xff\xfe utf-8 \xe4\xb8", "\xe4\xb8\xad文"}) {
      std::string fast, slow;
      smedx::detail::append_json_string(fast, s);
      smedx::detail::escape(slow, s);
      CHECK(fast == slow);
    }
  }

  TEST_CASE("record output.number text without allocation matches Decimal::to_string") {
    for (std::int64_t t : {0LL, 1LL, 10LL, 100LL, 1000LL, 1500LL, 1875LL, 52475LL, -250LL, -1LL,
                           -1000LL, 100000LL, 999999LL, -52470LL}) {
      std::string s;
      smedx::detail::append_thousandths(s, t);
      CHECK(s == smedx::Decimal::from_thousandths(t).to_string());
    }
  }

  TEST_CASE("record output.the built-in formats give the Formatter's bytes whatever the threads") {
    const std::string input = varied_surveys(300);
    auto run = [&](const auto& format, unsigned threads, std::size_t block) {
      std::istringstream in(input);
      std::ostringstream out;
      smedx::BatchOptions options;
      options.threads = threads;
      options.block_size = block;
      smedx::score_stream(engine(), in, "varied.jsonl", smedx::InputFormat::jsonl, format, out,
                          options);
      return out.str();
    };
    const smedx::Formatter json = [](const smedx::ScoredRecord& r) {
      return smedx::to_json(r.assessment());
    };
    const smedx::Formatter csv = [](const smedx::ScoredRecord& r) {
      return smedx::to_csv(r.assessment(), r.engine.rules());
    };
    const std::string want_json = run(json, 1, 4096), want_csv = run(csv, 1, 4096);
    smedx::OutputFormat csv_format;
    csv_format.kind = smedx::OutputFormat::Kind::csv;
    for (unsigned threads : {1u, 2u, 3u}) {
      for (std::size_t block : {7u, 200u, 4096u}) {
        CAPTURE(threads);
        CAPTURE(block);
        CHECK(run(smedx::OutputFormat{}, threads, block) == want_json);
        CHECK(run(csv_format, threads, block) == want_csv);
      }
    }
  }

  TEST_CASE("record output.fields choose the keys, and an error record keeps its error") {
    std::istringstream in(
        "{\"enterprise\":{\"id\":\"x\"},\"answers\":{},\"scenarios\":{}}\n" +
        read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl").substr(0, 1000000));
    std::ostringstream out;
    smedx::OutputFormat format;
    format.fields = {"total", "enterprise_id", "level"};
    format.lang = smedx::Lang::en;  // the English kept for platform logs
    smedx::score_stream(engine(), in, "a.jsonl", smedx::InputFormat::jsonl, format, out);
    const std::string text = out.str();
    const std::string first = text.substr(0, text.find('\n') + 1);
    CHECK(
        first.rfind("{\"enterprise_id\":\"x\",\"error\":{\"message\":\"missing answers for items: "
                    "F1 network, ",
                    0) == 0);
    CHECK(first.find("\"issues\":[{") != std::string::npos);
    CHECK(first.find("provenance") == std::string::npos);
    CHECK(first.substr(first.size() - 4) == "]}}\n");
    CHECK(text.substr(first.size(), text.find('\n', first.size()) + 1 - first.size()) ==
          "{\"enterprise_id\":\"CN-2025-001\",\"level\":4,\"total\":91.85}\n");
    format.fields = {"level", "totl"};
    std::istringstream again("");
    CHECK_THROWS_WITH_AS(
        smedx::score_stream(engine(), again, "a.jsonl", smedx::InputFormat::jsonl, format, out),
        "unknown record field 'totl'", std::invalid_argument);
  }

  TEST_CASE("record output.CSV text cells that could start a formula are written as text") {
    auto cell = [](std::string_view text) {
      std::string out;
      smedx::detail::append_csv_text(out, text);
      return out;
    };
    CHECK(cell("CN-2025-001") == "CN-2025-001");
    CHECK(cell("=1+2") == "\"'=1+2\"");
    CHECK(cell("+86 21") == "\"'+86 21\"");
    CHECK(cell("-12") == "\"'-12\"");
    CHECK(cell("@SUM(A1)") == "\"'@SUM(A1)\"");
    CHECK(cell("\tx") == "\"'\tx\"");
    CHECK(cell("\rx") == "\"'\rx\"");
    CHECK(cell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(cell("a,b") == "\"a,b\"");
    CHECK(cell("6\" pipes") == "\"6\"\" pipes\"");
    CHECK(cell("a=b") == "a=b");

    std::istringstream in("enterprise_id,network\n=cmd|' /C calc'!A0,B\n-5,B\n");
    std::ostringstream out;
    smedx::OutputFormat csv;
    csv.kind = smedx::OutputFormat::Kind::csv;
    smedx::score_stream(engine(), in, "evil.csv", smedx::InputFormat::csv, csv, out);
    const std::string text = out.str();
    CHECK(text.substr(0, text.find(',')) == "\"'=cmd|' /C calc'!A0\"");
    CHECK(text.substr(text.find('\n') + 1, 6) == "\"'-5\",");
  }

  TEST_CASE("record output.a number too precise for a double is found wherever it sits") {
    // The search looks at every sixteenth byte first; the number must be found at any offset.
    for (std::size_t pad = 0; pad < 20; ++pad) {
      for (const char* number : {"10.0000000000000001", "1234567.890123456"}) {
        const std::string json = "{" + std::string(pad, ' ') +
                                 "\"enterprise\":{\"id\":\"E\"},\"answers\":{\"equipment_"
                                 "digitization\":" +
                                 number + "}}";
        smedx::CodedSurvey coded;
        engine().code_json(json, smedx::Location{"a.jsonl", 1, 1}, smedx::MissingPolicy::error,
                           coded);
        REQUIRE(!coded.errors.empty());
        CHECK(coded.errors[0].message ==
              fmt::format("number {} has more than 15 significant digits, more than a JSON "
                          "number holds exactly; write it with fewer digits",
                          number));
      }
    }
  }
}
