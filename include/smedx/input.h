// What an input is: its format (from a file's extension or a name) and its text encoding.
// Every reader of survey and pilot tables takes these.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace smedx {

enum class InputFormat { jsonl, csv, json, yaml };

// The format a file's extension names (.jsonl/.ndjson, .csv, .json, .yaml/.yml), if any.
std::optional<InputFormat> input_format_for(const std::filesystem::path& path);
std::optional<InputFormat> parse_input_format(std::string_view name);

// The text encoding of an input: found from its bytes (automatic), or as given. See
// docs/surveys.md#encodings for the rule.
enum class TextEncoding { automatic, utf8, gb18030 };
// "auto", "utf-8" (or "utf8"), "gb18030".
std::optional<TextEncoding> parse_text_encoding(std::string_view name);

}  // namespace smedx
