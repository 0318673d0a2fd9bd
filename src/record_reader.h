// Reading raw records from a survey input: lines of JSON Lines, rows of CSV (a quoted field may
// span lines), or a whole JSON/YAML file as one record, with a bound on a record's size so that
// one huge line cannot exhaust memory. Used by the batch path; no parsing happens here.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/batch.h"

namespace smedx::detail {

struct RawRecord {
  std::string text;
  int line = 0;
  std::string problem;  // set when the record could not be read whole
};

// True when a CSV record ends inside a quoted field, so the next line belongs to it.
bool csv_open_quote(std::string_view record);

class RecordReader {
 public:
  static constexpr std::size_t max_record = 16u << 20;  // bytes
  static constexpr int max_csv_lines = 1000;            // physical lines in one CSV record

  RecordReader(std::istream& in, InputFormat format) : in_(in), format_(format) {}

  // The next record into `r` (its buffer is reused); false at the end of the input.
  bool next(RawRecord& r);

 private:
  static void strip_bom(std::string& text);
  bool read_line(std::string& out, bool& too_long);

  std::istream& in_;
  InputFormat format_;
  int line_ = 0;
  bool whole_done_ = false;
  std::vector<char> buffer_ = std::vector<char>(1u << 20);
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
};

}  // namespace smedx::detail
