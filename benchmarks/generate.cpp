// Writes N synthetic surveys (the same as bench_score's) as JSON Lines, and optionally as CSV, for
// timing the command line from outside (benchmarks/run_all.py).
//
//   bench_generate N out.jsonl [out.csv] [rules]
#include <cstdio>
#include <fstream>
#include <string>

#include "smedx/load.h"
#include "synthetic.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: bench_generate N out.jsonl [out.csv] [rules]\n", stderr);
    return 2;
  }
  const std::size_t n = std::stoul(argv[1]);
  const std::string rules_path = argc > 4 ? argv[4] : SMEDX_SOURCE_DIR "/indicators/miit-2024";
  const auto loaded = smedx::load_rules(rules_path);
  if (!loaded.ok()) {
    std::fputs(smedx::format_issues(loaded.issues()).c_str(), stderr);
    return 2;
  }
  smedx::bench::SurveyGenerator jsonl_gen(loaded.rules(), 42), csv_gen(loaded.rules(), 42);
  std::ofstream jsonl(argv[2], std::ios::binary);
  for (std::size_t i = 0; i < n; ++i) jsonl << jsonl_gen.jsonl(i) << '\n';
  if (argc > 3) {
    std::ofstream csv(argv[3], std::ios::binary);
    csv << csv_gen.csv_header() << '\n';
    for (std::size_t i = 0; i < n; ++i) csv << csv_gen.csv(i) << '\n';
  }
  return jsonl ? 0 : 1;
}
