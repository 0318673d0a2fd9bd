#include "smedx/batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <istream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "batch/block_shelf.h"
#include "batch/csv_row.h"
#include "batch/record_json.h"
#include "common/parallel.h"
#include "score/engine_access.h"
#include "smedx/columns.h"
#include "smedx/record.h"
#include "smedx/survey_csv.h"
#include "smedx/survey_text.h"
#include "survey/record_reader.h"
#include "survey/survey_coder.h"
#include "survey/survey_csv_code.h"

namespace smedx {

namespace {

using detail::RawRecord;
using detail::RecordReader;
using Block = detail::RecordBlock;

// Appends one record's output line (without the newline), on a worker thread.
using RecordFormat =
    std::function<void(std::string&, const CodedSurvey&, const BlockScores&, std::size_t)>;

// Reads, codes, scores and formats every record, a block at a time, as a pipeline: the calling
// thread reads block k+1 and writes block k-1 (through `in_order`, in input order) while the
// workers code, score and format blocks k, k-1, … (each block wholly by one thread, scored
// together and formatted into one buffer); when it has nothing to read or write, the calling
// thread takes a block too. A fixed number of blocks is in flight, so memory is flat.
BatchSummary stream_records(const Engine& engine, std::istream& in, std::string_view source,
                            InputFormat format, const BatchOptions& options,
                            const RecordFormat& format_record,
                            const std::function<void(const Block&)>& in_order,
                            const std::function<void(std::size_t)>& progress) {
  BatchSummary summary;
  RecordReader reader(in, format, options.encoding);
  const std::string src(source);

  // A CSV file's records are read with the layout of its header. A header that does not read
  // makes every record an error record: the first carries the header's problems (as does
  // summary.fatal), each later one points at the header. Nothing is dropped.
  std::optional<CsvLayout> layout;
  std::vector<Issue> header_problems;
  std::string not_read_line;  // the line of a CSV header that does not read
  if (format == InputFormat::csv) {
    RawRecord header;
    if (!reader.next(header)) return summary;  // an empty file has no records
    if (!header.problem.empty()) {
      header_problems.push_back(
          coded_issue("E-RECORD", {header.problem}, "", Location{src, header.line, header.column}));
    } else {
      layout = read_csv_header(header.text, engine.rules(), source, header_problems);
      for (Issue& i : header_problems)  // the header's own words, under one code
        if (i.code.empty()) i = coded_issue("E-CSV-COLUMN", {i.message}, i.path, i.where);
    }
    detail::cap_issues(header_problems);
    summary.fatal = header_problems;
    not_read_line = std::to_string(header.line);
  }

  std::optional<detail::CsvRowCoder> csv_coder;
  if (layout) csv_coder.emplace(*layout, detail::EngineAccess::index(engine));

  // Codes one raw record. Workers share nothing mutable: each has its own block and `where`
  // (kept across records so that naming the file costs no allocation each time).
  // `first`: the record is the stream's first, which carries a bad CSV header's problems.
  auto code = [&](RawRecord& raw, CodedSurvey& coded, Location& where, bool first) {
    if (!raw.problem.empty() || !header_problems.empty()) {
      coded = CodedSurvey{};
      coded.errors =
          !header_problems.empty() && first
              ? header_problems
              : std::vector<Issue>{header_problems.empty()
                                       ? coded_issue("E-RECORD", {raw.problem}, "",
                                                     Location{src, raw.line, raw.column})
                                       : coded_issue("E-CSV-HEADER", {not_read_line}, "",
                                                     Location{src, raw.line, raw.column})};
      return;
    }
    if (format == InputFormat::jsonl || format == InputFormat::json) {
      // JSON goes straight to the coder: no Survey is built on the batch path. The reader has
      // checked that the text is well-formed UTF-8.
      where.line = raw.line;
      detail::code_survey_json(raw.text, raw.text.capacity(), where,
                               detail::EngineAccess::index(engine), options.missing, coded,
                               detail::JsonReader::fast_utf8);
      return;
    }
    if (format == InputFormat::csv) {
      // The usual row goes straight to the coder, as JSON does; any other row takes the Survey
      // path below, which words its problems.
      where.line = raw.line;
      if (csv_coder && csv_coder->code(raw.text, where, options.missing, coded)) {
        for (auto& e : coded.errors)
          if (!e.where.known()) e.where = Location{src, raw.line, 1};
        return;
      }
    }
    SurveyParse parsed = format == InputFormat::csv
                             ? parse_survey_csv(*layout, raw.text, source, raw.line)
                             : parse_survey_yaml(raw.text, source);
    if (parsed.survey) {
      engine.code_into(*parsed.survey, options.missing, coded);
      for (auto& e : coded.errors)
        if (!e.where.known()) e.where = Location{src, raw.line, 1};
      if (!parsed.issues.empty()) {  // cells that did not read, then the row's other problems
        // A consistency rule judged on the stand-ins of the cells that did not read says nothing.
        std::erase_if(coded.errors,
                      [](const Issue& e) { return e.path.starts_with("consistency."); });
        coded.errors.insert(coded.errors.begin(), parsed.issues.begin(), parsed.issues.end());
        detail::cap_issues(coded.errors);
      }
    } else {
      coded = CodedSurvey{};
      coded.enterprise_id = std::move(parsed.enterprise_id);
      coded.enterprise =
          std::move(parsed.enterprise);  // pass-through fields still reach the output
      coded.errors = std::move(parsed.issues);
    }
  };
  auto process = [&](Block& b, BlockScores& scores) {
    b.errors = 0;
    Location where{src, 0, 1};
    for (std::size_t i = 0; i < b.n; ++i) {
      code(b.raw[i], b.coded[i], where, b.first + i == 0);
      b.errors += !b.coded[i].ok();
    }
    engine.score_block(std::span<const CodedSurvey>(b.coded.data(), b.n), scores);
    b.out.clear();
    b.formatted = 0;
    if (!format_record) return;
    for (std::size_t i = 0; i < b.n; ++i) {
      format_record(b.out, b.coded[i], scores, i);
      b.out += '\n';
      ++b.formatted;
    }
  };

  // `threads` counts the calling thread: it reads and writes, and works on blocks itself when it
  // has nothing to read or write, so --threads 1 uses one core and N threads use N.
  const std::size_t threads = detail::thread_count(options.threads);
  const std::size_t workers = threads - 1;
  const std::size_t block = std::max<std::size_t>(1, options.block_size);
  // One being read, one being written, one a thread; kept from an earlier call when the shelf
  // has them (their buffers already grown), given back at the end.
  std::vector<Block> blocks = detail::BlockShelf::shared().take(threads + 2);
  std::mutex mutex;
  std::condition_variable work_ready, block_done;
  std::deque<Block*> queue;
  bool closing = false;
  std::exception_ptr failure;

  auto worker = [&] {
    BlockScores scores;
    for (;;) {
      Block* b = nullptr;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&] { return closing || !queue.empty(); });
        if (closing) return;
        b = queue.front();
        queue.pop_front();
      }
      try {
        process(*b, scores);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
      }
      {
        std::lock_guard lock(mutex);
        b->done = true;
      }
      block_done.notify_one();
    }
  };
  std::vector<std::thread> pool;
  // Stops the workers however the loop below ends (an exception from `in_order` included).
  struct Join {
    std::mutex& mutex;
    std::condition_variable& work_ready;
    bool& closing;
    std::vector<std::thread>& pool;
    ~Join() {
      {
        std::lock_guard lock(mutex);
        closing = true;
      }
      work_ready.notify_all();
      for (auto& t : pool) t.join();
    }
  } join{mutex, work_ready, closing, pool};
  for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(worker);

  std::size_t next_read = 0, next_write = 0, records_read = 0;
  bool eof = false;
  BlockScores scores;  // the calling thread's, for the blocks it works on
  for (;;) {
    Block& w = blocks[next_write % blocks.size()];
    bool ready = false;
    if (next_write < next_read) {
      std::lock_guard lock(mutex);
      ready = w.done;
      if (ready && failure) std::rethrow_exception(failure);
    }
    if (ready) {  // the oldest block first: it frees a slot for reading
      in_order(w);
      summary.records += w.n;
      summary.errors += w.errors;
      summary.written += w.formatted;
      ++next_write;
      if (progress) progress(summary.records);
      continue;
    }
    if (!eof && next_read - next_write < blocks.size()) {
      Block& r = blocks[next_read % blocks.size()];
      // Slots grow to a block as records come, so a small input costs little.
      r.n = 0;
      r.first = records_read;
      for (; r.n < block; ++r.n) {
        if (r.n == r.raw.size()) {
          r.raw.emplace_back();
          r.coded.emplace_back();
        }
        if (!reader.next(r.raw[r.n])) break;
      }
      if (r.n == 0) {
        eof = true;
        continue;
      }
      {
        std::lock_guard lock(mutex);
        r.done = false;
        queue.push_back(&r);
      }
      work_ready.notify_one();
      ++next_read;
      records_read += r.n;
      continue;
    }
    if (next_write == next_read) break;  // all read and all written
    // Nothing to write yet and no room to read: work on a waiting block, else wait.
    // Only this thread fills the queue, so a wait for the oldest block is all that is left when
    // the workers have taken every block.
    Block* b = nullptr;
    {
      std::unique_lock lock(mutex);
      if (queue.empty()) {
        block_done.wait(lock, [&] { return w.done; });
        continue;
      }
      b = queue.front();
      queue.pop_front();
    }
    process(*b, scores);  // an exception here ends the run, as one from a worker does
    {
      std::lock_guard lock(mutex);
      b->done = true;
    }
  }
  // Every block is written: the workers wait for work and touch none of them any more.
  detail::BlockShelf::shared().give_back(blocks);
  return summary;
}

}  // namespace

