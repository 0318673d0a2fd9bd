// The YAML walker (src/yaml/walker.h) that every YAML reader builds on, and the checks a
// programme.yaml gains by it: each problem a located error, with its path and caret.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "smedx/programme.h"
#include "yaml/source_line.h"
#include "yaml/walker.h"
#include "yaml/yaml_tree.h"

using smedx::Issue;
using smedx::detail::Path;
using smedx::detail::Walker;
using smedx::detail::YamlNode;

namespace {

// A parsed document that outlives the walk (issues point into it).
struct Doc {
  std::string text;
  std::vector<Issue> issues;
  YamlNode root;
  explicit Doc(std::string yaml) : text(std::move(yaml)) {
    auto r = smedx::detail::parse_yaml(text, "t.yaml", {}, issues);
    REQUIRE(r);
    root = std::move(*r);
  }
  // Every issue as shown, each with its source line and caret.
  std::string shown() {
    smedx::detail::attach_source_lines(issues, "t.yaml", text);
    smedx::detail::sort_issues(issues);
    std::string out;
    for (const auto& i : issues) out += i.to_string();
    return out;
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

// programmes/dongying-2026/programme.yaml with the first `from` replaced by `to`, loaded.
smedx::ProgrammeLoad programme_with(const std::string& from, const std::string& to) {
  std::string y = slurp(std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026/programme.yaml");
  const auto at = y.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "fixture text not found: " << from);
  y.replace(at, from.size(), to);
  return smedx::load_programme_from_string(y, "programme.yaml");
}

std::string errors_of(const smedx::ProgrammeLoad& r) {
  std::string out;
  for (const auto& i : r.issues) out += i.to_string();
  return out;
}

}  // namespace

TEST_SUITE("yaml walker") {
  TEST_CASE("walker.a mapping refuses unknown keys with the nearest valid one, where they are") {
    Doc d("thing:\n  id: a\n  nmae: b\n  colour: c\n");
    Walker w(d.issues, nullptr, "t.yaml");
    CHECK(
        w.check_map(*d.root.find("thing"), Path{}.key("thing"), "a thing", {"id", "name"}, {"id"}));
    CHECK(d.shown() ==
          "error: t.yaml:3:3: unknown key 'nmae' in a thing (did you mean 'name'?)\n"
          "  at thing.nmae\n"
          "    3 |   nmae: b\n"
          "      |   ^\n"
          "error: t.yaml:4:3: unknown key 'colour' in a thing\n"
          "  at thing.colour\n"
          "    4 |   colour: c\n"
          "      |   ^\n");
  }

  TEST_CASE("walker.a key that is not a name, a missing key and a non-mapping are located") {
    Doc d("a:\n  [x]: 1\nb: 2\n");
    Walker w(d.issues, nullptr, "t.yaml");
    CHECK(w.check_map(*d.root.find("a"), Path{}.key("a"), "an a", {"id"}, {"id"}));
    CHECK_FALSE(w.check_map(*d.root.find("b"), Path{}.key("b"), "a b", {}, {}));
    CHECK(d.shown() ==
          "error: t.yaml:2:3: expected a key name in an a, got a sequence\n"
          "  at a\n"
          "    2 |   [x]: 1\n"
          "      |   ^\n"
          "error: t.yaml:2:3: missing required key 'id' in an a\n"
          "  at a\n"
          "    2 |   [x]: 1\n"
          "      |   ^\n"
          "error: t.yaml:3:4: expected a mapping for a b, got a scalar\n"
          "  at b\n"
          "    3 | b: 2\n"
          "      |    ^\n");
  }

  TEST_CASE("walker.a duplicate key is refused by the parser under every walker") {
    Doc d("a: 1\nb: 2\na: 3\n");
    CHECK(d.shown() ==
          "error: t.yaml:3:1: duplicate key 'a'\n"
          "    3 | a: 3\n"
          "      | ^\n");
    CHECK(d.root.find("a")->value == "1");  // the first one wins
  }

  TEST_CASE("walker.an empty required value is reported once, not again by its type") {
    Doc d("a: {id: , n: \"\"}\n");
    Walker w(d.issues, nullptr, "t.yaml");
    const YamlNode& a = *d.root.find("a");
    const Path p = Path{}.key("a");
    REQUIRE(w.check_map(a, p, "an a", {"id", "n"}, {"id", "n"}));
    CHECK(w.nonempty_text(a, "id", p).empty());
    CHECK_FALSE(w.whole(a, "n", p));
    std::vector<std::string> messages;
    for (const auto& i : d.issues) messages.push_back(i.message);
    CHECK(messages == std::vector<std::string>{"'id' must not be empty", "'n' must not be empty"});
  }

  TEST_CASE("walker.typed values: strings, whole and exact numbers, booleans, sequences") {
    Doc d(
        "s: [x]\nq: \"5\"\nbig: 1234567\nok: 123456\nd: 1.5\nin: 1.2345\nfar: 2000000\n"
        "neg: -1\nb: yes\nt: true\nl: [a, {x: 1}]\nm: {x: 1}\n");
    Walker w(d.issues, nullptr, "t.yaml");
    const YamlNode& r = d.root;
    const Path p;
    CHECK(w.text(r, "s", p).empty());
    CHECK_FALSE(w.whole(r, "q", p));
    CHECK_FALSE(w.whole(r, "big", p));
    CHECK(w.whole(r, "big", p, 7) == 1234567);
    CHECK(w.whole(r, "ok", p) == 123456);
    CHECK(w.number(r, "d", p)->thousandths() == 1500);
    CHECK_FALSE(w.number(r, "q", p));
    CHECK_FALSE(w.number(r, "in", p));
    CHECK_FALSE(w.number(r, "far", p));
    CHECK(w.number(r, "neg", p)->thousandths() == -1000);
    CHECK_FALSE(w.non_negative_number(r, "neg", p));
    CHECK_FALSE(w.boolean(r, "b", p));
    CHECK(w.boolean(r, "t", p));
    CHECK(w.texts(r, "l", p) == std::vector<std::string>{"a"});
    CHECK(w.texts(r, "m", p).empty());
    std::vector<std::string> got;
    for (const auto& i : d.issues)
      got.push_back(std::to_string(i.where.line) + ":" + std::to_string(i.where.column) + " " +
                    i.path + ": " + i.message);
    CHECK(got == std::vector<std::string>{
                     "1:4 s: expected a string for 's', got a sequence",
                     "2:4 q: expected a whole number for 'q', got '5'",
                     "3:6 big: expected a whole number for 'big', got '1234567'",
                     "2:4 q: expected a number for 'q', got a quoted string",
                     "6:5 in: in 1.2345 cannot be represented exactly (at most 3 decimal places)",
                     "7:6 far: far 2000000 is beyond the limit of 1000000",
                     "8:6 neg: expected a number from 0 with at most 3 decimals for 'neg', got "
                     "'-1'",
                     "9:4 b: expected true or false for 'b', got 'yes'",
                     "11:8 l[1]: expected a string in 'l', got a mapping",
                     "12:4 m: expected a sequence for 'm', got a mapping"});
  }

  TEST_CASE("walker.list ids: checked, unique, and the path shown by id") {
    Doc d("xs:\n  - {id: one}\n  - {id: Two}\n  - {id: one}\n  - {id: three}\n");
    for (const bool name_kind : {false, true}) {
      d.issues.clear();
      Walker w(d.issues, nullptr, "t.yaml");
      smedx::detail::IdSet ids{{}, name_kind};
      std::vector<std::string> paths;
      w.each_in(d.root, "xs", Path{}, "xs", "x", &ids,
                [&](const YamlNode&, const Path& ep) { paths.push_back(ep.display); });
      CHECK(paths == std::vector<std::string>{"xs.one", "xs[1]", "xs[2]", "xs.three"});
      REQUIRE(d.issues.size() == 2);
      CHECK(d.issues[0].message == "invalid x id 'Two': use lowercase letters, digits and '_'");
      CHECK(d.issues[0].path == "xs[1].id");
      CHECK(d.issues[1].message == (name_kind
                                        ? "duplicate x id 'one' (first defined at t.yaml:2:10)"
                                        : "duplicate id 'one' (first defined at t.yaml:2:10)"));
      CHECK(d.issues[1].where.line == 4);
    }
    d.issues.clear();
    Walker w(d.issues, nullptr, "t.yaml");
    CHECK(w.read_list<int>(
               d.root, "xs", Path{}, "", "x", nullptr, [](const YamlNode&, const Path&, int&) {}, 3)
              .empty());
    REQUIRE(d.issues.size() == 1);
    CHECK(d.issues[0].message == "too many x (4; the limit is 3)");
  }

  TEST_CASE("walker.the source table records where each element was read") {
    Doc d("a:\n  b: 1\n");
    smedx::detail::SourceTable sources;
    Walker w(d.issues, &sources, "t.yaml");
    const Path p = Path{}.key("a");
    REQUIRE(w.check_map(*d.root.find("a"), p, "an a", {"b"}, {}));
    CHECK(w.whole(*d.root.find("a"), "b", p) == 1);
    REQUIRE(sources.count("a.b"));
    CHECK(sources["a.b"].where.line == 2);
    CHECK(sources["a.b"].where.column == 6);
    CHECK(sources["a"].where.line == 2);
  }

  TEST_CASE("walker.issues read in order: by file and place, those with no place last") {
    std::vector<Issue> issues = {
        {smedx::Severity::error, "none", "", {"r", 0, 0}, ""},
        {smedx::Severity::error, "b2", "", {"b.yaml", 2, 1}, ""},
        {smedx::Severity::error, "a9", "", {"a.yaml", 9, 3}, ""},
        {smedx::Severity::error, "a1", "", {"a.yaml", 1, 5}, ""},
    };
    smedx::detail::attach_source_lines(issues, "a.yaml", "first\r\nsecond\n");
    smedx::detail::sort_issues(issues);
    std::vector<std::string> order;
    for (const auto& i : issues) order.push_back(i.message + "|" + i.source_line);
    CHECK(order == std::vector<std::string>{"a1|first", "a9|", "b2|", "none|"});
  }
}

TEST_SUITE("programme") {
  TEST_CASE("programme.an unknown key, a duplicate key and a wrong type are located errors") {
    CHECK(errors_of(programme_with("  document:", "  documnet:")) ==
          "error: programme.yaml:6:3: unknown key 'documnet' in programme (did you mean "
          "'document'?)\n  at programme.documnet\n    6 |   documnet: 东工信字〔2026〕2号\n"
          "      |   ^\n");
    CHECK(errors_of(programme_with("target_level: 2\n", "target_level: 2\ntarget_level: 3\n")) ==
          "error: programme.yaml:9:1: duplicate key 'target_level'\n"
          "    9 | target_level: 3\n      | ^\n");
    CHECK(errors_of(programme_with("target_level: 2", "target_level: \"2\"")) ==
          "error: programme.yaml:8:15: expected a whole number for 'target_level', got '2'\n"
          "  at target_level\n    8 | target_level: \"2\"\n      |               ^\n");
    CHECK(errors_of(programme_with("cases: {target: 30, per_industry: 3}", "cases: [30, 3]")) ==
          "error: programme.yaml:64:8: expected a mapping for cases, got a sequence\n"
          "  at cases\n   64 | cases: [30, 3]\n      |        ^\n");
  }

  TEST_CASE("programme.an empty list of star grades is refused (was: loaded, no provider rated)") {
    CHECK(
        errors_of(programme_with("  stars:\n    - {stars: 5, min: 90}\n    - {stars: 4, min: 80}\n"
                                 "    - {stars: 3, min: 70}\n    - {stars: 2, min: 60}\n"
                                 "    - {stars: 1, min: 0}\n",
                                 "  stars: []\n"))
            .find("stars must list at least one grade, the last starting at min 0") !=
        std::string::npos);
  }

  TEST_CASE("programme.a key that is not a name is refused as such (was: unknown key '')") {
    CHECK(errors_of(programme_with("  - {id: contract, zh: 改造合同}",
                                   "  - {id: contract, zh: 改造合同, [x]: 1}")) ==
          "error: programme.yaml:30:30: expected a key name in an evidence item, got a "
          "sequence\n  at evidence.contract\n   30 |   - {id: contract, zh: 改造合同, [x]: 1}\n"
          "      |                                  ^\n");
  }

  TEST_CASE("programme.an empty required value is reported once: it must not be empty") {
    // (An empty id is also not an id, as in a rule set.)
    CHECK(errors_of(programme_with("  - id: chem_new_materials", "  - id: \"\"")) ==
          "error: programme.yaml:10:9: invalid industry id '': use lowercase letters, digits and "
          "'_'\n  at industries[0].id\n   10 |   - id: \"\"\n      |         ^\n"
          "error: programme.yaml:10:9: 'id' must not be empty\n  at industries[0].id\n"
          "   10 |   - id: \"\"\n      |         ^\n");
    // An optional one that is written must still say something.
    CHECK(errors_of(programme_with("zh: 第一批,", "zh: \"\",")) ==
          "error: programme.yaml:20:22: expected a non-empty string for 'zh', got ''\n"
          "  at batches.batch1.zh\n   20 |   - {id: batch1, zh: \"\", transform_from: 2026-03, "
          "transform_to: 2026-08, acceptance_by: 2026-08}\n      |                      ^\n");
    // A null required value: once (it was "expected a whole number for 'target', got null"),
    // and the total is not judged on industries that did not read. yaml-cpp places a null
    // where the next token starts.
    const auto r = programme_with("target: 415", "target:");
    CHECK(errors_of(r) ==
          "error: programme.yaml:13:5: 'target' must not be empty\n"
          "  at industries.chem_new_materials.target\n"
          "   13 |     focus_districts: [河口区, 利津县, 东营港经济开发区]\n      |     ^\n");
  }
}
