// Installed data by name: the search path (SMEDX_PATH, then the install data folders), names
// against paths, and a programme whose rule_set.path is gone falling back to its rule set's id.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "smedx/data_path.h"
#include "smedx/load.h"
#include "smedx/pilot_run.h"
#include "smedx/programme.h"
#include "support.h"

namespace {

namespace fs = std::filesystem;

// SMEDX_PATH for one test case, put back as it was after.
class SearchPath {
 public:
  explicit SearchPath(const std::string& value) {
    if (const char* old = std::getenv("SMEDX_PATH")) old_ = old;
    ::setenv("SMEDX_PATH", value.c_str(), 1);
  }
  ~SearchPath() {
    if (old_)
      ::setenv("SMEDX_PATH", old_->c_str(), 1);
    else
      ::unsetenv("SMEDX_PATH");
  }

 private:
  std::optional<std::string> old_;
};

fs::path scratch(const std::string& name) {
  const fs::path p =
      fs::temp_directory_path() / ("smedx-data-path-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

}  // namespace

TEST_SUITE("data_path") {
  TEST_CASE("data_path.a name is one plain file name; anything else is a path") {
    CHECK(smedx::is_data_name("miit-2024"));
    CHECK(smedx::is_data_name("dongying-2026"));
    for (const char* path :
         {"", ".", "..", "../miit-2024", "indicators/miit-2024", "/abs", "a\\b"}) {
      CAPTURE(path);
      CHECK_FALSE(smedx::is_data_name(path));
    }
  }

  TEST_CASE("data_path.names are found in SMEDX_PATH's folders, in order") {
    const fs::path empty = scratch("empty");
    const SearchPath env("::" + empty.string() + ":" SMEDX_SOURCE_DIR);
    const auto path = smedx::data_path();
    REQUIRE(path.size() >= 2);
    CHECK(path[0] == empty);
    CHECK(path[1] == fs::path(SMEDX_SOURCE_DIR));

    const auto rules = smedx::find_data("miit-2024", smedx::DataKind::rule_set);
    REQUIRE(rules.found());
    CHECK(*rules.path == fs::path(SMEDX_SOURCE_DIR) / "indicators" / "miit-2024");
    const auto programme = smedx::find_data("dongying-2026", smedx::DataKind::programme);
    REQUIRE(programme.found());
    CHECK(*programme.path == fs::path(SMEDX_SOURCE_DIR) / "programmes" / "dongying-2026");

    const smedx::LoadResult loaded = smedx::load_rules("miit-2024");
    REQUIRE(loaded.ok());
    CHECK(loaded.rules().meta.id == "miit-2024");
    CHECK(loaded.origin() ==
          (fs::path(SMEDX_SOURCE_DIR) / "indicators/miit-2024").generic_string());
    const smedx::ProgrammeLoad prog = smedx::load_programme("dongying-2026");
    REQUIRE(prog.ok());
    CHECK(prog.programme->rule_set_id == "miit-2024");
    fs::remove_all(empty);
  }

  TEST_CASE("data_path.an unknown name says every place tried; a path is never looked up") {
    const fs::path empty = scratch("tried");
    const SearchPath env(empty.string() + ":" SMEDX_SOURCE_DIR);
    const auto missing = smedx::find_data("miit-2099", smedx::DataKind::rule_set);
    CHECK_FALSE(missing.found());
    REQUIRE(missing.tried.size() >= 3);
    CHECK(missing.tried[0] == "miit-2099");
    CHECK(missing.tried[1] == empty / "indicators" / "miit-2099");
    CHECK(missing.problem.starts_with(
        "no such file or folder, and no rule set of that name in the search path (tried " +
        (empty / "indicators" / "miit-2099").string() +
        ", " SMEDX_SOURCE_DIR "/indicators/miit-2099"));
    CHECK(missing.problem.ends_with("; SMEDX_PATH adds folders)"));
    const smedx::LoadResult loaded = smedx::load_rules("miit-2099");
    CHECK_FALSE(loaded.ok());
    CHECK(loaded.issues()[0].message == missing.problem);

    // "../indicators/miit-2024" from inside the data folder would exist, but it is a path from
    // here: it is not looked up under any folder of the search path.
    for (const char* path : {"../miit-2024", "indicators/../miit-2024", "/miit-2024"}) {
      CAPTURE(path);
      const auto p = smedx::find_data(path, smedx::DataKind::rule_set);
      CHECK_FALSE(p.found());
      CHECK(p.tried.size() == 1);
      CHECK(p.problem == "no such file or folder");
    }
    fs::remove_all(empty);
  }

  TEST_CASE("data_path.a programme copied away finds its rule set by id, version checked") {
    const fs::path dir = scratch("programme");
    const std::string text =
        smedx::test::read_file(SMEDX_SOURCE_DIR "/programmes/dongying-2026/programme.yaml");
    REQUIRE(text.find("path: ../../indicators/miit-2024") != std::string::npos);
    std::ofstream(dir / "programme.yaml", std::ios::binary) << text;
    smedx::PilotRequest r;
    r.programme = dir;
    r.pages = false;
    {
      const SearchPath env(SMEDX_SOURCE_DIR);
      const smedx::PilotRun run = smedx::run_pilot(r);
      CHECK(run.issues_text() == "");
      REQUIRE(run.ok());
      CHECK(run.rules().meta.id == "miit-2024");
    }
    {
      const fs::path nowhere = scratch("nowhere");
      const SearchPath env(nowhere.string());
      const smedx::PilotRun run = smedx::run_pilot(r);
      CHECK_FALSE(run.ok());
      const std::string gone = (dir / "../../indicators/miit-2024").lexically_normal().string();
      CHECK(run.issues_text().starts_with(
          "error: " + dir.string() + ": the programme's rule_set.path " + gone +
          " does not exist, and rule set miit-2024: no such file or folder, and no rule set of "
          "that name in the search path (tried " +
          (nowhere / "indicators" / "miit-2024").string()));
      fs::remove_all(nowhere);
    }
    {
      std::string other = text;
      other.replace(other.find("version: \"2024.1\""), 17, "version: \"2099.1\"");
      std::ofstream(dir / "programme.yaml", std::ios::binary) << other;
      const SearchPath env(SMEDX_SOURCE_DIR);
      const smedx::PilotRun run = smedx::run_pilot(r);
      CHECK_FALSE(run.ok());
      CHECK(run.issues_text() == "error: " SMEDX_SOURCE_DIR
                                 "/indicators/miit-2024: the programme names rule set miit-2024 "
                                 "2099.1, the folder holds miit-2024 2024.1\n");
    }
    fs::remove_all(dir);
  }
}
