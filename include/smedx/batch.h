// Batch scoring: stream surveys from JSON Lines or CSV through an engine and write one output
// record per input record, in input order, whatever the number of threads. Memory stays flat:
// records move through in blocks, whose buffers are kept after a call for the next one (at most
// 64 MiB in the whole process), so that a server scoring one stream after another does not grow
// them afresh each time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/engine.h"
#include "smedx/input.h"

namespace smedx {

struct BatchOptions {
  unsigned threads = 0;  // 0: every core; the calling thread counts as one (it works blocks too)
  MissingPolicy missing = MissingPolicy::error;
  std::size_t block_size = 1024;
  TextEncoding encoding = TextEncoding::automatic;
};

struct BatchSummary {
  std::size_t records = 0;
  std::size_t errors = 0;  // records that came out as error records
  // Records formatted and written (score_stream), counted apart from `records` (counted as
  // they are read): the two agree unless smedx has a bug.
  std::size_t written = 0;
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

// Turns a record into one output line (without the newline). Called from several threads: it
// must not touch shared mutable state.
using Formatter = std::function<std::string(const ScoredRecord&)>;

// The CSV output row of a record (see csv_header), straight from the block's columns; then
// the enterprise `fields` named, after the id (empty where the record has none).
std::string to_csv(const ScoredRecord& r);
std::string to_csv(const ScoredRecord& r, const std::vector<std::string>& fields);

// The built-in output records, written straight from the block's score columns on the worker
// threads: the same bytes as to_json(Assessment) and to_csv, without building an Assessment.
struct OutputFormat {
  enum class Kind { jsonl, csv } kind = Kind::jsonl;
  // jsonl: the top-level keys to write (of json_record_keys()), empty for all. A record with
  // errors always has its "error" key.
  std::vector<std::string> fields;
  // csv: the enterprise fields to write after enterprise_id (see csv_enterprise_fields).
  std::vector<std::string> csv_fields;
  // The language of error messages (each issue also carries its code).
  Lang lang = Lang::zh;
};

// The enterprise fields a CSV input's header names (the columns that are neither the id nor an
// item or scenario, pass-through ones included), in order, read as score_stream reads the
// header; empty when the header does not read.
std::vector<std::string> csv_enterprise_fields(std::istream& in, const RuleSet& rules,
                                               TextEncoding encoding = TextEncoding::automatic);

// The top-level keys of a scored JSON record, in the order written (docs/surveys.md).
std::span<const std::string_view> json_record_keys() noexcept;

// Scores every record of `in` and writes formatted records, each followed by '\n', to `out`:
// one output record per input record, in input order. A record that cannot be read (a
// malformed line, a CSV row under a header that does not read, a record over 16 MiB) comes
// out as an error record; nothing is skipped.
// `progress`, when given, is called from the calling thread with the count so far.
BatchSummary score_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const Formatter& formatter, std::ostream& out,
                          const BatchOptions& options = {},
                          const std::function<void(std::size_t)>& progress = {});
// The same with a built-in output format (the fast path of `smedx score`). Throws
// std::invalid_argument for a field that is not one of json_record_keys().
BatchSummary score_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const OutputFormat& output, std::ostream& out,
                          const BatchOptions& options = {},
                          const std::function<void(std::size_t)>& progress = {});

// Reads and codes every record of `in` (on worker threads) and hands each coded survey to
// `visit` in input order, on the calling thread: for work that needs each survey in turn, such
// as a diagnosis that aggregates a cohort. A record that cannot be read comes with its errors.
BatchSummary visit_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const std::function<void(const CodedSurvey&)>& visit,
                          const BatchOptions& options = {});

}  // namespace smedx
