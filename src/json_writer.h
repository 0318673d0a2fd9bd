// A small JSON writer for results: keys in the order written (so output is reproducible byte
// for byte), strings escaped, invalid UTF-8 replaced so the output is always valid JSON.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "utf8.h"

namespace smedx::detail {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one (a sequence cut
// off by the end of `s` included): a JSON reader rejects what is not UTF-8, so it must not pass
// through.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  bool cut = false;
  return utf8_sequence(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i, cut);
}

// Writes a JSON string. Bytes that are not UTF-8 (a Latin-1 name in a CSV file, say) become
// U+FFFD, so the output is always valid JSON. Runs that need no escaping (nearly all of it) are
// copied whole. `Out` is a std::string or any sink with `+=` (a string_view or a char) and
// `append(const char*, size_t)`, such as the record writer's raw buffer.
template <typename Out>
void escape_to(Out& out, std::string_view s) {
  out += '"';
  std::size_t run = 0;  // s[run, i) is copied as it is
  for (std::size_t i = 0; i < s.size();) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x80 && ch != '"' && ch != '\\') {
      ++i;
      continue;
    }
    std::size_t n = 1;
    if (c >= 0x80) {
      n = utf8_length(s, i);
      if (n > 0) {
        i += n;
        continue;
      }
      n = 1;
    }
    out.append(s.data() + run, i - run);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += "\xEF\xBF\xBD";
        }
    }
    i += n;
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

inline void escape(std::string& out, std::string_view s) { escape_to(out, s); }

struct Writer {
  std::string out;
  bool first = true;
  void key(std::string_view k) {
    if (!first) out += ',';
    first = false;
    escape(out, k);
    out += ':';
  }
  void open(char c) {
    out += c;
    first = true;
  }
  void close(char c) {
    out += c;
    first = false;
  }
  void str(std::string_view k, std::string_view v) {
    key(k);
    escape(out, v);
  }
  void raw(std::string_view k, std::string_view v) {
    key(k);
    out += v;
  }
  void item_sep() {
    if (!first) out += ',';
    first = false;
  }
  // "key":["a","b"]
  template <typename Strings>
  void strings(std::string_view k, const Strings& values) {
    key(k);
    open('[');
    for (const auto& v : values) {
      item_sep();
      escape(out, v);
    }
    close(']');
  }
};

}  // namespace smedx::detail
