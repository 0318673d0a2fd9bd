// What an input is: its format (from a file's extension or a name) and its text encoding.
// Every reader of survey and pilot tables takes these.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace smedx {

enum class InputFormat { jsonl, csv, json, yaml };

// The format a file's extension names (.jsonl/.ndjson, .csv, .json, .yaml/.yml), if any.
std::optional<InputFormat> input_format_for(const std::filesystem::path& path);
std::optional<InputFormat> parse_input_format(std::string_view name);
// The name parse_input_format reads: "jsonl", "csv", "json", "yaml".
std::string_view input_format_name(InputFormat format) noexcept;

// The text encoding of an input: found from its bytes (automatic), or as given. See
// docs/surveys.md#encodings for the rule.
enum class TextEncoding { automatic, utf8, gb18030 };
// "auto", "utf-8" (or "utf8"), "gb18030".
std::optional<TextEncoding> parse_text_encoding(std::string_view name);
// The name parse_text_encoding reads: "auto", "utf-8", "gb18030".
std::string_view text_encoding_name(TextEncoding encoding) noexcept;

// A whole input decoded to UTF-8 by the rule of docs/surveys.md#encodings, as `smedx score`
// decodes its lines: a byte order mark at the start decides and is dropped; else `encoding`;
// else (automatic) the encoding under which the first line holding a byte above 0x7F, with
// what follows it up to 1 MiB, reads further before an invalid byte (UTF-8 on a tie).
struct DecodedText {
  std::string text;                            // UTF-8, without the byte order mark
  TextEncoding encoding = TextEncoding::utf8;  // the one read: as given, or as found
  // The first thing that does not decode (a byte of neither encoding, a NUL byte, a byte order
  // mark past the start), worded as smedx score words it: "invalid UTF-8 byte 0xff on line 3
  // at byte offset 706"; empty when the whole input decoded. `line` is its line (1-based).
  std::string problem;
  int line = 0;
  bool ok() const noexcept { return problem.empty(); }
};
DecodedText decode_text(std::string_view bytes, TextEncoding encoding = TextEncoding::automatic);

}  // namespace smedx
