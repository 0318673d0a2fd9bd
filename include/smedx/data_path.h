// Installed data by name: rule sets (indicators/), pilot programmes (programmes/) and product
// catalogues (catalogues/) are found by name in a search path — the folders of SMEDX_PATH
// (colon-separated), then the install data folders — the same way from C++, the CLI, Python
// and the C API. A name is one plain file name ("miit-2024"); anything with a '/', "." or ".."
// or an absolute path is a path, used as it is and never looked up (docs/installed-data.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smedx {

enum class DataKind { rule_set, programme, catalogue };

// The subfolder of a data folder that holds the kind: "indicators", "programmes", "catalogues".
std::string_view data_subfolder(DataKind kind) noexcept;

// The data folders searched, in order: each folder of SMEDX_PATH (read at each call; empty
// entries skipped), the folders added with add_data_folder (the Python package's, an installed
// CMake package's), the install data folder compiled in (<prefix>/share/smedx) and the one
// beside the running program (<bin>/../share/smedx, for a copy installed with --prefix).
// Folders that do not exist are left out; each appears once.
std::vector<std::filesystem::path> data_path();

// Adds a data folder, searched after SMEDX_PATH and before the compiled-in one. Thread-safe.
void add_data_folder(const std::filesystem::path& folder);

// True for a name looked up in the search path: not empty, no '/' or '\', not "." or "..".
bool is_data_name(std::string_view text) noexcept;

struct DataLookup {
  std::optional<std::filesystem::path> path;  // what was found
  std::vector<std::filesystem::path> tried;   // what was looked at, in order, when not found
  std::string problem;  // when not found: "no such file or folder", or the names tried
  bool found() const noexcept { return path.has_value(); }
};

// A path that exists is itself; else a name is looked up as <folder>/<subfolder>/<name> in
// each folder of data_path(); else nothing, with the problem saying what was tried.
DataLookup find_data(std::string_view name_or_path, DataKind kind);

}  // namespace smedx

// A program built against an installed smedx finds that package's data even when the package
// was installed somewhere else than configured (cmake --install --prefix): the package's CMake
// config defines SMEDX_PACKAGE_DATADIR for its consumers, which adds it once at start-up.
#ifdef SMEDX_PACKAGE_DATADIR
namespace smedx::detail {
inline const bool package_data_folder_added = [] {
  add_data_folder(SMEDX_PACKAGE_DATADIR);
  return true;
}();
}  // namespace smedx::detail
#endif
