// Reading raw records from a survey input: lines of JSON Lines, rows of CSV (a quoted field may
// span lines while the row stays plausible), or a whole JSON/YAML file as one record, decoded
// to UTF-8, with a bound on a record's size so that one huge line cannot exhaust memory. Used by
// the batch path; no parsing happens here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/input.h"
#include "survey/encoding.h"

namespace smedx::detail {

struct RawRecord {
  std::string text;
  int line = 0;
  int column = 1;
  std::string problem;  // set when the record could not be read whole
};

// Where a CSV text stands after a scan: inside a quoted field or not, how many fields it has.
// A quote opens a quoted field only at the start of a field, as split_csv reads it; a stray
// quote in the middle of a field is a character like any other.
struct CsvScan {
  bool quoted = false;
  bool field_start = true;
  std::size_t fields = 1;
  std::size_t open_at = 0;       // byte offset (in the scanned text) of the open field's quote
  std::size_t quoted_bytes = 0;  // bytes of the open quoted field's value so far
  // Set to watch the next closing quote: `loose` then tells whether something other than a
  // comma or the end of the line followed it (as when it is really the next row's opening).
  bool watch = false;
  bool loose = false;

  // Scans `text`, which continues what was scanned before; `base` is its offset in the whole.
  // A quote that ends `text` closes the field: what follows a physical line is its newline.
  void feed(std::string_view text, std::size_t base);
};

class RecordReader {
 public:
  static constexpr std::size_t max_record = 16u << 20;        // bytes
  static constexpr std::size_t max_quoted_value = 64u << 10;  // bytes of one quoted CSV value
  static constexpr int max_quoted_lines = 32;                 // lines one quoted value spans

  RecordReader(std::istream& in, InputFormat format,
               TextEncoding encoding = TextEncoding::automatic);
  ~RecordReader();

  // The next record into `r` (its buffer is reused); false at the end of the input.
  bool next(RawRecord& r);

 private:
  struct Line {
    std::string text;
    int number = 0;
    bool too_long = false;
    std::string problem;
  };

  // The next physical line, appended to `text` and decoded (replayed lines first).
  bool physical(std::string& text, int& number, bool& too_long, std::string& problem);
  // Decodes text[start, end) to UTF-8 in place, first taking off a byte order mark at the start
  // of the input (`bom`: its size); a problem's offset counts from `start` after the mark.
  std::optional<DecodeProblem> decode(std::string& text, std::size_t start, bool file_start,
                                      std::size_t& bom);
  Gb18030Decoder& gb18030();
  bool whole(RawRecord& r);
  // Joins the lines of a CSV row whose quoted field spans lines, if the row stays plausible;
  // returns the row's field count (0 when it is an error record).
  std::size_t csv_row(RawRecord& r);
  bool read_line(std::string& out, bool& too_long);

  std::istream& in_;
  InputFormat format_;
  TextEncoding encoding_;
  std::unique_ptr<Gb18030Decoder> gb18030_;
  std::string scratch_;
  int line_ = 0;
  std::uint64_t offset_ = 0;    // bytes read from the input so far
  std::size_t csv_fields_ = 0;  // the CSV header's field count, once read (0 before)
  bool header_done_ = false;
  bool whole_done_ = false;
  std::deque<Line> replay_;  // lines read ahead for a quoted field that did not close
  std::vector<char> buffer_ = std::vector<char>(1u << 20);
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
};

}  // namespace smedx::detail
