// Throughput of scoring: from coded (already parsed) surveys, from JSON Lines and from CSV,
// single-threaded and with every core; and peak memory of streaming as N grows.
//
//   cmake --preset bench && cmake --build --preset bench
//   build/bench/benchmarks/bench_score [N]          (default N = 1,000,000)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "smedx/batch.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"
#include "synthetic.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// A sink that counts bytes instead of keeping them, so output does not grow memory.
class CountingBuf : public std::streambuf {
 public:
  std::size_t bytes = 0;

 protected:
  int_type overflow(int_type c) override {
    ++bytes;
    return c;
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<std::size_t>(n);
    return n;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const std::string rules_path = argc > 2 ? argv[2] : SMEDX_SOURCE_DIR "/indicators/miit-2024";
  const auto loaded = smedx::load_rules(rules_path);
  if (!loaded.ok()) {
    std::fputs(smedx::format_issues(loaded.issues()).c_str(), stderr);
    return 2;
  }
  const smedx::Engine engine(loaded.rules());
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("smedx bench: N = %zu surveys, rule set %s, %u cores\n", n,
              loaded.rules().meta.id.c_str(), cores);

  // Inputs on disk, so streaming reads them rather than holding them in memory.
  const std::string jsonl_path = "/tmp/smedx-bench.jsonl", csv_path = "/tmp/smedx-bench.csv";
  {
    smedx::bench::SurveyGenerator gen(loaded.rules(), 42);
    std::ofstream jsonl(jsonl_path), csv(csv_path);
    csv << gen.csv_header() << '\n';
    for (std::size_t i = 0; i < n; ++i) {
      jsonl << gen.jsonl(i) << '\n';
      csv << gen.csv(i) << '\n';
    }
  }
  const double jsonl_mb = std::filesystem::file_size(jsonl_path) / 1e6;
  const double csv_mb = std::filesystem::file_size(csv_path) / 1e6;
  const long rss_before = peak_rss_kib();

  // 1 and 2. Streaming from files, parse + code + score, with a minimal formatter (the level),
  // and with the built-in outputs of `smedx score` (the CSV row and the full JSON record, written
  // from the block's columns on the workers).
  const smedx::Formatter level_only = [](const smedx::ScoredRecord& r) {
    return std::to_string(r.scores.level[r.row]);
  };
  smedx::OutputFormat csv_out, full_json;
  csv_out.kind = smedx::OutputFormat::Kind::csv;
  struct Run {
    const char* name;
    const std::string* path;
    smedx::InputFormat format;
    double mb;
  };
  for (const Run& run : {Run{"JSON Lines", &jsonl_path, smedx::InputFormat::jsonl, jsonl_mb},
                         Run{"CSV", &csv_path, smedx::InputFormat::csv, csv_mb}}) {
    for (unsigned threads : {1u, cores}) {
      for (const char* output : {"level-only", "CSV", "full JSON"}) {
        std::ifstream in(*run.path);
        CountingBuf sink;
        std::ostream out(&sink);
        smedx::BatchOptions options;
        options.threads = threads;
        const auto t = Clock::now();
        const std::string_view o = output;
        const auto summary =
            o == "level-only"
                ? smedx::score_stream(engine, in, *run.path, run.format, level_only, out, options)
                : smedx::score_stream(engine, in, *run.path, run.format,
                                      o == "CSV" ? csv_out : full_json, out, options);
        const double s = seconds_since(t);
        std::printf(
            "%-10s %u thread%s, %-11s output: %9.0f surveys/s  %7.1f MB/s in  (%zu records, "
            "%zu errors)\n",
            run.name, threads, threads == 1 ? " " : "s", output, summary.records / s, run.mb / s,
            summary.records, summary.errors);
      }
    }
  }
  const long rss_streaming = peak_rss_kib();

  // 3. Scoring coded surveys: score_block over blocks of 4096 (level, points, counts), and with
  // the full Assessment (ids, explanation) built for every survey.
  {
    const std::size_t m = std::min<std::size_t>(n, 200'000);
    std::vector<smedx::CodedSurvey> coded;
    coded.reserve(m);
    std::ifstream in(jsonl_path);
    std::string line;
    for (std::size_t i = 0; i < m && std::getline(in, line); ++i)
      coded.push_back(engine.code(*smedx::parse_survey_json(line).survey));
    // Parsed surveys (Survey objects, as a platform holds them) to scores: code + score_block.
    {
      std::vector<smedx::Survey> parsed;
      parsed.reserve(m);
      std::ifstream again(jsonl_path);
      for (std::size_t i = 0; i < m && std::getline(again, line); ++i)
        parsed.push_back(*smedx::parse_survey_json(line).survey);
      std::vector<smedx::CodedSurvey> block(4096);
      smedx::BlockScores scores;
      std::int64_t checksum = 0;
      const auto t = Clock::now();
      for (std::size_t b = 0; b < m; b += 4096) {
        const std::size_t e = std::min(m, b + 4096);
        for (std::size_t i = b; i < e; ++i)
          engine.code_into(parsed[i], smedx::MissingPolicy::error, block[i - b]);
        engine.score_block(std::span<const smedx::CodedSurvey>(block.data(), e - b), scores);
        checksum += scores.total[0];
      }
      const double s = seconds_since(t);
      std::printf(
          "Survey -> scores (code + score_block), 1 thread: %7.0f surveys/s  (checksum %lld)\n",
          static_cast<double>(m) / s, static_cast<long long>(checksum));
    }
    const std::size_t rounds = std::max<std::size_t>(1, n / m);
    smedx::BlockScores scores;
    std::int64_t checksum = 0;
    auto t = Clock::now();
    for (std::size_t r = 0; r < rounds; ++r) {
      for (std::size_t b = 0; b < m; b += 4096) {
        const std::size_t e = std::min(m, b + 4096);
        engine.score_block(std::span<const smedx::CodedSurvey>(coded.data() + b, e - b), scores);
        checksum += scores.total[0] + scores.level[e - b - 1];
      }
    }
    double s = seconds_since(t);
    std::printf("coded -> scores (score_block), 1 thread:      %10.0f surveys/s  (checksum %lld)\n",
                static_cast<double>(rounds * m) / s, static_cast<long long>(checksum));
    t = Clock::now();
    std::size_t levels = 0;
    for (std::size_t b = 0; b < m; b += 4096) {
      const std::size_t e = std::min(m, b + 4096);
      engine.score_block(std::span<const smedx::CodedSurvey>(coded.data() + b, e - b), scores);
      for (std::size_t i = b; i < e; ++i)
        levels += engine.assessment(coded[i], scores, i - b).level;
    }
    s = seconds_since(t);
    std::printf("coded -> full Assessment, 1 thread:           %10.0f surveys/s  (levels %zu)\n",
                static_cast<double>(m) / s, levels);
  }

  std::printf("input: JSON Lines %.1f MB, CSV %.1f MB\n", jsonl_mb, csv_mb);
  std::printf(
      "peak RSS: %ld KiB after writing the inputs, %ld KiB after all streaming runs "
      "(then %ld KiB with 200,000 coded surveys held for part 3)\n",
      rss_before, rss_streaming, peak_rss_kib());
  if (!std::getenv("SMEDX_BENCH_KEEP")) std::filesystem::remove(jsonl_path);
  std::filesystem::remove(csv_path);
}
