// What well-formed UTF-8 is (Unicode table 3-7), in one place: overlong forms, surrogates and
// code points past U+10FFFF are not UTF-8. Used by the input decoder and the output writers.
#pragma once

#include <cstddef>

namespace smedx::detail {

// The length of the well-formed UTF-8 sequence at the start of [p, p + n): 0 when it is not
// one; `cut` is set when it would be one but the text ends first.
inline std::size_t utf8_sequence(const unsigned char* p, std::size_t n, bool& cut) noexcept {
  cut = false;
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if (k >= n) {
      cut = true;
      return 0;
    }
    const unsigned char lo_k = k == 1 ? lo : 0x80, hi_k = k == 1 ? hi : 0xBF;
    if (p[k] < lo_k || p[k] > hi_k) return 0;
  }
  return len;
}

}  // namespace smedx::detail