std::vector<std::string> csv_enterprise_fields(std::istream& in, const RuleSet& rules,
                                               TextEncoding encoding) {
  RecordReader reader(in, InputFormat::csv, encoding);
  RawRecord header;
  std::vector<std::string> fields;
  if (!reader.next(header) || !header.problem.empty()) return fields;
  const auto names = split_csv(header.text);
  if (!names) return fields;
  for (auto& c : classify_columns(*names, rules).columns)
    if (c.kind == TableColumn::Kind::field) fields.push_back(std::move(c.name));
  return fields;
}

std::span<const std::string_view> json_record_keys() noexcept {
  return detail::JsonRecordWriter::keys;
}

BatchSummary score_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const Formatter& formatter, std::ostream& out,
                          const BatchOptions& options,
                          const std::function<void(std::size_t)>& progress) {
  return stream_records(
      engine, in, source, format, options,
      [&](std::string& buffer, const CodedSurvey& coded, const BlockScores& scores,
          std::size_t row) {
        buffer += formatter(ScoredRecord{engine, coded, scores, row});
      },
      [&out](const Block& b) {
        out.write(b.out.data(), static_cast<std::streamsize>(b.out.size()));
      },
      progress);
}

BatchSummary score_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const OutputFormat& output, std::ostream& out,
                          const BatchOptions& options,
                          const std::function<void(std::size_t)>& progress) {
  auto write = [&out](const Block& b) {
    out.write(b.out.data(), static_cast<std::streamsize>(b.out.size()));
  };
  if (output.kind == OutputFormat::Kind::csv) {
    const RuleSet& rules = engine.rules();
    return stream_records(
        engine, in, source, format, options,
        [&rules, &output](std::string& buffer, const CodedSurvey& coded, const BlockScores& scores,
                          std::size_t row) {
          detail::append_csv_row(buffer, rules, coded, scores, row, output.csv_fields, output.lang);
        },
        write, progress);
  }
  unsigned fields = output.fields.empty() ? detail::JsonRecordWriter::all : 0;
  const auto keys = json_record_keys();
  for (const auto& f : output.fields) {
    const auto k = std::find(keys.begin(), keys.end(), f);
    if (k == keys.end()) throw std::invalid_argument(fmt::format("unknown record field '{}'", f));
    fields |= 1u << (k - keys.begin());
  }
  const detail::JsonRecordWriter writer(engine, fields, output.lang);
  return stream_records(
      engine, in, source, format, options,
      [&writer](std::string& buffer, const CodedSurvey& coded, const BlockScores& scores,
                std::size_t row) { writer.append(buffer, coded, scores, row); },
      write, progress);
}

BatchSummary visit_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const std::function<void(const CodedSurvey&)>& visit,
                          const BatchOptions& options) {
  return stream_records(engine, in, source, format, options, {},
                        [&visit](const Block& b) {
                          for (std::size_t i = 0; i < b.n; ++i) visit(b.coded[i]);
                        },
                        {});
}

}  // namespace smedx
