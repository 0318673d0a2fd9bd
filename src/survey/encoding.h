// Text encodings of survey files: UTF-8 (with or without a byte order mark) and GB18030, which
// Excel on Chinese Windows writes when a sheet is saved as CSV. Everything past the reader is
// UTF-8; a byte that does not decode is a problem of its line, never a U+FFFD in a report.
#pragma once

#include <iconv.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "smedx/input.h"

namespace smedx::detail {

// What is wrong in a text and where: `offset` counts bytes from the start of the text checked.
struct DecodeProblem {
  std::size_t offset = 0;
  std::string what;  // "invalid UTF-8 byte 0xff", "a NUL byte", ...
};

// The number of leading bytes of `text` that are well-formed UTF-8; a sequence cut off by the
// end of `text` counts as well-formed (the sample may end in the middle of a character).
std::size_t utf8_valid_prefix(std::string_view text) noexcept;

// Checks that `text` is UTF-8 with no NUL byte and no byte order mark (U+FEFF).
std::optional<DecodeProblem> check_utf8(std::string_view text);

// GB18030 to UTF-8 through glibc iconv (its GB18030 module covers the whole standard, four-byte
// sequences included). One per reader: an iconv handle is not for sharing between threads.
class Gb18030Decoder {
 public:
  Gb18030Decoder();
  ~Gb18030Decoder();
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  // Converts `text` into `out` (replacing its contents). A NUL or a byte order mark in the text
  // is a problem too, as in check_utf8.
  std::optional<DecodeProblem> decode(std::string_view text, std::string& out);
  // The number of leading bytes of `text` that are well-formed GB18030, as utf8_valid_prefix.
  std::size_t valid_prefix(std::string_view text);

 private:
  iconv_t cd_;
};

// The encoding of a sample of a file that holds bytes above 0x7f: the one under which the
// sample reads further before an invalid byte, UTF-8 on a tie (so UTF-8 when both read it all).
TextEncoding detect_encoding(std::string_view sample, Gb18030Decoder& gb18030);

}  // namespace smedx::detail
