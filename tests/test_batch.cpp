// Batch scoring: one output record per input record, in order, the same bytes whatever the
// thread count or block size.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "batch/block_shelf.h"
#include "smedx/batch.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"
#include "support.h"

namespace {

const smedx::Engine& engine() { return smedx::test::miit2024(); }

std::string read(const std::string& path) { return smedx::test::read_file(path); }

// The example cohort repeated, with a bad record every so often.
std::string mixed_batch(int copies) {
  std::istringstream cohort(read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl"));
  std::vector<std::string> lines;
  for (std::string l; std::getline(cohort, l);) lines.push_back(l);
  std::string out;
  for (int c = 0; c < copies; ++c) {
    for (const auto& l : lines) out += l + "\n";
    out += c % 3 == 0 ? "{\"enterprise\": {\"id\": \"broken\"\n" : "{\"answers\": {}}\n";
  }
  return out;
}

std::string run(const std::string& input, smedx::InputFormat format, unsigned threads,
                std::size_t block, smedx::BatchSummary* summary = nullptr) {
  std::istringstream in(input);
  std::ostringstream out;
  smedx::BatchOptions options;
  options.threads = threads;
  options.block_size = block;
  const auto s = smedx::score_stream(
      engine(), in, "batch.jsonl", format,
      [](const smedx::ScoredRecord& r) { return smedx::to_json(r.assessment()); }, out, options);
  if (summary) *summary = s;
  return out.str();
}

}  // namespace

TEST_SUITE("batch") {
  TEST_CASE("batch.every input record has exactly one output record, in order") {
    const std::string input = mixed_batch(50);  // 50 x (12 good + 1 bad)
    smedx::BatchSummary summary;
    const std::string out = run(input, smedx::InputFormat::jsonl, 1, 4096, &summary);
    CHECK(summary.records == 650);
    CHECK(summary.errors == 50);
    std::istringstream lines(out);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      ++n;
      const bool bad = n % 13 == 0;
      CHECK_MESSAGE((line.find("\"error\"") != std::string::npos) == bad, "record " << n);
      if (n == 1) CHECK(line.rfind("{\"enterprise_id\":\"CN-2025-001\"", 0) == 0);
    }
    CHECK(n == 650);
  }

  TEST_CASE("batch.an answer of the wrong type keeps the enterprise on the error record") {
    // Once, the walk that reports a wrong type cleared the fields and the coder put back as
    // many empty ones: {"":"","":"",...}, and a pilot lost the record's phase with them.
    const std::string survey =
        R"({"enterprise": {"id": "E1", "name": "甲", "phase": "acceptance"}, "answers": {"F1": )";
    for (const std::string answer : {"\"abc\"", "true", "\"0.5\"", "{\"x\": 1}"}) {
      const std::string line = run(survey + answer + "}}\n", smedx::InputFormat::jsonl, 1, 4);
      CHECK_MESSAGE(
          line.starts_with(
              R"({"enterprise_id":"E1","enterprise":{"name":"甲","phase":"acceptance"},"error":)"),
          line);
    }
  }

  TEST_CASE("batch.a key given twice in a survey record is an error, whichever reader reads it") {
    // JSON allows a repeated key and readers disagree on which value wins: one record could be
    // scored under one id and its copy elsewhere under the other.
    const std::string rest = read(SMEDX_SOURCE_DIR "/examples/surveys/chem-03-runze.json");
    const auto with = [&](std::string_view from, std::string_view to) {
      std::string s = rest;
      s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
      const auto at = s.find(from);
      REQUIRE(at != std::string::npos);
      return s.replace(at, from.size(), to) + "\n";
    };
    const std::pair<std::string, std::string> cases[] = {
        {with(R"("id": )", R"("id": "X", "id": )"), "enterprise 'id' given twice ('X' and "},
        {with(R"("name": )", R"("name": "甲", "name": )"), "enterprise field 'name' given twice"},
        {with(R"("scenarios": {)", R"("scenarios": {}, "scenarios": {)"),
         "key 'scenarios' given twice in a survey"},
        {with(R"("answers": {)", R"("answers": {}, "answers": {)"),
         "key 'answers' given twice in a survey"},
    };
    for (const auto& [input, message] : cases) {
      for (const unsigned threads : {1u, 2u}) {
        const std::string line = run(input, smedx::InputFormat::jsonl, threads, 4);
        // A shape problem's English words inside its Chinese message (E-SURVEY-SHAPE).
        CHECK_MESSAGE(
            line.find("\"error\":{\"message\":\"问卷结构错误：" + message) != std::string::npos,
            line);
      }
      // The survey path (a platform's one survey) says the same.
      const auto parsed = smedx::parse_survey_json(input);
      const auto a = parsed.survey ? engine().score(*parsed.survey)
                                   : smedx::failed_assessment("", parsed.issues);
      REQUIRE_FALSE(a.ok());
      bool found = false;
      for (const auto& e : a.errors) found |= e.message.starts_with(message);
      CHECK_MESSAGE(found, a.errors.front().message);
    }
  }

