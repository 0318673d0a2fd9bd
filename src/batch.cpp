#include "smedx/batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <istream>
#include <ostream>
#include <sstream>

#include "parallel.h"
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

struct RawRecord {
  std::string text;
  int line = 0;
  std::string problem;  // set when the record could not be read whole
};

// True when a CSV record ends inside a quoted field, so the next line belongs to it. A quote
// opens a quoted field only at the start of a field, as split_csv reads it; a stray quote in
// the middle of a field is a character like any other.
bool csv_open_quote(std::string_view record) {
  bool quoted = false, field_start = true;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    if (quoted) {
      if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"' && field_start) {
      quoted = true;
      field_start = false;
    } else {
      field_start = c == ',';
    }
  }
  return quoted;
}

// Reads raw records (lines; a CSV record may span lines inside a quoted field) a block at a
// time, with a bound on a record's size so that one huge line cannot exhaust memory.
class RecordReader {
 public:
  static constexpr std::size_t max_record = 16u << 20;  // bytes
  static constexpr int max_csv_lines = 1000;            // physical lines in one CSV record

  RecordReader(std::istream& in, InputFormat format) : in_(in), format_(format) {}

  bool next(RawRecord& r) {
    r.problem.clear();
    if (format_ == InputFormat::json || format_ == InputFormat::yaml) {
      if (whole_done_) return false;
      whole_done_ = true;
      r.text.clear();
      bool too_long = false;
      bool any = false;
      while (read_line(r.text, too_long)) {
        any = true;
        r.text += '\n';
      }
      if (!any) return false;
      strip_bom(r.text);
      r.line = 1;
      if (too_long) r.problem = "the file is longer than 16 MiB";
      return true;
    }
    // Lines are read into the slot's own buffer, which keeps its capacity from block to block:
    // no allocation per record once the first block has been read.
    for (;;) {
      r.text.clear();
      bool too_long = false;
      if (!read_line(r.text, too_long)) return false;
      ++line_;
      if (line_ == 1) strip_bom(r.text);
      if (r.text.find_first_not_of(" \t\r") == std::string::npos && !too_long) continue;
      r.line = line_;
      if (format_ == InputFormat::csv) {
        for (int extra = 0; !too_long && csv_open_quote(r.text); ++extra) {
          if (extra == max_csv_lines) {
            r.problem = "malformed CSV row: a quoted field is not closed";
            break;
          }
          r.text += '\n';
          if (!read_line(r.text, too_long)) {
            r.problem = "malformed CSV row: a quoted field is not closed";
            break;
          }
          ++line_;
        }
      }
      if (too_long) r.problem = "the record is longer than 16 MiB";
      // Room for the JSON parser's padding, so it reads the line in place (kept once grown).
      if (r.text.capacity() < r.text.size() + 64) r.text.reserve(r.text.size() + 64);
      return true;
    }
  }

 private:
  static void strip_bom(std::string& text) {
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  }

  // Appends one physical line (without its newline) to `out`, keeping at most max_record bytes
  // of it; returns false at the end of the input with nothing read.
  bool read_line(std::string& out, bool& too_long) {
    bool any = false;
    for (;;) {
      if (pos_ == end_) {
        if (eof_) return any;
        end_ = static_cast<std::size_t>(
            in_.rdbuf()->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size())));
        pos_ = 0;
        if (end_ == 0) {
          eof_ = true;
          return any;
        }
      }
      any = true;
      const char* start = buffer_.data() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      const std::size_t n = nl ? static_cast<std::size_t>(nl - start) : end_ - pos_;
      const std::size_t room = out.size() < max_record ? max_record - out.size() : 0;
      if (n > room) too_long = true;
      out.append(start, std::min(n, room));
      pos_ += n;
      if (nl) {
        ++pos_;
        if (!out.empty() && out.back() == '\r') out.pop_back();
        return true;
      }
    }
  }

  std::istream& in_;
  InputFormat format_;
  int line_ = 0;
  bool whole_done_ = false;
  std::vector<char> buffer_ = std::vector<char>(1u << 20);
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
};

}  // namespace

namespace {

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
