// Synthetic surveys for benchmarks: random but valid answers for any rule set, written as
// JSON Lines or CSV, from a fixed seed so every run sees the same input.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "smedx/rules.h"

namespace smedx::bench {

class SurveyGenerator {
 public:
  SurveyGenerator(const RuleSet& rules, std::uint64_t seed) : rules_(rules), rng_(seed) {}

  // One survey as a JSON object on one line (no newline).
  std::string jsonl(std::size_t n);
  // The CSV header, and one survey as a CSV row (no newline).
  std::string csv_header() const;
  std::string csv(std::size_t n);

 private:
  struct Answer {
    std::string json, csv;
  };
  Answer answer(const Item& item);
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  const RuleSet& rules_;
  std::mt19937_64 rng_;
};

}  // namespace smedx::bench
