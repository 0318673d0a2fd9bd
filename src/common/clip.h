// Text from the input quoted in a message: at most a prefix. One record's 10 MB cell once made
// a 20 MB error record (the message is written twice, as the error and as its issue), and a
// terminal or a log line is no place for it either.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace smedx::detail {

inline constexpr std::size_t quoted_max = 80;  // bytes quoted; a Chinese name fits whole

// `text` when short; else its first `max` bytes, cut between characters, then how long it was:
// "ZZZZ…(200000 bytes)".
inline std::string clip(std::string_view text, std::size_t max = quoted_max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("{}…({} bytes)", text.substr(0, cut), text.size());
}

}  // namespace smedx::detail
