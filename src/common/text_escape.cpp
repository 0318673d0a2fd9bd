#include "smedx/text.h"

#include <fmt/format.h>

#include "common/json_writer.h"

namespace smedx {

namespace {

// The code point of the valid UTF-8 sequence of length n at s[i].
char32_t decode(std::string_view s, std::size_t i, std::size_t n) {
  const auto b = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]));
  };
  switch (n) {
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    case 4:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    default:
      return b(0);
  }
}

// Code points a terminal acts on or that reorder or break what is shown around them.
bool invisible_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0x2028 || c == 0x2029 || c == 0x200E || c == 0x200F || c == 0x061C;
}

std::string escape(std::string_view s, bool keep_tab, bool backslash) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      const std::size_t n = detail::utf8_length(s, i);
      if (n == 0) {
        out += fmt::format("\\x{:02x}", c);
        continue;
      }
      const char32_t cp = decode(s, i, n);
      if (invisible_control(cp))
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
      else
        out.append(s.substr(i, n));
      i += n - 1;
    } else if (ch == '\t' && keep_tab) {
      out += ch;
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\\' && backslash) {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string escape_control(std::string_view text, bool keep_tab) {
  return escape(text, keep_tab, false);
}

std::string escape_tsv_field(std::string_view text) { return escape(text, false, true); }

}  // namespace smedx
