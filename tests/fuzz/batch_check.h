// The batch invariants both stream harnesses check: one output line per record the summary
// counts, each a valid single-line JSON assessment, and no exception out of score_stream.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "smedx/batch.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

namespace smedx::fuzz {

// Physical lines that hold something other than blanks (a leading byte-order mark does not
// count): the records of a JSON Lines input, the header and rows of a CSV input without quotes.
inline std::size_t non_blank_lines(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t n = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    if (text.substr(0, end).find_first_not_of(" \t\r") != std::string_view::npos) ++n;
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return n;
}

// Small blocks: a block allocates its slots up front, which would dominate a fuzzing run.
inline BatchSummary check_batch(std::string_view text, InputFormat format, unsigned threads,
                                std::size_t block) {
  std::istringstream in{std::string(text)};
  std::ostringstream out;
  BatchOptions options;
  options.threads = threads;
  options.block_size = block;
  const BatchSummary summary = score_stream(
      engine(), in, "fuzz", format, [](const ScoredRecord& r) { return to_json(r.assessment()); },
      out, options);
  const std::string written = out.str();
  std::size_t lines = 0;
  for (std::size_t start = 0; start < written.size();) {
    const std::size_t end = written.find('\n', start);
    FUZZ_CHECK(end != std::string::npos, "the last output line has no newline");
    FUZZ_CHECK(is_json_line(std::string_view(written).substr(start, end - start)),
               "output line " + std::to_string(lines + 1) + " is not one JSON value");
    ++lines;
    start = end + 1;
  }
  FUZZ_CHECK(lines == summary.records, "output lines " + std::to_string(lines) + " != records " +
                                           std::to_string(summary.records));
  FUZZ_CHECK(summary.errors <= summary.records, "more errors than records");
  return summary;
}

}  // namespace smedx::fuzz
