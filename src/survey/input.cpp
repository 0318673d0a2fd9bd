#include "smedx/input.h"

#include <string>

namespace smedx {

std::optional<InputFormat> parse_input_format(std::string_view name) {
  if (name == "jsonl" || name == "ndjson") return InputFormat::jsonl;
  if (name == "csv") return InputFormat::csv;
  if (name == "json") return InputFormat::json;
  if (name == "yaml" || name == "yml") return InputFormat::yaml;
  return std::nullopt;
}

std::string_view input_format_name(InputFormat format) noexcept {
  switch (format) {
    case InputFormat::jsonl:
      return "jsonl";
    case InputFormat::csv:
      return "csv";
    case InputFormat::json:
      return "json";
    default:
      return "yaml";
  }
}

std::optional<InputFormat> input_format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  if (ext.empty()) return std::nullopt;
  return parse_input_format(std::string_view(ext).substr(1));
}

}  // namespace smedx
