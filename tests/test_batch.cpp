// Batch scoring: one output record per input record, in order, the same bytes whatever the
// thread count or block size.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "smedx/batch.h"
#include "smedx/load.h"
#include "smedx/survey_io.h"

namespace {

const smedx::Engine& engine() {
  static const smedx::Engine e(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
  return e;
}

std::string read(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

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

  TEST_CASE("batch.results are byte for byte the same with 1 thread and with many") {
    const std::string input = mixed_batch(80);
    const std::string one = run(input, smedx::InputFormat::jsonl, 1, 4096);
    CHECK(run(input, smedx::InputFormat::jsonl, 4, 100) == one);
    CHECK(run(input, smedx::InputFormat::jsonl, 3, 7) == one);
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

  TEST_CASE("batch.a CSV header without enterprise_id stops before any record") {
    std::istringstream in("name,network\nx,B\n");
    std::ostringstream out;
    const auto s = smedx::score_stream(
        engine(), in, "bad.csv", smedx::InputFormat::csv,
        [](const smedx::ScoredRecord&) { return std::string(); }, out);
    REQUIRE(s.fatal.size() == 1);
    CHECK(s.fatal[0].message == "the CSV header has no 'enterprise_id' column");
    CHECK(s.records == 0);
  }
}
