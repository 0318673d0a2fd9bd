// The batch path's CSV row coder (src/survey/survey_csv_code.h) against the Survey path it
// stands in for (parse_survey_csv, then code_survey): on the example rows and thousands of rows
// broken in the ways a hand-filled file brings, either it leaves the row to the Survey path or
// it codes exactly what that path codes, messages and all; and it does code the usual rows.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "score/engine_access.h"
#include "smedx/survey_csv.h"
#include "support.h"
#include "survey/survey_coder.h"
#include "survey/survey_csv_code.h"

namespace {

using smedx::CodedSurvey;

const smedx::detail::RuleIndex& index() {
  return smedx::detail::EngineAccess::index(smedx::test::miit2024());
}

std::string describe(const CodedSurvey& s) {
  std::string out = fmt::format("id={}\n", s.enterprise_id);
  for (const auto& [k, v] : s.enterprise) out += fmt::format("field {}={}\n", k, v);
  for (const auto& e : s.errors) out += "E " + e.path + " " + e.to_string();
  for (const auto& w : s.warnings) out += "W " + w.path + " " + w.to_string();
  for (auto f : s.fired) out += fmt::format("fired {}\n", f);
  for (auto m : s.selected) out += fmt::format("sel {}\n", m);
  for (auto l : s.levels) out += fmt::format("lvl {}\n", int(l));
  return out;
}

// The Survey path, as the batch took it for every row before: a row that parses is coded, one
// that does not carries its parse issues.
std::string survey_path(const smedx::CsvLayout& layout, const std::string& row,
                        smedx::MissingPolicy missing) {
  auto parsed = smedx::parse_survey_csv(layout, row, "t.csv", 7);
  if (!parsed.survey) return "not parsed";
  CodedSurvey out;
  smedx::detail::code_survey(*parsed.survey, index(), missing, out);
  for (auto& e : out.errors)
    if (!e.where.known()) e.where = smedx::Location{"t.csv", 7, 1};
  return describe(out);
}

struct Example {
  smedx::CsvLayout layout;
  std::vector<std::string> rows;
};

Example example() {
  std::ifstream in(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
  std::string header;
  std::getline(in, header);
  std::vector<smedx::Issue> issues;
  auto layout = smedx::read_csv_header(header, smedx::test::miit2024().rules(), "t.csv", issues);
  REQUIRE(layout);
  Example e{*layout, {}};
  for (std::string row; std::getline(in, row);) e.rows.push_back(row);
  return e;
}

}  // namespace

TEST_SUITE("survey_csv_code") {
  TEST_CASE("the row coder codes what the Survey path codes, or leaves the row to it") {
    const Example e = example();
    const smedx::detail::CsvRowCoder coder(e.layout, index());
    const smedx::Location where{"t.csv", 7, 1};
    std::mt19937 rng(20);
    const std::vector<std::string> pieces = {
        "",      "A",  "B", "C|D",   " C ",   "c", "B|B", "A|C", "Z",   "B，C", "B、C",
        "0.725", "5",  "-", "37.5%", "1e3",   "4", "9",   "-1",  "+2",  "2.0",  "\"B\"",
        "B||C",  "B|", ",", "\r",    "Ｆ|Ｇ", " ", "150", "abc", "B |C"};
    std::size_t coded = 0, total = 0;
    for (const auto missing : {smedx::MissingPolicy::error, smedx::MissingPolicy::zero}) {
      for (const auto& row : e.rows) {
        CodedSurvey out;
        REQUIRE(coder.code(row, where, missing, out));  // the example rows are the usual form
        CHECK(describe(out) == survey_path(e.layout, row, missing));
      }
      for (int n = 0; n < 4000; ++n) {
        // A row with one to three cells replaced by what people write.
        std::vector<std::string> cells;
        std::stringstream split(e.rows[rng() % e.rows.size()]);
        for (std::string c; std::getline(split, c, ',');) cells.push_back(c);
        for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k)
          cells[rng() % cells.size()] = pieces[rng() % pieces.size()];
        std::string row;
        for (std::size_t i = 0; i < cells.size(); ++i) row += (i ? "," : "") + cells[i];
        CodedSurvey out;
        ++total;
        if (!coder.code(row, where, missing, out)) {
          CHECK(describe(out) == describe(CodedSurvey{}));  // left alone
          continue;
        }
        ++coded;
        CHECK_MESSAGE(describe(out) == survey_path(e.layout, row, missing), row);
      }
    }
    // Most broken rows are still the coder's (a wrong letter, a level out of range): only the
    // rows that do not read as cells go back.
    CHECK(coded > total / 8);
    CHECK(coded < total);
  }
}
