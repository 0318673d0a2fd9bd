// The text of the exact numbers a result holds (scores in thousandths, counts), written from two
// small tables: a score's whole part and its fraction are one look-up and one 4-byte copy each.
// The bytes are those of Decimal::to_string and std::to_chars; only the common range is tabled.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace smedx::detail {

// Up to four characters and how many of them are meant: copied 4 bytes at a time.
struct DigitsText {
  char text[7] = {};
  std::uint8_t size = 0;
};

// "0" … "999".
inline constexpr auto whole_text = [] {
  std::array<DigitsText, 1000> t{};
  for (unsigned n = 0; n < 1000; ++n) {
    DigitsText& d = t[n];
    if (n >= 100) d.text[d.size++] = static_cast<char>('0' + n / 100);
    if (n >= 10) d.text[d.size++] = static_cast<char>('0' + n / 10 % 10);
    d.text[d.size++] = static_cast<char>('0' + n % 10);
  }
  return t;
}();

// The fraction of n thousandths as Decimal::to_string writes it: "" for 0, ".5", ".25", ".125".
inline constexpr auto fraction_text = [] {
  std::array<DigitsText, 1000> t{};
  for (unsigned n = 1; n < 1000; ++n) {
    DigitsText& d = t[n];
    d.text[0] = '.';
    d.text[1] = static_cast<char>('0' + n / 100);
    d.text[2] = static_cast<char>('0' + n / 10 % 10);
    d.text[3] = static_cast<char>('0' + n % 10);
    d.size = n % 10 ? 4 : n % 100 ? 3 : 2;
  }
  return t;
}();

// Writes thousandths at `p` as Decimal::to_string writes them and returns the end of the text;
// may write (not mean) up to 24 bytes from `p`.
inline char* write_thousandths(char* p, std::int64_t t) noexcept {
  if (static_cast<std::uint64_t>(t) < 1'000'000u) [[likely]] {  // 0 to 999.999
    const auto v = static_cast<std::uint32_t>(t);
    const DigitsText& whole = whole_text[v / 1000];
    std::memcpy(p, whole.text, 4);
    p += whole.size;
    const DigitsText& fraction = fraction_text[v % 1000];
    std::memcpy(p, fraction.text, 4);
    return p + fraction.size;
  }
  std::uint64_t v = static_cast<std::uint64_t>(t);
  if (t < 0) {
    *p++ = '-';
    v = 0 - v;
  }
  p = std::to_chars(p, p + 21, v / 1000).ptr;
  const DigitsText& fraction = fraction_text[v % 1000];
  std::memcpy(p, fraction.text, 4);
  return p + fraction.size;
}

// Writes an integer at `p` as std::to_chars does and returns the end; may write up to 24 bytes.
inline char* write_int(char* p, std::int64_t v) noexcept {
  if (static_cast<std::uint64_t>(v) < 1000u) [[likely]] {
    const DigitsText& d = whole_text[static_cast<std::size_t>(v)];
    std::memcpy(p, d.text, 4);
    return p + d.size;
  }
  return std::to_chars(p, p + 24, v).ptr;
}

}  // namespace smedx::detail
