#include "yaml/yaml_file.h"

#include <fmt/format.h>

#include <fstream>

namespace smedx::detail {

namespace fs = std::filesystem;

std::optional<std::string> read_yaml_file(const fs::path& path, const std::string& shown,
                                          std::size_t max_bytes, std::vector<Issue>& issues) {
  const auto fail = [&](std::string message) {
    issues.push_back(Issue{Severity::error, std::move(message), "", Location{shown, 0, 0}, ""});
    return std::nullopt;
  };
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec) return fail(fmt::format("cannot read file: {}", ec.message()));
  if (!fs::is_regular_file(st)) return fail("cannot read file: not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) return fail(fmt::format("cannot read file: {}", ec.message()));
  if (size > max_bytes)
    return fail(fmt::format("file too large: {} bytes (the limit is {})", size, max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read file");
  // Read to the limit and one byte past it: a file that grows while it is read stays bounded.
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return fail("cannot read file");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_bytes)
    return fail(fmt::format("file too large: more than {} bytes (the limit)", max_bytes));
  return text;
}

}  // namespace smedx::detail