  TEST_CASE("batch.a huge value or key is quoted as a prefix in the error record") {
    // A 10 MB cell was echoed whole, twice (the error and its issue): a 20 MB record.
    const std::string huge(200'000, 'Z');
    const std::string head = R"({"enterprise": {"id": "E1"}, "answers": {)";
    for (const std::string& answers :
         {R"("planning": ")" + huge + R"("})", R"(")" + huge + R"(": "A"})",
          R"("planning": [")" + huge + R"("]})", R"("funding": ")" + huge + R"("})"}) {
      const std::string line =
          run(head + answers + R"(, "scenarios": {}})" + "\n", smedx::InputFormat::jsonl, 1, 4);
      CHECK(line.find("\"error\"") != std::string::npos);
      CHECK_MESSAGE(line.size() < 20'000, line.substr(0, 300));
      CHECK(line.find("ZZZ…(200000 bytes)") != std::string::npos);
    }
    // CSV cells too.
    std::istringstream in("enterprise_id,planning\nE1," + huge + "\n");
    std::ostringstream out;
    smedx::score_stream(engine(), in, "big.csv", smedx::InputFormat::csv, smedx::OutputFormat{},
                        out);
    CHECK(out.str().size() < 20'000);
    CHECK(out.str().find("ZZZ…(200000 bytes)") != std::string::npos);
  }

  TEST_CASE("batch.results are byte for byte the same with 1 thread and with many") {
    const std::string input = mixed_batch(80);
    const std::string one = run(input, smedx::InputFormat::jsonl, 1, 4096);
    // Blocks of 512 give 4 workers 128 records each; blocks of 200, 3 workers; 7, just one.
    CHECK(run(input, smedx::InputFormat::jsonl, 4, 512) == one);
    CHECK(run(input, smedx::InputFormat::jsonl, 3, 200) == one);
    CHECK(run(input, smedx::InputFormat::jsonl, 2, 7) == one);
  }

  TEST_CASE("batch.CSV and JSON Lines of the same cohort score the same") {
    std::istringstream csv_in(read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv"));
    std::istringstream jsonl_in(read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl"));
    std::ostringstream a, b;
    // The batch CSV writer and the Assessment one must agree too.
    const auto& rules = engine().rules();
    auto csv_row = [&rules](const smedx::ScoredRecord& r) {
      const std::string row = smedx::to_csv(r);
      CHECK(row == smedx::to_csv(r.assessment(), rules));
      return row;
    };
    smedx::score_stream(engine(), csv_in, "cohort.csv", smedx::InputFormat::csv, csv_row, a);
    smedx::score_stream(engine(), jsonl_in, "cohort.jsonl", smedx::InputFormat::jsonl, csv_row, b);
    CHECK(a.str() == b.str());
    const std::string rows = a.str();
    CHECK(std::count(rows.begin(), rows.end(), '\n') == 12);
  }

  TEST_CASE("batch.a CSV header that does not read makes every row an error record") {
    std::istringstream in("name,netwrok\nx,B\ny,C\n");
    std::ostringstream out;
    const auto s = smedx::score_stream(
        engine(), in, "bad.csv", smedx::InputFormat::csv,
        [](const smedx::ScoredRecord& r) {
          return r.survey.errors.empty() ? std::string("ok") : r.survey.errors[0].message;
        },
        out);
    CHECK(s.records == 2);
    CHECK(s.errors == 2);
    // The header's problems once, on the first record; the later rows point at the header.
    CHECK(out.str() ==
          "unknown column 'netwrok' (did you mean 'network'?)\n"
          "not read: the CSV header on line 1 has errors\n");
    CHECK(s.fatal.size() == 2);
  }

  TEST_CASE("batch.a stray quote in a CSV field does not swallow the rows after it") {
    std::istringstream cohort(read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv"));
    std::string header, row1, row2, row3;
    std::getline(cohort, header);
    std::getline(cohort, row1);
    std::getline(cohort, row2);
    std::getline(cohort, row3);
    row1.replace(row1.find("华信"), 6, "6\" pipes");
    std::istringstream in(header + "\n" + row1 + "\n" + row2 + "\n" + row3 + "\n");
    std::ostringstream out;
    const auto s = smedx::score_stream(
        engine(), in, "q.csv", smedx::InputFormat::csv,
        [](const smedx::ScoredRecord& r) { return smedx::to_csv(r); }, out);
    CHECK(s.records == 3);
    CHECK(s.errors == 0);
  }

  TEST_CASE("batch.bad CSV rows and YAML keys get their exact messages") {
    std::istringstream in(read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv") +
                          "X-1,a,b\n\"X-2,unclosed\n");
    std::ostringstream out;
    smedx::score_stream(
        engine(), in, "m.csv", smedx::InputFormat::csv,
        [](const smedx::ScoredRecord& r) {
          return r.survey.errors.empty() ? std::string("ok") : r.survey.errors[0].message;
        },
        out);
    std::istringstream lines(out.str());
    std::vector<std::string> got;
    for (std::string l; std::getline(lines, l);) got.push_back(l);
    REQUIRE(got.size() == 14);
    CHECK(got[12] == "malformed CSV row: 3 fields, the header has 35");
    CHECK(got[13] ==
          "malformed CSV row: a quoted field opened at column 1 is not closed on this line");

    const auto yaml = smedx::parse_survey_yaml(
        "enterprise: {id: Y}\nanswers: {planning: A, planning: B}\nscenarios: {}\n", "s.yaml");
    CHECK_FALSE(yaml.survey);
    REQUIRE(yaml.issues.size() == 1);
    CHECK(yaml.issues[0].message == "duplicate key 'planning'");
    CHECK(yaml.issues[0].where.line == 2);
  }

  TEST_CASE("batch.blocks kept from one call carry nothing into the next") {
    // The driver's blocks go back to a process-wide shelf after each call and the next call,
    // of any engine, input or output, takes them with what its records left in them.
    const smedx::Engine mini(
        smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml").rules());
    const std::string mini_lines =
        R"({"enterprise":{"id":"m1","name":"甲"},"answers":{"network":["C"],"rate":60,)"
        R"("energy":"C"},"scenarios":{"quality":2,"energy_use":1}})"
        "\n"
        R"({"enterprise":{"id":"m2"},"answers":{"network":["Z"]}})"
        "\n";
    std::string mini_input;
    for (int i = 0; i < 40; ++i) mini_input += mini_lines;
    const std::string huge = R"({"enterprise":{"id":"E1","note":")" + std::string(200'000, 'Z') +
                             R"("},"answers":{"planning":"Q"},"scenarios":{}})"
                             "\n";
    smedx::OutputFormat csv;
    csv.kind = smedx::OutputFormat::Kind::csv;
    struct Call {
      const smedx::Engine& engine;
      std::string input;
      smedx::InputFormat format;
      smedx::OutputFormat output;
      unsigned threads;
      std::size_t block;
    };
    const std::vector<Call> calls = {
        {engine(), huge + mixed_batch(20), smedx::InputFormat::jsonl, {}, 1, 16},
        {mini, mini_input, smedx::InputFormat::jsonl, {}, 1, 16},
        {engine(), read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv"), smedx::InputFormat::csv,
         csv, 2, 3},
        {mini, mini_input, smedx::InputFormat::jsonl, csv, 2, 5},
    };
    auto score = [](const Call& c) {
      std::istringstream in(c.input);
      std::ostringstream out;
      smedx::BatchOptions options;
      options.threads = c.threads;
      options.block_size = c.block;
      smedx::score_stream(c.engine, in, "calls", c.format, c.output, out, options);
      return out.str();
    };
    auto& shelf = smedx::detail::BlockShelf::shared();
    std::vector<std::string> fresh;
    for (const Call& c : calls) {
      shelf.clear();
      fresh.push_back(score(c));
    }
    CHECK(shelf.bytes() > 0);  // the last call's blocks are kept, for the next
    for (int round = 0; round < 2; ++round) {
      for (std::size_t i = 0; i < calls.size(); ++i) {
        CAPTURE(i);
        CHECK(score(calls[i]) == fresh[i]);
        CHECK(shelf.bytes() > 0);
      }
    }
    CHECK(std::count(fresh[1].begin(), fresh[1].end(), '\n') == 80);
  }

  TEST_CASE("batch.the block shelf keeps no more than its bound") {
    using smedx::detail::BlockShelf;
    BlockShelf shelf;
    std::vector<smedx::detail::RecordBlock> blocks = shelf.take(3);
    for (auto& b : blocks) {  // as if each had held a block of records
      b.raw.emplace_back();
      b.out.reserve(BlockShelf::max_bytes / 2 + 1);  // not touched: cheap
    }
    shelf.give_back(blocks);
    CHECK(blocks.empty());
    CHECK(shelf.bytes() > BlockShelf::max_bytes / 2);
    CHECK(shelf.bytes() <= BlockShelf::max_bytes);  // one of the three kept
    blocks = shelf.take(3);
    CHECK(blocks.size() == 3);
    CHECK(shelf.bytes() == 0);
    CHECK(std::count_if(blocks.begin(), blocks.end(), [](const auto& b) {
            return b.out.capacity() > BlockShelf::max_bytes / 2;
          }) == 1);
  }
}
