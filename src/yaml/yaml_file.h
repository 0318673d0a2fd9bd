// Reading a YAML file within bounds, for every reader of YAML (rule sets, programmes): only a
// regular file, and at most a limit of bytes, so that `--programme /dev/zero` is refused at
// once instead of filling memory, and a FIFO is refused instead of hanging the run.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "smedx/diagnostics.h"

namespace smedx::detail {

inline constexpr std::size_t yaml_file_limit = 4u << 20;  // bytes: LoadLimits::max_file_bytes

// The text of `path`, or nothing with an issue naming `shown`: not a regular file, larger than
// `max_bytes` (checked as it is read, not only by its stated size), or unreadable.
std::optional<std::string> read_yaml_file(const std::filesystem::path& path,
                                          const std::string& shown, std::size_t max_bytes,
                                          std::vector<Issue>& issues);

}  // namespace smedx::detail
