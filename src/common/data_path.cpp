// The search path for installed data: SMEDX_PATH, folders added by a door or a package, the
// install data folder compiled in, and the one beside the running program.
#include "smedx/data_path.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <system_error>

#include "smedx/text.h"

namespace smedx {

namespace fs = std::filesystem;

namespace {

struct Added {
  std::mutex lock;
  std::vector<fs::path> folders;
};

Added& added() {
  static Added a;
  return a;
}

// <bin>/../share/smedx for the running program, when it can be told.
std::optional<fs::path> beside_program() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return std::nullopt;
  return (exe.parent_path().parent_path() / "share" / "smedx").lexically_normal();
}

}  // namespace

std::string_view data_subfolder(DataKind kind) noexcept {
  switch (kind) {
    case DataKind::rule_set:
      return "indicators";
    case DataKind::programme:
      return "programmes";
    case DataKind::catalogue:
      return "catalogues";
  }
  return "indicators";
}

void add_data_folder(const fs::path& folder) {
  Added& a = added();
  const std::lock_guard<std::mutex> hold(a.lock);
  if (std::find(a.folders.begin(), a.folders.end(), folder) == a.folders.end())
    a.folders.push_back(folder);
}

std::vector<fs::path> data_path() {
  std::vector<fs::path> all;
  if (const char* env = std::getenv("SMEDX_PATH")) {
    std::string_view rest(env);
    while (true) {
      const auto colon = rest.find(':');
      const std::string_view one = rest.substr(0, colon);
      if (!one.empty()) all.emplace_back(one);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  {
    Added& a = added();
    const std::lock_guard<std::mutex> hold(a.lock);
    all.insert(all.end(), a.folders.begin(), a.folders.end());
  }
#ifdef SMEDX_INSTALL_DATADIR
  all.emplace_back(SMEDX_INSTALL_DATADIR);
#endif
  if (auto beside = beside_program()) all.push_back(std::move(*beside));

  std::vector<fs::path> out;
  std::vector<fs::path> seen;  // by canonical path: one folder spelt two ways is searched once
  for (auto& p : all) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) continue;
    fs::path real = fs::weakly_canonical(p, ec);
    if (ec) real = p;
    if (std::find(seen.begin(), seen.end(), real) != seen.end()) continue;
    seen.push_back(std::move(real));
    out.push_back(std::move(p));
  }
  return out;
}

bool is_data_name(std::string_view text) noexcept {
  return !text.empty() && text != "." && text != ".." &&
         text.find_first_of("/\\") == std::string_view::npos;
}

DataLookup find_data(std::string_view name_or_path, DataKind kind) {
  DataLookup out;
  const fs::path given{std::string(name_or_path)};
  std::error_code ec;
  if (fs::exists(given, ec)) {
    out.path = given;
    return out;
  }
  out.tried.push_back(given);
  if (!is_data_name(name_or_path)) {
    out.problem = "no such file or folder";
    return out;
  }
  const std::string_view sub = data_subfolder(kind);
  const std::vector<fs::path> folders = data_path();
  for (const auto& folder : folders) {
    fs::path candidate = folder / sub / given;
    if (fs::exists(candidate, ec)) {
      out.path = std::move(candidate);
      out.tried.clear();
      return out;
    }
    out.tried.push_back(std::move(candidate));
  }
  const char* what = kind == DataKind::rule_set    ? "rule set"
                     : kind == DataKind::programme ? "programme"
                                                   : "catalogue";
  std::string tried;
  for (std::size_t k = 1; k < out.tried.size(); ++k)
    tried += (k > 1 ? ", " : "") + escape_control(out.tried[k].string());
  out.problem = "no such file or folder, and no " + std::string(what) + " of that name in " +
                (tried.empty() ? std::string("the search path (no data folder: set SMEDX_PATH)")
                               : "the search path (tried " + tried + "; SMEDX_PATH adds folders)");
  return out;
}

}  // namespace smedx
