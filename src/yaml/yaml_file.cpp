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
  // Read what the file says it holds and a byte past it, in pieces up to the limit: a file
  // that grows while it is read stays bounded, and no buffer of the limit's size is filled.
  std::string text;
  text.reserve(static_cast<std::size_t>(size) + 1);
  char piece[1 << 16];
  while (in.read(piece, sizeof piece) || in.gcount() > 0) {
    text.append(piece, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      return fail(fmt::format("file too large: more than {} bytes (the limit)", max_bytes));
  }
  if (in.bad()) return fail("cannot read file");
  return text;
}

}  // namespace smedx::detail
