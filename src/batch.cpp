#include "smedx/batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <ostream>
#include <sstream>
#include <thread>

#include "csv_row.h"
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
};

// Reads raw records (lines; CSV records may span lines inside quotes) a block at a time.
class RecordReader {
 public:
  RecordReader(std::istream& in, InputFormat format) : in_(in), format_(format) {}

  bool next(RawRecord& r) {
    if (format_ == InputFormat::json || format_ == InputFormat::yaml) {
      if (whole_done_) return false;
      whole_done_ = true;
      std::stringstream buf;
      buf << in_.rdbuf();
      r.text = std::move(buf).str();
      r.line = 1;
      return true;
    }
    // Lines are read into the slot's own buffer, which keeps its capacity from block to block:
    // no allocation per record once the first block has been read.
    while (std::getline(in_, r.text)) {
      ++line_;
      if (r.text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
      r.line = line_;
      // Room for the JSON parser's padding, so it reads the line in place (kept once grown).
      if (r.text.capacity() < r.text.size() + 64) r.text.reserve(r.text.size() + 64);
      if (format_ == InputFormat::csv) {
        std::string more;
        while (std::count(r.text.begin(), r.text.end(), '"') % 2 == 1 && std::getline(in_, more)) {
          ++line_;
          r.text += '\n';
          r.text += more;
        }
      }
      return true;
    }
    return false;
  }

 private:
  std::istream& in_;
  InputFormat format_;
  int line_ = 0;
  bool whole_done_ = false;
};

}  // namespace

BatchSummary score_stream(const Engine& engine, std::istream& in, std::string_view source,
                          InputFormat format, const Formatter& formatter, std::ostream& out,
                          const BatchOptions& options,
                          const std::function<void(std::size_t)>& progress) {
  BatchSummary summary;
  RecordReader reader(in, format);
  const std::string src(source);

  std::optional<CsvLayout> layout;
  if (format == InputFormat::csv) {
    RawRecord header;
    if (!reader.next(header)) return summary;  // an empty file has no records
    layout = read_csv_header(header.text, engine.rules(), source, summary.fatal);
    if (!layout) return summary;
  }

  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t block = std::max<std::size_t>(1, options.block_size);
  std::vector<RawRecord> raw(block);
  std::vector<CodedSurvey> coded(block);
  std::vector<std::string> formatted(block);

  // Parses, codes, scores and formats records [begin, end) of the block. Slices are disjoint,
  // so workers share nothing mutable; each scores its own slice as one Eigen block.
  auto work = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
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
      formatted[i] = formatter(ScoredRecord{engine, coded[i], scores, i - begin});
  };

  for (;;) {
    std::size_t n = 0;
    while (n < block && reader.next(raw[n])) ++n;
    if (n == 0) break;
    const std::size_t workers = std::min<std::size_t>(threads, (n + 63) / 64);
    if (workers <= 1) {
      work(0, n);
    } else {
      std::vector<std::thread> pool;
      const std::size_t per = (n + workers - 1) / workers;
      for (std::size_t w = 1; w < workers; ++w) {
        const std::size_t b = std::min(n, w * per), e = std::min(n, (w + 1) * per);
        if (b < e) pool.emplace_back(work, b, e);
      }
      work(0, std::min(n, per));
      for (auto& t : pool) t.join();
    }
    for (std::size_t i = 0; i < n; ++i) {
      out << formatted[i] << '\n';
      summary.errors += !coded[i].ok();
    }
    summary.records += n;
    if (progress) progress(summary.records);
  }
  return summary;
}

std::string to_csv(const ScoredRecord& r) {
  const RuleSet& rules = r.engine.rules();
  const std::size_t dims = rules.dimensions.size(),
                    top = static_cast<std::size_t>(rules.level_rule.top_level());
  (void)top;
  if (!r.ok())
    return detail::csv_error_row(r.survey.enterprise_id, r.survey.errors.front().message, rules);
  std::vector<Decimal> points(dims);
  for (std::size_t d = 0; d < dims; ++d)
    points[d] = Decimal::from_thousandths(r.scores.dim_points[r.row * dims + d]);
  return detail::csv_row(r.survey.enterprise_id, r.scores.level[r.row],
                         Decimal::from_thousandths(r.scores.total[r.row]), points, r.survey.levels);
}

}  // namespace smedx
