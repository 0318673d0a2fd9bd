// A small JSON writer for results: keys in the order written (so output is reproducible byte
// for byte), strings escaped, invalid UTF-8 replaced so the output is always valid JSON.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace smedx::detail {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

// Writes a JSON string. Bytes that are not UTF-8 (a Latin-1 name in a CSV file, say) become
// U+FFFD, so the output is always valid JSON.
inline void escape(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      const std::size_t n = utf8_length(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
      continue;
    }
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
          out += ch;
        }
    }
  }
  out += '"';
}

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
