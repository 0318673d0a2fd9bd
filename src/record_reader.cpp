#include "record_reader.h"

#include <algorithm>
#include <cstring>

namespace smedx::detail {

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

bool RecordReader::next(RawRecord& r) {
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

void RecordReader::strip_bom(std::string& text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
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
    if (nl) {
      ++pos_;
      if (!out.empty() && out.back() == '\r') out.pop_back();
      return true;
    }
  }
}

}  // namespace smedx::detail
