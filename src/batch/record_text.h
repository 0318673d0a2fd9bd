// Where the record writer's bytes come from and go: the rule set's fixed text, kept end to end in
// one padded pool, and a raw output that copies it in whole chunks, inline. A record is mostly
// short pieces of fixed text, and a call to memcpy for each costs more than the copy.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/decimal_text.h"

namespace smedx::detail {

// Fixed text with `pad` bytes after the last piece, so that any piece can be read in whole
// chunks (RawOut: one of 32 bytes, then 64 at a time). Pieces are offsets, so a copied pool
// needs no fixing.
class TextPool {
 public:
  static constexpr std::size_t pad = 64;
  struct Piece {
    std::uint32_t at = 0, size = 0;
  };
  Piece add(std::string_view s) {
    const auto at = static_cast<std::uint32_t>(text_.size() - pad);
    text_.insert(at, s);
    return {at, static_cast<std::uint32_t>(s.size())};
  }
  std::string_view view(Piece p) const noexcept { return {text_.data() + p.at, p.size}; }
  const char* data() const noexcept { return text_.data(); }

 private:
  std::string text_ = std::string(pad, '\0');
};

// Writes through a raw pointer into room made beforehand: as much as the record can take plus
// `slack` bytes, which a chunk or a number may write past the end of its text.
struct RawOut {
  static constexpr std::size_t slack = 96;
  char* p;
  const char* pool;

  void operator+=(TextPool::Piece t) noexcept {
    // Most pieces are one chunk of 32 bytes, so that is copied unasked; the long ones (a
    // warning's message, an item's entry) go on 64 bytes at a time.
    const char* s = pool + t.at;
    std::memcpy(p, s, 32);
    for (std::uint32_t k = 32; k < t.size; k += 64) std::memcpy(p + k, s + k, 64);
    p += t.size;
  }
  void operator+=(char c) noexcept { *p++ = c; }
  void operator+=(std::string_view s) noexcept { append(s.data(), s.size()); }
  // Text that may not be read past its end (the survey's own): overlapping chunks cover it.
  void append(const char* s, std::size_t n) noexcept {
    if (n >= 16) {
      for (std::size_t k = 0; k + 16 < n; k += 16) std::memcpy(p + k, s + k, 16);
      std::memcpy(p + n - 16, s + n - 16, 16);
    } else if (n >= 8) {
      std::memcpy(p, s, 8);
      std::memcpy(p + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
      std::memcpy(p, s, 4);
      std::memcpy(p + n - 4, s + n - 4, 4);
    } else {
      for (std::size_t k = 0; k < n; ++k) p[k] = s[k];
    }
    p += n;
  }
  void thousandths(std::int64_t t) noexcept { p = write_thousandths(p, t); }
  void integer(std::int64_t v) noexcept { p = write_int(p, v); }
};

}  // namespace smedx::detail
