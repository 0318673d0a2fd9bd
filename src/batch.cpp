#include "smedx/batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <istream>
#include <ostream>
#include <sstream>

#include "parallel.h"
#include "record_reader.h"
#include "smedx/survey_io.h"

namespace smedx {

std::optional<InputFormat> parse_input_format(std::string_view name) {
  if (name == "jsonl" || name == "ndjson") return InputFormat::jsonl;
  if (name == "csv") return InputFormat::csv;
  if (name == "json") return InputFormat::json;
  if (name == "yaml" || name == "yml") return InputFormat::yaml;
  return std::nullopt;
}

std::optional<InputFormat> input_format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  if (ext.empty()) return std::nullopt;
  return parse_input_format(std::string_view(ext).substr(1));
}

namespace {

using detail::RawRecord;
using detail::RecordReader;

// Reads, codes and scores every record, a block at a time: `on_worker` runs on the worker
// threads for each scored record (its result is kept), `in_order` on the calling thread for
// each record in input order.
BatchSummary stream_records(const Engine& engine, std::istream& in, std::string_view source,
                            InputFormat format, const BatchOptions& options,
                            const Formatter& on_worker,
                            const std::function<void(std::string&, const CodedSurvey&)>& in_order,
                            const std::function<void(std::size_t)>& progress) {
  BatchSummary summary;
  RecordReader reader(in, format);
  const std::string src(source);

  // A CSV file's records are read with the layout of its header. A header that does not read
  // makes every record an error record naming the header's problem: nothing is dropped.
  std::optional<CsvLayout> layout;
  std::vector<Issue> header_problems;
  if (format == InputFormat::csv) {
    RawRecord header;
    if (!reader.next(header)) return summary;  // an empty file has no records
    if (!header.problem.empty()) {
      header_problems.push_back(
          Issue{Severity::error, header.problem, "", Location{src, 1, 1}, ""});
    } else {
      layout = read_csv_header(header.text, engine.rules(), source, header_problems);
    }
  }

  const std::size_t threads = detail::thread_count(options.threads);
  const std::size_t block = std::max<std::size_t>(1, options.block_size);
  std::vector<RawRecord> raw(block);
  std::vector<CodedSurvey> coded(block);
  std::vector<std::string> formatted(block);

  // Parses, codes, scores and formats records [begin, end) of the block. Slices are disjoint,
  // so workers share nothing mutable; each scores its own slice as one Eigen block.
  auto work = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (!raw[i].problem.empty() || !header_problems.empty()) {
        coded[i] = CodedSurvey{};
        coded[i].errors = raw[i].problem.empty()
                              ? header_problems
                              : std::vector<Issue>{Issue{Severity::error, raw[i].problem, "",
                                                         Location{src, raw[i].line, 1}, ""}};
        continue;
      }
      if (format == InputFormat::jsonl || format == InputFormat::json) {
        // JSON goes straight to the coder: no Survey is built on the batch path.
        engine.code_json(raw[i].text, Location{src, raw[i].line, 1}, options.missing, coded[i],
                         raw[i].text.capacity());
        continue;
      }
      SurveyParse parsed;
      switch (format) {
        case InputFormat::jsonl:
        case InputFormat::json:
          break;
        case InputFormat::csv:
          parsed = parse_survey_csv(*layout, raw[i].text, source, raw[i].line);
          break;
        case InputFormat::yaml:
          parsed = parse_survey_yaml(raw[i].text, source);
          break;
      }
      if (parsed.survey) {
        engine.code_into(*parsed.survey, options.missing, coded[i]);
        for (auto& e : coded[i].errors)
          if (!e.where.known()) e.where = Location{src, raw[i].line, 1};
      } else {
        coded[i] = CodedSurvey{};
        coded[i].enterprise_id = std::move(parsed.enterprise_id);
        coded[i].enterprise = std::move(parsed.enterprise);
        coded[i].errors = std::move(parsed.issues);
      }
    }
    BlockScores scores;
    engine.score_block(std::span<const CodedSurvey>(coded.data() + begin, end - begin), scores);
    for (std::size_t i = begin; i < end; ++i)
      formatted[i] = on_worker(ScoredRecord{engine, coded[i], scores, i - begin});
  };

  for (;;) {
    std::size_t n = 0;
    while (n < block && reader.next(raw[n])) ++n;
    if (n == 0) break;
    // At least 64 records a worker: fewer are not worth a thread.
    detail::parallel_slices(n, std::min<std::size_t>(threads, (n + 63) / 64), work);
    for (std::size_t i = 0; i < n; ++i) {
      in_order(formatted[i], coded[i]);
      summary.errors += !coded[i].ok();
    }
    summary.records += n;
    if (progress) progress(summary.records);
  }
  return summary;
}

}  // namespace

BatchSummary score_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const Formatter& formatter, std::ostream& out,
                          const BatchOptions& options,
                          const std::function<void(std::size_t)>& progress) {
  return stream_records(
      engine, in, source, format, options, formatter,
      [&out](std::string& record, const CodedSurvey&) { out << record << '\n'; }, progress);
}

BatchSummary visit_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const std::function<void(const CodedSurvey&)>& visit,
                          const BatchOptions& options) {
  return stream_records(
      engine, in, source, format, options, [](const ScoredRecord&) { return std::string(); },
      [&visit](std::string&, const CodedSurvey& coded) { visit(coded); }, {});
}

}  // namespace smedx
