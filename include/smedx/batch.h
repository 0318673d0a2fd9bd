// Batch scoring: stream surveys from JSON Lines or CSV through an engine and write one output
// record per input record, in input order, whatever the number of threads. Memory stays flat:
// records move through in blocks.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/engine.h"

namespace smedx {

enum class InputFormat { jsonl, csv, json, yaml };

// The format a file's extension names (.jsonl/.ndjson, .csv, .json, .yaml/.yml), if any.
std::optional<InputFormat> input_format_for(const std::filesystem::path& path);
std::optional<InputFormat> parse_input_format(std::string_view name);

struct BatchOptions {
  unsigned threads = 0;  // 0: every core
  MissingPolicy missing = MissingPolicy::error;
  std::size_t block_size = 4096;
};

struct BatchSummary {
  std::size_t records = 0;
  std::size_t errors = 0;    // records that came out as error records
  std::vector<Issue> fatal;  // problems with the input as a whole (a bad CSV header)
};

// One scored record as the batch holds it: the coded survey and its row of the block's scores.
// Reading level or points from here costs nothing; assessment() builds the full result.
struct ScoredRecord {
  const Engine& engine;
  const CodedSurvey& survey;
  const BlockScores& scores;
  std::size_t row;

  bool ok() const noexcept { return survey.ok(); }
  Assessment assessment() const { return engine.assessment(survey, scores, row); }
};

// Turns a record into one output line (without the newline). Called from worker threads: it
// must not touch shared mutable state.
using Formatter = std::function<std::string(const ScoredRecord&)>;

// The CSV output row of a record (see csv_header), straight from the block's columns; then
// the enterprise `fields` named, after the id (empty where the record has none).
std::string to_csv(const ScoredRecord& r);
std::string to_csv(const ScoredRecord& r, const std::vector<std::string>& fields);

// Scores every record of `in` and writes formatted records, each followed by '\n', to `out`:
// one output record per input record, in input order. A record that cannot be read (a
// malformed line, a CSV row under a header that does not read, a record over 16 MiB) comes
// out as an error record; nothing is skipped.
// `progress`, when given, is called from the calling thread with the count so far.
BatchSummary score_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const Formatter& formatter, std::ostream& out,
                          const BatchOptions& options = {},
                          const std::function<void(std::size_t)>& progress = {});

// Reads and codes every record of `in` (on worker threads) and hands each coded survey to
// `visit` in input order, on the calling thread: for work that needs each survey in turn, such
// as a diagnosis that aggregates a cohort. A record that cannot be read comes with its errors.
BatchSummary visit_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const std::function<void(const CodedSurvey&)>& visit,
                          const BatchOptions& options = {});

}  // namespace smedx
