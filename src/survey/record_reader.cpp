#include "survey/record_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "survey/encoding.h"

namespace smedx::detail {

void CsvScan::feed(std::string_view text, std::size_t base) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        ++i;
        quoted_bytes += 1;
      } else if (c == '"') {
        quoted = false;
        if (watch) loose = i + 1 < text.size() && text[i + 1] != ',';
        watch = false;
      } else {
        ++quoted_bytes;
      }
    } else if (c == '"' && field_start) {
      quoted = true;
      field_start = false;
      open_at = base + i;
      quoted_bytes = 0;
    } else {
      field_start = c == ',';
      fields += c == ',';
    }
  }
}

RecordReader::RecordReader(std::istream& in, InputFormat format, TextEncoding encoding)
    : in_(in), format_(format), encoding_(encoding) {}

RecordReader::~RecordReader() = default;

bool RecordReader::next(RawRecord& r) {
  r.problem.clear();
  r.column = 1;
  if (format_ == InputFormat::json || format_ == InputFormat::yaml) return whole(r);
  // Lines are read into the slot's own buffer, which keeps its capacity from block to block:
  // no allocation per record once the first block has been read.
  for (;;) {
    r.text.clear();
    bool too_long = false;
    if (!physical(r.text, r.line, too_long, r.problem)) return false;
    if (too_long) r.problem = "the record is longer than 16 MiB";
    if (r.problem.empty() && r.text.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (format_ == InputFormat::csv) {
      const std::size_t fields = r.problem.empty() ? csv_row(r) : 0;
      // The first row is the header: its field count is what a row spanning lines must reach.
      if (!header_done_) csv_fields_ = fields;
      header_done_ = true;
    }
    // Room for the JSON parser's padding, so it reads the line in place (kept once grown).
    if (r.text.capacity() < r.text.size() + 64) r.text.reserve(r.text.size() + 64);
    return true;
  }
}

// A row whose line ends inside a quoted field takes the next lines while the row stays
// plausible: the quoted value closes within max_quoted_lines lines and max_quoted_value bytes,
// before the end of the input and before a line that does not read, its closing quote is
// followed by a comma or the end of the line, no line taken is a whole row on its own, and the
// row then has the header's number of fields (never more along the way). Otherwise the first line
// alone is an error record and the lines read ahead are read again, each as its own row: a stray
// quote costs one record, and every row still comes out as one record.
std::size_t RecordReader::csv_row(RawRecord& r) {
  // The usual row has no quote: its fields are its commas, counted without the scan's
  // character-by-character state (a fifth of reading a CSV file's time, issue 20).
  if (std::memchr(r.text.data(), '"', r.text.size()) == nullptr)
    return 1 + static_cast<std::size_t>(std::count(r.text.begin(), r.text.end(), ','));
  CsvScan scan;
  scan.feed(r.text, 0);
  if (!scan.quoted) return scan.fields;
  auto fits = [&] {
    return scan.quoted_bytes <= max_quoted_value &&
           (csv_fields_ == 0 || scan.fields <= csv_fields_);
  };
  std::vector<Line> ahead;
  bool plausible = fits();
  scan.watch = true;
  while (plausible && scan.quoted) {
    Line l;
    if (ahead.size() == static_cast<std::size_t>(max_quoted_lines) ||
        !physical(l.text, l.number, l.too_long, l.problem)) {
      plausible = false;
      break;
    }
    ahead.push_back(std::move(l));
    const Line& last = ahead.back();
    if (last.too_long || !last.problem.empty()) {
      plausible = false;
      break;
    }
    // A line that is a whole row on its own (the header's number of fields, no quote left open)
    // is the next enterprise, not the rest of this one's value: `"华信 6 pipe` then `岚峰 6",…`
    // must not merge two enterprises into one.
    if (csv_fields_ != 0) {
      CsvScan alone;
      alone.feed(last.text, 0);
      if (!alone.quoted && alone.fields == csv_fields_) {
        plausible = false;
        break;
      }
    }
    const std::size_t at = r.text.size() + 1;
    scan.feed("\n", at - 1);
    scan.feed(last.text, at);
    plausible = fits() && !scan.loose;
  }
  if (plausible && (csv_fields_ == 0 || scan.fields == csv_fields_)) {
    for (const Line& l : ahead) {
      r.text += '\n';
      r.text += l.text;
    }
    return scan.fields;
  }
  // The column, in characters as an editor shows it, of the quote left open on the first line.
  CsvScan first;
  first.feed(r.text, 0);
  r.column = 1 + static_cast<int>(std::count_if(
                     r.text.begin(), r.text.begin() + static_cast<std::ptrdiff_t>(first.open_at),
                     [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  r.problem = fmt::format(
      "malformed CSV row: a quoted field opened at column {} is not closed on this line", r.column);
  for (auto it = ahead.rbegin(); it != ahead.rend(); ++it) replay_.push_front(std::move(*it));
  return 0;
}

bool RecordReader::physical(std::string& text, int& number, bool& too_long, std::string& problem) {
  if (!replay_.empty()) {
    Line& l = replay_.front();
    text += l.text;
    number = l.number;
    too_long = l.too_long;
    problem = std::move(l.problem);
    replay_.pop_front();
    return true;
  }
  const std::size_t start = text.size();
  const std::uint64_t offset = offset_;
  too_long = false;
  if (!read_line(text, too_long)) return false;
  number = ++line_;
  if (too_long) return true;
  std::size_t bom = 0;
  if (auto p = decode(text, start, number == 1, bom)) {
    problem =
        fmt::format("{} on line {} at byte offset {}", p->what, number, offset + bom + p->offset);
  }
  return true;
}

Gb18030Decoder& RecordReader::gb18030() {
  if (!gb18030_) gb18030_ = std::make_unique<Gb18030Decoder>();
  return *gb18030_;
}

std::optional<DecodeProblem> RecordReader::decode(std::string& text, std::size_t start,
                                                  bool file_start, std::size_t& bom) {
  std::string_view t = std::string_view(text).substr(start);
  bom = 0;
  if (file_start) {  // a byte order mark is taken at the very start of the input only
    if (encoding_ != TextEncoding::gb18030 && t.starts_with("\xEF\xBB\xBF")) {
      bom = 3;
      encoding_ = TextEncoding::utf8;
    } else if (encoding_ != TextEncoding::utf8 && t.starts_with("\x84\x31\x95\x33")) {
      bom = 4;
      encoding_ = TextEncoding::gb18030;
    }
    text.erase(start, bom);
    t = std::string_view(text).substr(start);
  }
  if (encoding_ == TextEncoding::utf8) return check_utf8(t);  // no need to look for ASCII first
  const auto high = std::find_if(t.begin(), t.end(),
                                 [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  if (high == t.end()) {  // ASCII reads the same in both encodings
    if (const std::size_t nul = t.find('\0'); nul != std::string_view::npos)
      return DecodeProblem{nul, "a NUL byte"};
    return std::nullopt;
  }
  if (encoding_ == TextEncoding::automatic) {
    // Decided on the first text that is not ASCII: this line and the rest of the block read.
    std::string sample(t);
    sample += '\n';
    if (format_ != InputFormat::json && format_ != InputFormat::yaml)
      sample.append(buffer_.data() + pos_, end_ - pos_);
    encoding_ = detect_encoding(sample, gb18030());
  }
  if (encoding_ == TextEncoding::utf8) return check_utf8(t);
  auto problem = gb18030().decode(t, scratch_);
  if (!problem) text.replace(start, std::string::npos, scratch_);
  return problem;
}

// A .json or .yaml input is one survey: the whole file, bytes as they are (carriage returns
// included, so that byte offsets are the file's).
bool RecordReader::whole(RawRecord& r) {
  if (whole_done_) return false;
  whole_done_ = true;
  r.text.clear();
  r.line = 1;
  bool too_long = false;
  for (;;) {
    if (pos_ == end_) {
      end_ = static_cast<std::size_t>(
          in_.rdbuf()->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size())));
      pos_ = 0;
      if (end_ == 0) break;
    }
    const std::size_t room = max_record - std::min(max_record, r.text.size());
    if (end_ - pos_ > room) too_long = true;
    r.text.append(buffer_.data() + pos_, std::min(end_ - pos_, room));
    pos_ = end_;
  }
  eof_ = true;
  if (too_long) {
    r.problem = "the file is longer than 16 MiB";
  } else if (r.text.empty()) {
    r.problem = "the file is empty (expected one survey)";
  } else {
    std::size_t bom = 0;
    if (auto p = decode(r.text, 0, true, bom)) {
      const auto line = 1 + std::count(r.text.begin(), r.text.begin() + p->offset, '\n');
      r.line = static_cast<int>(line);
      r.problem = fmt::format("{} on line {} at byte offset {}", p->what, line, bom + p->offset);
    }
  }
  if (r.text.capacity() < r.text.size() + 64) r.text.reserve(r.text.size() + 64);
  return true;
}

// Appends one physical line (without its newline) to `out`, keeping at most max_record bytes
// of it; returns false at the end of the input with nothing read.
bool RecordReader::read_line(std::string& out, bool& too_long) {
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
    offset_ += n;
    if (nl) {
      ++pos_;
      ++offset_;
      if (!out.empty() && out.back() == '\r') out.pop_back();
      return true;
    }
  }
}

}  // namespace smedx::detail
