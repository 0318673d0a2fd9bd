// A small JSON writer for results: keys in the order written (so output is reproducible byte
// for byte), strings escaped, invalid UTF-8 replaced so the output is always valid JSON.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/utf8.h"

namespace smedx::detail {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one (a sequence cut
// off by the end of `s` included): a JSON reader rejects what is not UTF-8, so it must not pass
// through.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  bool cut = false;
  return utf8_sequence(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i, cut);
}

// Whether the 8 bytes at `p` are all plain ASCII, copied as they are: none below 0x20, none
// from 0x80, no '"' and no '\\'. (Each test is exact about whether any byte matches.)
inline bool plain_ascii8(const unsigned char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t below_space = (w - ones * 0x20) & ~w & highs;
  return ((w & highs) | below_space | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) ==
         0;
}

// The ASCII bytes a JSON string holds as they are: from space to DEL, but not '"' or '\\'.
inline constexpr auto plain_ascii_byte = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

// The first place at or after `i` where `s` needs escaping or replacing: a special, a control
// or a byte that does not start well-formed UTF-8 (s.size() if none). Plain ASCII is passed over
// 8 bytes at a time after a plain byte, and runs of the three-byte sequences of Chinese text are
// checked inline.
inline std::size_t plain_until(std::string_view s, std::size_t i) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t size = s.size();
  while (i < size) {
    const unsigned char c = p[i];
    if (plain_ascii_byte[c]) {
      for (++i; size - i >= 8 && plain_ascii8(p + i);) i += 8;
      // The last few bytes in one go when the text's last 8 are plain (they overlap the run).
      if (size - i < 8 && size >= 8 && plain_ascii8(p + size - 8)) return size;
      while (i < size && plain_ascii_byte[p[i]]) ++i;
      continue;
    }
    if (c < 0x80) return i;
    // A run of three-byte sequences led by E1–EC or EE–EF, which take any two continuation
    // bytes (E0 and ED do not: utf8_sequence).
    const std::size_t from = i;
    while (size - i >= 3) {
      const unsigned lead = p[i];
      if (!((lead - 0xE1u < 0x0Cu) || (lead - 0xEEu < 2u)) ||
          ((p[i + 1] | (unsigned{p[i + 2]} << 8)) & 0xC0C0u) != 0x8080u)
        break;
      i += 3;
    }
    if (i != from) continue;
    const std::size_t n = utf8_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return size;
}

// Writes the JSON string `s` from its first byte to escape or replace, `i` (see escape_to).
template <typename Out>
void escape_from(Out& out, std::string_view s, std::size_t i) {
  out += '"';
  std::size_t run = 0;  // s[run, i) is copied as it is
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    switch (c) {
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
          out += "\xEF\xBF\xBD";  // not UTF-8: one byte replaced, the next looked at again
        }
    }
    run = ++i;
    i = plain_until(s, i);
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

// Writes a JSON string. Bytes that are not UTF-8 (a Latin-1 name in a CSV file, say) become
// U+FFFD, so the output is always valid JSON. Runs that need no escaping (nearly all of it) are
// copied whole. `Out` is a std::string or any sink with `+=` (a string_view or a char) and
// `append(const char*, size_t)`, such as the record writer's raw buffer. Inline, as nearly every
// string needs no escaping: the scan and one copy.
template <typename Out>
inline void escape_to(Out& out, std::string_view s) {
  const std::size_t i = plain_until(s, 0);
  if (i != s.size()) [[unlikely]] {
    if constexpr (std::is_same_v<Out, std::string>) {
      escape_from(out, s, i);
    } else {  // a sink that is a value (a pointer) is escaped on a copy: its address stays private
      Out copy = out;
      escape_from(copy, s, i);
      out = copy;
    }
    return;
  }
  if constexpr (std::is_same_v<Out, std::string>) {
    const std::size_t at = out.size();
    out.append(s.size() + 2, '"');  // one call to grow the string, not three
    if (!s.empty()) std::memcpy(out.data() + at + 1, s.data(), s.size());
  } else {
    out += '"';
    out.append(s.data(), s.size());
    out += '"';
  }
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
  // An option letter as a JSON string: "A".
  void letter(char l) {
    const char text[3] = {'"', l, '"'};
    out.append(text, 3);
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
