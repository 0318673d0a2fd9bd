// Why iconv: glibc ships a complete GB18030 converter (gconv's GB18030.so, with the four-byte
// ranges), so decoding needs no new dependency and no 30k-entry table kept in this repository.
#include "survey/encoding.h"

#include <fmt/format.h>

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/utf8.h"

namespace smedx {

std::optional<TextEncoding> parse_text_encoding(std::string_view name) {
  if (name == "auto") return TextEncoding::automatic;
  if (name == "utf-8" || name == "utf8" || name == "UTF-8") return TextEncoding::utf8;
  if (name == "gb18030" || name == "GB18030") return TextEncoding::gb18030;
  return std::nullopt;
}

std::string_view text_encoding_name(TextEncoding encoding) noexcept {
  switch (encoding) {
    case TextEncoding::utf8:
      return "utf-8";
    case TextEncoding::gb18030:
      return "gb18030";
    default:
      return "auto";
  }
}

DecodedText decode_text(std::string_view bytes, TextEncoding encoding) {
  DecodedText out;
  // A byte order mark of the encoding given (or of either, automatic) decides and is dropped.
  std::size_t bom = 0;
  if (encoding != TextEncoding::gb18030 && bytes.starts_with("\xEF\xBB\xBF")) {
    bom = 3;
    encoding = TextEncoding::utf8;
  } else if (encoding != TextEncoding::utf8 && bytes.starts_with("\x84\x31\x95\x33")) {
    bom = 4;
    encoding = TextEncoding::gb18030;
  }
  const std::string_view body = bytes.substr(bom);
  detail::Gb18030Decoder gb18030;
  if (encoding == TextEncoding::automatic) {
    // ASCII reads the same in both: the sample starts at the first line that is not ASCII.
    const auto high = std::find_if(body.begin(), body.end(),
                                   [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    encoding = TextEncoding::utf8;
    if (high != body.end()) {
      const std::size_t at = static_cast<std::size_t>(high - body.begin());
      const std::size_t line = body.rfind('\n', at);
      const std::size_t start = line == std::string_view::npos ? 0 : line + 1;
      encoding = detail::detect_encoding(body.substr(start, std::size_t{1} << 20), gb18030);
    }
  }
  out.encoding = encoding;
  std::optional<detail::DecodeProblem> problem;
  if (encoding == TextEncoding::gb18030) {
    problem = gb18030.decode(body, out.text);
  } else if (!(problem = detail::check_utf8(body))) {
    out.text.assign(body);
  }
  if (problem) {
    const std::size_t offset = bom + problem->offset;
    out.line = 1 + static_cast<int>(std::count(
                       bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    out.problem = fmt::format("{} on line {} at byte offset {}", problem->what, out.line, offset);
    out.text.clear();
  }
  return out;
}

}  // namespace smedx

namespace smedx::detail {

namespace {

std::string hex_bytes(std::string_view text, std::size_t at, std::size_t count) {
  std::string out;
  for (std::size_t k = at; k < text.size() && k < at + count; ++k)
    out += fmt::format("{}0x{:02x}", out.empty() ? "" : " ", static_cast<unsigned char>(text[k]));
  return out;
}

}  // namespace

std::size_t utf8_valid_prefix(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  // The sample (a megabyte of a file, to choose its encoding) is mostly well-formed but for a
  // character cut at its end: the SIMD check takes it up to its last character, and the walk
  // below starts there. Well-formed UTF-8 splits into sequences one way only, so the walk from
  // the start would reach that same point. When the check fails, the walk starts at 0 to find
  // where.
  std::size_t last = text.size();
  while (last > 0 && text.size() - last < 3 && (p[last - 1] & 0xC0) == 0x80) --last;
  if (last > 0) --last;  // the last character's first byte
  std::size_t i = simdjson::validate_utf8(text.data(), last) ? last : 0;
  while (i < text.size()) {
    bool cut = false;
    const std::size_t len = utf8_sequence(p + i, text.size() - i, cut);
    if (cut) return text.size();
    if (len == 0) return i;
    i += len;
  }
  return i;
}

namespace {

// Whether `text` holds a byte order mark (EF BB BF), found with memchr: the lead byte 0xEF is
// rare in Chinese text (fullwidth punctuation), so this is a few calls a line.
bool has_bom(std::string_view text) noexcept {
  const char* p = text.data();
  const char* end = p + text.size();
  while (end - p >= 3) {
    p = static_cast<const char*>(std::memchr(p, '\xEF', static_cast<std::size_t>(end - p - 2)));
    if (!p) return false;
    if (p[1] == '\xBB' && p[2] == '\xBF') return true;
    ++p;
  }
  return false;
}

}  // namespace

std::optional<DecodeProblem> check_utf8(std::string_view text) {
  // Almost every line is clean: simdjson's SIMD validation (the same well-formedness rules as
  // utf8_sequence) and memchr decide that in a fraction of an instruction a byte. The walk
  // below runs only for a line that fails, to say what and where.
  if (text.empty()) return std::nullopt;
  if (simdjson::validate_utf8(text.data(), text.size()) &&
      !std::memchr(text.data(), 0, text.size()) && !has_bom(text))
    return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    if (p[i] == 0) return DecodeProblem{i, "a NUL byte"};
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    bool cut = false;
    const std::size_t len = utf8_sequence(p + i, text.size() - i, cut);
    if (len == 0) return DecodeProblem{i, "invalid UTF-8 byte " + hex_bytes(text, i, 1)};
    if (len == 3 && p[i] == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF)
      return DecodeProblem{i, "a byte order mark (U+FEFF)"};
    i += len;
  }
  return std::nullopt;
}

namespace {
const iconv_t no_iconv = reinterpret_cast<iconv_t>(-1);
}

// Without glibc's gconv modules (a static or musl build) GB18030 cannot be decoded: such a
// text is then a problem of its line, and detection never picks GB18030.
Gb18030Decoder::Gb18030Decoder() : cd_(iconv_open("UTF-8", "GB18030")) {}

Gb18030Decoder::~Gb18030Decoder() {
  if (cd_ != no_iconv) iconv_close(cd_);
}

std::optional<DecodeProblem> Gb18030Decoder::decode(std::string_view text, std::string& out) {
  if (cd_ == no_iconv) return DecodeProblem{0, "GB18030 text, which this build cannot decode"};
  iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // a fresh shift state for each text
  // A GB18030 character is 1, 2 or 4 bytes and becomes at most 4 bytes of UTF-8: twice the
  // input is always enough room.
  out.resize(text.size() * 2 + 4);
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  const std::size_t r = iconv(cd_, &in, &in_left, &o, &out_left);
  out.resize(out.size() - out_left);
  if (r == static_cast<std::size_t>(-1)) {
    const std::size_t at = text.size() - in_left;
    // EILSEQ: not GB18030; EINVAL: a character cut off by the end of the line.
    return DecodeProblem{at, fmt::format("invalid GB18030 bytes {}", hex_bytes(text, at, 4))};
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
    return DecodeProblem{nul, "a NUL byte"};
  if (out.find("\xEF\xBB\xBF") != std::string::npos) {
    const std::size_t bom = text.find("\x84\x31\x95\x33");
    return DecodeProblem{bom == std::string_view::npos ? 0 : bom, "a byte order mark (U+FEFF)"};
  }
  return std::nullopt;
}

std::size_t Gb18030Decoder::valid_prefix(std::string_view text) {
  if (cd_ == no_iconv) return 0;
  thread_local std::string scratch;
  iconv(cd_, nullptr, nullptr, nullptr, nullptr);
  scratch.resize(text.size() * 2 + 4);
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size();
  char* o = scratch.data();
  std::size_t out_left = scratch.size();
  if (iconv(cd_, &in, &in_left, &o, &out_left) == static_cast<std::size_t>(-1) && errno == EILSEQ)
    return text.size() - in_left;
  return text.size();
}

TextEncoding detect_encoding(std::string_view sample, Gb18030Decoder& gb18030) {
  const std::size_t utf8 = utf8_valid_prefix(sample);
  if (utf8 == sample.size()) return TextEncoding::utf8;
  return gb18030.valid_prefix(sample) > utf8 ? TextEncoding::gb18030 : TextEncoding::utf8;
}

}  // namespace smedx::detail
