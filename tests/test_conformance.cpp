// The conformance runner: walks every indicators/*/tests.yaml and replays its cases against
// the rule set beside it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "smedx/conformance.h"
#include "smedx/diagnosis.h"
#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_csv.h"
#include "smedx/survey_text.h"

namespace fs = std::filesystem;

static std::string fmt_change(const std::string& kind, const std::string& id,
                              const std::string& from, const std::string& to) {
  return kind + " " + id + ": " + from + " -> " + to;
}

namespace {
std::vector<fs::path> rule_set_folders() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(SMEDX_SOURCE_DIR "/indicators"))
    if (e.is_directory() && fs::exists(e.path() / "tests.yaml")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_SUITE("conformance") {
  TEST_CASE("conformance.every rule set ships cases") {
    const auto folders = rule_set_folders();
    REQUIRE_FALSE(folders.empty());
    for (const auto& folder : folders) {
      const auto suite = smedx::load_conformance(folder / "tests.yaml");
      INFO(folder.string());
      CHECK(suite.cases.size() >= 20);
    }
  }

  TEST_CASE("conformance.cases parse and reference the rule set's items and scenarios") {
    for (const auto& folder : rule_set_folders()) {
      const auto rules = smedx::load_rules(folder);
      INFO(smedx::format_issues(rules.issues()));
      REQUIRE(rules.ok());
      const auto suite = smedx::load_conformance(folder / "tests.yaml");
      INFO(smedx::format_issues(suite.issues));
      REQUIRE(suite.issues.empty());
      for (const auto& c : suite.cases) {
        CAPTURE(c.name);
        const auto problems = smedx::check_survey(c.survey, rules.rules());
        INFO(smedx::format_issues(problems));
        CHECK(problems.empty());
        // The expectations themselves must be coherent: known dimensions, a total that is
        // their sum, a level the rule has, warnings that name consistency rules.
        smedx::Decimal sum;
        for (const auto& dimension : c.dimensions) {
          const std::string& id = dimension.first;          // not a structured binding: clang 14
          const smedx::Decimal& points = dimension.second;  // cannot capture those
          const bool known =
              std::any_of(rules.rules().dimensions.begin(), rules.rules().dimensions.end(),
                          [&](const smedx::Dimension& d) { return d.id == id; });
          CHECK_MESSAGE(known, "unknown dimension " << id);
          sum += points;
        }
        REQUIRE(c.total);
        CHECK(*c.total == sum);
        REQUIRE(c.level);
        CHECK(*c.level >= 0);
        CHECK(*c.level <= rules.rules().level_rule.top_level());
        for (const auto& w : c.warnings.value_or(std::vector<std::string>{})) {
          const bool known =
              std::any_of(rules.rules().consistency.begin(), rules.rules().consistency.end(),
                          [&](const smedx::ConsistencyRule& r) { return r.id == w; });
          CHECK_MESSAGE(known, "unknown consistency rule " << w);
        }
      }
    }
  }

  TEST_CASE("conformance.scoring every case gives the expected points, level and warnings") {
    for (const auto& folder : rule_set_folders()) {
      const auto loaded = smedx::load_rules(folder);
      REQUIRE(loaded.ok());
      const smedx::Engine engine(loaded.rules());
      const auto suite = smedx::load_conformance(folder / "tests.yaml");
      REQUIRE(suite.issues.empty());
      for (const auto& c : suite.cases) {
        CAPTURE(c.name);
        const smedx::Assessment a = engine.score(c.survey);
        INFO(smedx::format_issues(a.errors));
        REQUIRE(a.ok());
        for (const auto& dimension : c.dimensions) {
          const std::string& id = dimension.first;          // not a structured binding: clang 14
          const smedx::Decimal& points = dimension.second;  // cannot capture those
          const auto it = std::find_if(a.dimensions.begin(), a.dimensions.end(),
                                       [&](const smedx::PartScore& d) { return d.id == id; });
          REQUIRE(it != a.dimensions.end());
          CHECK_MESSAGE(it->points == points, id << ": got " << it->points.to_string()
                                                 << ", expected " << points.to_string());
        }
        CHECK_MESSAGE(a.total == *c.total, "total: got " << a.total.to_string() << ", expected "
                                                         << c.total->to_string());
        CHECK(a.level == *c.level);
        if (c.warnings) {
          std::vector<std::string> fired;
          for (const auto& w : a.warnings) fired.push_back(w.path.substr(w.path.find('.') + 1));
          CHECK(fired == *c.warnings);
        }
      }
    }
  }

  TEST_CASE("conformance.expected diagnosis paths are the ones found") {
    int checked = 0;
    for (const auto& folder : rule_set_folders()) {
      const auto loaded = smedx::load_rules(folder);
      REQUIRE(loaded.ok());
      if (!loaded.rules().diagnosis.present) continue;
      const smedx::Engine engine(loaded.rules());
      const smedx::Diagnoser diagnoser(engine);
      for (const auto& c : smedx::load_conformance(folder / "tests.yaml").cases) {
        if (!c.path) continue;
        CAPTURE(c.name);
        const smedx::Diagnosis d = diagnoser.diagnose(c.survey, c.path->target);
        CHECK(std::string(smedx::to_string(d.path.status)) == c.path->status);
        if (c.path->cost) CHECK(d.path.cost.to_string() == c.path->cost->to_string());
        std::vector<std::string> got, want;
        for (const auto& ch : d.path.changes) {
          auto letters = [](const std::vector<char>& v) {
            std::string out;
            for (char l : v) out += (out.empty() ? "" : ",") + std::string(1, l);
            return out;
          };
          const bool scenario = ch.kind == smedx::Change::Kind::scenario;
          got.push_back(fmt_change(scenario ? "scenario" : "item", ch.id,
                                   scenario ? std::to_string(ch.from_level) : letters(ch.from),
                                   scenario ? std::to_string(ch.to_level) : letters(ch.to)));
        }
        for (const auto& ch : c.path->changes)
          want.push_back(fmt_change(ch.kind, ch.id, ch.from, ch.to));
        CHECK(got == want);
        ++checked;
      }
    }
    CHECK(checked >= 5);
  }

#ifdef SMEDX_CLI
  TEST_CASE("conformance.every case passes through smedx score as well") {
    for (const auto& folder : rule_set_folders()) {
      const auto loaded = smedx::load_rules(folder);
      REQUIRE(loaded.ok());
      const auto suite = smedx::load_conformance(folder / "tests.yaml");
      const fs::path dir =
          fs::temp_directory_path() / ("smedx-conformance-" + folder.filename().string());
      fs::create_directories(dir);
      {
        std::ofstream jsonl(dir / "cases.jsonl");
        for (const auto& c : suite.cases) jsonl << smedx::to_json(c.survey) << '\n';
      }
      for (const char* format : {"csv", "jsonl"}) {
        const std::string cmd = std::string("\"") + SMEDX_CLI + "\" score --rules \"" +
                                folder.string() + "\" \"" + (dir / "cases.jsonl").string() +
                                "\" --format " + format + " -o \"" + (dir / "out").string() + "\"";
        REQUIRE(std::system(cmd.c_str()) == 0);
        std::ifstream out(dir / "out");
        std::string line;
        if (std::string(format) == "csv") std::getline(out, line);  // header
        for (const auto& c : suite.cases) {
          CAPTURE(c.name);
          REQUIRE(std::getline(out, line));
          if (std::string(format) == "jsonl") {
            for (const auto& w : c.warnings.value_or(std::vector<std::string>{}))
              CHECK(line.find("\"rule\":\"" + w + "\"") != std::string::npos);
            if (c.warnings && c.warnings->empty())
              CHECK(line.find("\"warnings\":[]") != std::string::npos);
            continue;
          }
          const auto fields = smedx::split_csv(line);
          REQUIRE(fields);
          CHECK((*fields)[0] == c.survey.enterprise_id);
          CHECK((*fields)[1] == std::to_string(*c.level));
          CHECK((*fields)[2] == c.total->to_string());
          const auto& dims = loaded.rules().dimensions;
          for (std::size_t d = 0; d < dims.size(); ++d) {
            const auto it = c.dimensions.find(dims[d].id);
            if (it != c.dimensions.end()) CHECK((*fields)[3 + d] == it->second.to_string());
          }
        }
      }
      fs::remove_all(dir);
    }
  }
#endif
}
