// Columnar scoring agrees with scoring the same table as CSV, row for row.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "batch/csv_row.h"
#include "smedx/batch.h"
#include "smedx/columnar.h"
#include "smedx/columns.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_csv.h"
#include "support.h"

namespace {

const smedx::Engine& engine() { return smedx::test::miit2024(); }

// A CSV text as columns of codes into distinct values, the way pandas.factorize gives them.
struct Factorized {
  std::vector<std::vector<std::int32_t>> codes;
  std::vector<std::uint8_t> has_id;
  smedx::ColumnarSurveys table;
};

Factorized factorize(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  const auto header = *smedx::split_csv(line);
  Factorized f;
  f.codes.resize(header.size());
  std::vector<std::map<std::string, std::int32_t>> seen(header.size());
  f.table.columns.resize(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) f.table.columns[c].name = header[c];
  while (std::getline(in, line)) {
    const auto cells = *smedx::split_csv(line);
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (cells[c].empty()) {
        f.codes[c].push_back(-1);
        continue;
      }
      auto [it, fresh] = seen[c].emplace(cells[c], static_cast<std::int32_t>(seen[c].size()));
      if (fresh) f.table.columns[c].values.push_back(cells[c]);
      f.codes[c].push_back(it->second);
    }
    f.has_id.push_back(!cells[0].empty());
    ++f.table.rows;
  }
  for (std::size_t c = 0; c < header.size(); ++c) f.table.columns[c].codes = f.codes[c].data();
  f.table.has_id = f.has_id.data();
  return f;
}

std::string read(const std::string& path) { return smedx::test::read_file(path); }

}  // namespace

TEST_SUITE("columnar") {
  TEST_CASE("columnar.scores a table exactly as its CSV, bad rows included") {
    std::string csv = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
    std::istringstream lines(csv);
    std::string header, row;
    std::getline(lines, header);
    std::vector<std::string> rows;
    while (std::getline(lines, row)) rows.push_back(row);
    // Three bad rows: an unknown letter, a missing answer, no enterprise id.
    std::string bad1 = rows[0], bad2 = rows[1], bad3 = rows[2];
    bad1.replace(bad1.find(",B|C|D|E,"), 9, ",B|C|Q,");
    bad2.replace(bad2.find(",B|C,"), 5, ",,");
    bad3.replace(0, bad3.find(','), "");
    csv = header + "\n";
    for (const auto& r : rows) csv += r + "\n";
    csv += bad1 + "\n" + bad2 + "\n" + bad3 + "\n";

    std::istringstream in(csv);
    std::ostringstream expected;
    smedx::score_stream(
        engine(), in, "t.csv", smedx::InputFormat::csv,
        [](const smedx::ScoredRecord& r) { return smedx::to_csv(r); }, expected);

    auto f = factorize(csv);
    for (unsigned threads : {1u, 2u}) {
      const auto got =
          smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, threads);
      std::istringstream want(expected.str());
      const auto& rules = engine().rules();
      for (std::size_t r = 0; r < f.table.rows; ++r) {
        std::string line;
        REQUIRE(std::getline(want, line));
        const auto fields = *smedx::split_csv(line);
        CAPTURE(r);
        if (!got.errors.at(r).empty()) {
          CHECK(fields.back() == got.errors.at(r));
          continue;
        }
        CHECK(fields.back().empty());
        CHECK(fields[1] == std::to_string(got.level[r]));
        CHECK(fields[2] == smedx::Decimal::from_thousandths(got.total[r]).to_string());
        for (std::size_t s = 0; s < rules.scenarios.size(); ++s)
          CHECK(fields[6 + s] == std::to_string(got.scenario_levels[s * f.table.rows + r]));
      }
      // Every error of the row, in Chinese (issue 20); the English is each issue's message.
      CHECK(got.errors.at(12) == "F1 网络建设没有选项“Q”（可选 A–E）");
      CHECK(got.errors.at(13) == "以下题目未作答：F1 网络建设");
      CHECK(got.errors.at(14) == "缺少企业编号（enterprise.id）");
      REQUIRE(got.issues.size() == 3);
      CHECK(got.issues[0].second.front().message ==
            "unknown option 'Q' for item 'network' (valid: A–E)");
      CHECK(got.issues[0].second.front().code == "E-ANSWER-OPTION");
    }
  }

  TEST_CASE("columnar.a band value of at most 1 is read as a percentage, with the warning") {
    const std::string csv = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
    std::istringstream lines(csv);
    std::string header, row1, row2;
    std::getline(lines, header);
    std::getline(lines, row1);
    std::getline(lines, row2);
    // Replace row 1's funding cell (M4, a band item) by 0.725, as an Excel percent cell holds.
    const auto names = *smedx::split_csv(header);
    auto cells = *smedx::split_csv(row1);
    const auto at =
        static_cast<std::size_t>(std::find(names.begin(), names.end(), "funding") - names.begin());
    REQUIRE(at < names.size());
    cells[at] = "0.725";
    std::string edited;
    for (const auto& c : cells) edited += (edited.empty() ? "" : ",") + c;
    auto f = factorize(header + "\n" + edited + "\n" + row2 + "\n");
    f.table.warnings = true;
    const auto got = smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, 1);
    CHECK(got.errors.at(0).empty());
    // In Chinese by default, as the errors are; English when asked.
    CHECK(got.warnings.at(0).find("M4 资金保障的百分数 0.725 按 0.725% 计；如是比例（72.5%），"
                                  "请填 72.5 或“72.5%”") != std::string_view::npos);
    CHECK(got.warnings.at(1).find("百分数") == std::string_view::npos);
    f.table.lang = smedx::Lang::en;
    const auto en = smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, 1);
    CHECK(en.warnings.at(0).find("percentage 0.725 for item 'funding' read as 0.725%; if it is a "
                                 "share (72.5%), write 72.5 or \"72.5%\"") !=
          std::string_view::npos);
    CHECK(en.warnings.at(1).find("percentage") == std::string_view::npos);
  }

  TEST_CASE("columnar.a band note comes before the consistency warnings of its row, as in CSV") {
    // Every cohort row with funding at 0.725: rows that also trip consistency rules hold the
    // note first, then the rules' messages, as the survey coder writes them.
    const std::string csv = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
    std::istringstream lines(csv);
    std::string header, row, edited;
    std::getline(lines, header);
    const auto names = *smedx::split_csv(header);
    const auto at =
        static_cast<std::size_t>(std::find(names.begin(), names.end(), "funding") - names.begin());
    REQUIRE(at < names.size());
    while (std::getline(lines, row)) {
      auto cells = *smedx::split_csv(row);
      cells[at] = "0.725";
      std::string line;
      for (const auto& c : cells) line += (line.empty() ? "" : ",") + c;
      edited += line + "\n";
    }
    const std::string table = header + "\n" + edited;
    std::istringstream in(table);
    std::ostringstream expected;
    smedx::score_stream(
        engine(), in, "t.csv", smedx::InputFormat::csv,
        [](const smedx::ScoredRecord& r) {
          std::string joined;
          if (r.ok())
            for (const auto& w : r.assessment().warnings)
              joined += (joined.empty() ? "" : "; ") + smedx::message_text(w, smedx::Lang::zh);
          return joined;
        },
        expected);
    auto f = factorize(table);
    f.table.warnings = true;
    const auto got = smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, 1);
    std::istringstream want(expected.str());
    std::size_t both = 0;
    for (std::size_t r = 0; r < f.table.rows; ++r) {
      std::string line;
      REQUIRE(std::getline(want, line));
      CAPTURE(r);
      CHECK(got.errors.at(r).empty());
      CHECK(got.warnings.at(r) == line);
      both += line.find("; ") != std::string::npos;
    }
    CHECK(both > 0);  // some row holds the note and a rule's message
  }

  TEST_CASE("columnar.codes of 1, 2 and 8 bytes score as codes of 4") {
    // A categorical's own codes and small whole numbers are read in place, whatever their width.
    std::string csv = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
    const std::string header = csv.substr(0, csv.find('\n') + 1);
    std::string bad = csv.substr(header.size());
    bad = bad.substr(0, bad.find('\n'));
    bad.replace(bad.find(",B|C|D|E,"), 9, ",,");  // a missing answer: code -1
    auto f = factorize(csv + bad + "\n");
    const auto want = smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, 1);
    auto same = [&](const smedx::ColumnarScores& got) {
      CHECK(got.errors.at(f.table.rows - 1) == want.errors.at(f.table.rows - 1));
      CHECK(got.errors.at(f.table.rows - 1) == "以下题目未作答：F1 网络建设");
      for (std::size_t r = 0; r < f.table.rows; ++r) {
        CAPTURE(r);
        CHECK(got.level[r] == want.level[r]);
        CHECK(got.total[r] == want.total[r]);
      }
      CHECK(got.scenario_levels == want.scenario_levels);
      CHECK(got.dim_points == want.dim_points);
    };
    std::vector<std::vector<std::int8_t>> bytes;
    std::vector<std::vector<std::int16_t>> shorts;
    std::vector<std::vector<std::int64_t>> longs;
    for (const auto& codes : f.codes) {
      bytes.emplace_back(codes.begin(), codes.end());
      shorts.emplace_back(codes.begin(), codes.end());
      longs.emplace_back(codes.begin(), codes.end());
    }
    for (std::size_t c = 0; c < f.codes.size(); ++c) f.table.columns[c].codes = bytes[c].data();
    same(smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, 1));
    for (std::size_t c = 0; c < f.codes.size(); ++c) f.table.columns[c].codes = shorts[c].data();
    same(smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, 2));
    for (std::size_t c = 0; c < f.codes.size(); ++c) f.table.columns[c].codes = longs[c].data();
    same(smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, 1));
  }

  TEST_CASE("columnar.scenario codes that are their levels score as codes into any values") {
    // Whole numbers 0-4 read in place are codes whose values are "0" to "4" in order: their
    // levels are the codes themselves, with no lookup. A missing cell (-1) stays missing.
    std::string csv = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
    auto f = factorize(csv);
    auto g = factorize(csv);
    std::vector<std::vector<std::int64_t>> levels(g.codes.size());
    for (std::size_t c = 0; c < g.codes.size(); ++c) {
      auto& col = g.table.columns[c];
      if (!engine().rules().find_scenario(col.name)) continue;
      for (std::int32_t code : g.codes[c])
        levels[c].push_back(code < 0 ? -1 : std::stoi(col.values[static_cast<std::size_t>(code)]));
      col.values = {"0", "1", "2", "3", "4"};
      col.codes = levels[c].data();
    }
    std::size_t quality = 0;
    while (f.table.columns[quality].name != "quality") ++quality;
    f.codes[quality][2] = -1;
    levels[quality][2] = -1;
    for (unsigned threads : {1u, 2u}) {
      const auto want =
          smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, threads);
      const auto got =
          smedx::score_columns(engine(), g.table, smedx::MissingPolicy::error, threads);
      CHECK(got.level == want.level);
      CHECK(got.total == want.total);
      CHECK(got.dim_points == want.dim_points);
      CHECK(got.scenario_levels == want.scenario_levels);
      CHECK(got.errors.entries == want.errors.entries);
      CHECK(want.errors.at(2).starts_with("以下场景未填等级"));
    }
  }
}

TEST_SUITE("columnar") {
  TEST_CASE("columnar.cells in and out of the usual form are read and worded as in CSV") {
    // score_columns reads cells of the usual form (capital letters joined with '|', a plain
    // percentage) in a line and the rest the long way. Each row here is the first cohort row
    // with one cell replaced; its level, total, scenarios, first error and warnings must be
    // those of the same row read as CSV.
    const std::map<std::string, std::vector<std::string>> odd = {
        {"network",  // multi, A is 'none'
         {"A", "B", "B|C", "E|B", "B|B", "A|B", "B|", "|B", "B||C", " B", "B |C", "b", "F", "BC",
          "B|C|D|E", "1", "Z|A", "B|C|D|E|F"}},
        {"equipment_digitization",  // band
         {"0",
          "0.5",
          "1",
          "1.0",
          "1.5",
          "10",
          "10.0",
          "20",
          "100",
          "100.0",
          "100.1",
          "-1",
          "+5",
          ".5",
          "5.",
          "05",
          "1e2",
          "7.5%",
          "7.5 %",
          "A",
          "E",
          "F",
          "B|C",
          "72.50",
          "0.0",
          "-0",
          "abc",
          "12345678901234",
          "9.9999999999999999999"}},
        {"information_systems", {"A", "E", "F", "B|C", "5", " C", "C ", "C|"}},  // single
        {"energy_intensity", {"A", "C", "D", "5", "A|B"}},                       // trend
    };
    const std::string cohort = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
    std::istringstream lines(cohort);
    std::string header, first;
    std::getline(lines, header);
    std::getline(lines, first);
    const auto names = *smedx::split_csv(header);
    std::string table = header + "\n";
    for (const auto& [item, cells] : odd) {
      const auto at =
          static_cast<std::size_t>(std::find(names.begin(), names.end(), item) - names.begin());
      REQUIRE(at < names.size());
      for (const auto& cell : cells) {
        auto row = *smedx::split_csv(first);
        row[at] = cell;
        std::string line;
        for (const auto& c : row) line += (line.empty() ? "" : ",") + c;
        table += line + "\n";
      }
    }
    std::istringstream in(table);
    std::ostringstream expected;
    smedx::score_stream(
        engine(), in, "t.csv", smedx::InputFormat::csv,
        [zh = smedx::Lang::zh](const smedx::ScoredRecord& r) {
          if (!r.ok()) return "error: " + smedx::detail::csv_error_text(r.survey.errors, zh);
          const auto a = r.assessment();
          std::string line = std::to_string(a.level) + " " + a.total.to_string();
          for (const auto& s : a.scenarios) line += " " + std::to_string(s.second);
          for (const auto& w : a.warnings) line += "; " + smedx::message_text(w, zh);
          return line;
        },
        expected);
    auto f = factorize(table);
    f.table.warnings = true;
    std::size_t errors = 0;
    for (unsigned threads : {1u, 2u}) {
      const auto got =
          smedx::score_columns(engine(), f.table, smedx::MissingPolicy::error, threads);
      std::istringstream want(expected.str());
      for (std::size_t r = 0; r < f.table.rows; ++r) {
        std::string line;
        REQUIRE(std::getline(want, line));
        CAPTURE(r);
        std::string mine;
        if (!got.errors.at(r).empty()) {
          mine = "error: " + std::string(got.errors.at(r));
          errors += threads == 1;
        } else {
          mine = std::to_string(got.level[r]) + " " +
                 smedx::Decimal::from_thousandths(got.total[r]).to_string();
          for (std::size_t s = 0; s < engine().rules().scenarios.size(); ++s)
            mine += " " + std::to_string(got.scenario_levels[s * f.table.rows + r]);
          if (!got.warnings.at(r).empty()) mine += "; " + std::string(got.warnings.at(r));
        }
        CHECK(mine == line);
      }
    }
    CHECK(errors > 15);  // the odd cells do give errors, worded the same
  }
}

TEST_SUITE("columnar") {
  TEST_CASE("columnar.coding a table gives the coded surveys of its CSV, bad rows included") {
    // The cohort, then rows with one thing wrong each: an unknown letter, a missing answer, no
    // enterprise id, a cell that does not read, a scenario level out of range, a band value of
    // at most 1 (a note, not an error), one letter for a multi item (a list of one), a scenario
    // level that is not a number.
    const std::string cohort = read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv");
    std::istringstream lines(cohort);
    std::string header, row;
    std::getline(lines, header);
    const auto names = *smedx::split_csv(header);
    std::vector<std::vector<std::string>> rows;
    while (std::getline(lines, row)) rows.push_back(*smedx::split_csv(row));
    auto column = [&](std::string_view name) {
      const auto at =
          static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
      REQUIRE(at < names.size());
      return at;
    };
    const std::vector<std::pair<std::string, std::string>> odd = {
        {"network", "B|C|Q"}, {"network", ""},      {"enterprise_id", ""}, {"network", "B|多个"},
        {"quality", "7"},     {"funding", "0.725"}, {"network", "B"},      {"quality", "x"}};
    for (std::size_t k = 0; k < odd.size(); ++k) {
      auto edited = rows[k % rows.size()];
      edited[column(odd[k].first)] = odd[k].second;
      rows.push_back(std::move(edited));
    }
    std::string csv = header + "\n";
    for (const auto& cells : rows) {
      for (std::size_t c = 0; c < cells.size(); ++c) csv += (c ? "," : "") + cells[c];
      csv += "\n";
    }

    auto f = factorize(csv);
    // The enterprise's own columns as the frame path gives them: the id and the fields.
    const auto roles = smedx::classify_columns(names, engine().rules());
    REQUIRE(roles.errors.empty());
    for (std::size_t c = 0; c < names.size(); ++c) {
      using Kind = smedx::TableColumn::Kind;
      if (roles.columns[c].kind == Kind::enterprise_id) f.table.enterprise_id = f.table.columns[c];
      if (roles.columns[c].kind == Kind::field) f.table.fields.push_back(f.table.columns[c]);
    }
    REQUIRE(f.table.fields.size() == 3);

    for (const auto missing : {smedx::MissingPolicy::error, smedx::MissingPolicy::zero}) {
      std::vector<smedx::CodedSurvey> want;
      std::istringstream in(csv);
      smedx::BatchOptions options;
      options.missing = missing;
      smedx::visit_stream(
          engine(), in, "t.csv", smedx::InputFormat::csv,
          [&](const smedx::CodedSurvey& s) { want.push_back(s); }, options);
      REQUIRE(want.size() == f.table.rows);
      for (unsigned threads : {1u, 2u}) {
        const auto got = smedx::code_columns(engine(), f.table, missing, threads);
        const auto scores = smedx::score_columns(engine(), f.table, missing, threads);
        REQUIRE(got.size() == want.size());
        std::size_t errors = 0, warned = 0;
        for (std::size_t r = 0; r < got.size(); ++r) {
          CAPTURE(r);
          CAPTURE(static_cast<int>(missing));
          const smedx::CodedSurvey &g = got[r], &w = want[r];
          CHECK(g.enterprise_id == w.enterprise_id);
          CHECK(g.enterprise == w.enterprise);
          CHECK(g.where.line == static_cast<int>(r + 1));
          REQUIRE(g.errors.size() == w.errors.size());
          for (std::size_t k = 0; k < g.errors.size(); ++k) {
            CHECK(g.errors[k].message == w.errors[k].message);
            CHECK(g.errors[k].path == w.errors[k].path);
          }
          // The frame's scores say what its coded rows say.
          CHECK(scores.errors.at(r) ==
                (g.ok() ? "" : smedx::detail::csv_error_text(g.errors, smedx::Lang::zh)));
          errors += !g.ok();
          if (!g.ok()) continue;
          CHECK(g.selected == w.selected);
          CHECK(g.levels == w.levels);
          CHECK(g.fired == w.fired);
          warned += !g.warnings.empty();
          REQUIRE(g.warnings.size() == w.warnings.size());
          for (std::size_t k = 0; k < g.warnings.size(); ++k) {
            CHECK(g.warnings[k].message == w.warnings[k].message);
            CHECK(g.warnings[k].path == w.warnings[k].path);
          }
        }
        CHECK(errors == (missing == smedx::MissingPolicy::error ? 6u : 5u));
        CHECK(warned > 0);
      }
    }
  }
}

TEST_SUITE("columnar") {
  TEST_CASE("columnar.written answers, figure columns and every problem of a row, as in CSV") {
    const std::string header =
        "enterprise_id,industry,network,equipment_digitization,equipment_networking,"
        "data_collection,information_systems,network_security,data_security,planning,mechanisms,"
        "talent,funding,R1.before,R1.after,pass_rate,revenue_per_employee,cost_per_revenue,"
        "product_design,process_design,marketing,after_sales,planning_scheduling,"
        "production_control,quality,equipment,safety,energy,procurement,warehousing_logistics,"
        "finance,human_resources,collaborative_office,decision_support\n";
    const std::string csv =
        header +
        "A1,特色化工新材料制造,b、c,54.2,46,\"Ｇ，Ｈ\",多个业务环节,\"B,C\",B；C,e,B|C,B|D,8.6,0."
        "386,"
        "0.352,C（增加）,c,B,1,3,2,1,2,3,3,3,4,3,2,3,3,2,3,2\n"
        "A2,chem_new_materials,B|Q,54.2,46,G|H,多个业务,B|C,B|C,E,B|C,B|D,8.6,0.386,,C,C,B,1,3,"
        "seven,1,2,3,3,3,4,3,2,3,3,2,3,9\n";
    std::vector<smedx::CodedSurvey> want;
    std::istringstream in(csv);
    smedx::visit_stream(engine(), in, "t.csv", smedx::InputFormat::csv,
                        [&](const smedx::CodedSurvey& s) { want.push_back(s); }, {});
    auto f = factorize(csv);
    const auto got = smedx::code_columns(engine(), f.table, smedx::MissingPolicy::error, 1);
    REQUIRE(want.size() == 2);
    REQUIRE(got.size() == 2);
    CHECK(want[0].ok());
    CHECK(got[0].ok());
    CHECK(got[0].selected == want[0].selected);
    REQUIRE(want[1].errors.size() == 5);
    REQUIRE(got[1].errors.size() == want[1].errors.size());
    for (std::size_t k = 0; k < got[1].errors.size(); ++k) {
      CAPTURE(k);
      CHECK(got[1].errors[k].path == want[1].errors[k].path);
    }
    // The frame's figure pair is one column, so its message names that column.
    CHECK(got[1].errors[0].message == want[1].errors[0].message);
    CHECK(got[1].errors[2].message == want[1].errors[2].message);
  }
}

namespace {

// `rows` random surveys of `rules` as a CSV text: answers of every kind (a few blank or with a
// letter no item has), scenario levels from missing to one over the top, a few rows without
// an id. Enough rows for several tiles of the row loop and a last one of an odd size.
std::string random_csv(const smedx::RuleSet& rules, std::size_t rows, std::uint32_t seed) {
  std::uint32_t state = seed;
  auto next = [&state](std::uint32_t n) {  // a small LCG: the same table on every platform
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % n;
  };
  std::string csv = "enterprise_id";
  for (const smedx::Item* item : rules.items()) csv += "," + item->id;
  for (const auto& s : rules.scenarios) csv += "," + s.id;
  csv += "\n";
  const int top = rules.level_rule.top_level();
  for (std::size_t r = 0; r < rows; ++r) {
    // How far the enterprise has come, 0 to 100: its answers and levels lean on it, so that
    // the rows reach every level of the rule set (uniform answers would all sit in the middle).
    const std::uint32_t q = next(101);
    auto near = [&](std::uint32_t n) {  // an index of n, around q % of the way, give or take one
      const auto at = static_cast<std::int64_t>((q * (n - 1) + 50) / 100) + next(3) - 1;
      return static_cast<std::size_t>(std::clamp<std::int64_t>(at, 0, n - 1));
    };
    if (next(50) != 0) csv += "E" + std::to_string(r);
    for (const smedx::Item* item : rules.items()) {
      csv += ",";
      const std::uint32_t roll = next(200);
      if (roll == 0) continue;  // blank
      if (roll == 1) {
        csv += "Z";
        continue;
      }
      const auto& options = item->options;
      if (item->kind != smedx::ItemKind::multi) {
        csv += options[near(static_cast<std::uint32_t>(options.size()))].letter;
        continue;
      }
      std::string picked;
      for (const auto& o : options) {
        if (o.none || next(100) >= q) continue;
        if (!picked.empty()) picked += "|";
        picked += o.letter;
      }
      csv += picked.empty() ? std::string(1, options.front().letter) : picked;
    }
    for (std::size_t s = 0; s < rules.scenarios.size(); ++s) {
      csv += ",";
      const std::uint32_t roll = next(100);
      if (roll == 0) continue;  // blank
      if (roll == 1) {          // one over the top
        csv += std::to_string(top + 1);
        continue;
      }
      csv += std::to_string(near(static_cast<std::uint32_t>(top) + 1));
    }
    csv += "\n";
  }
  return csv;
}

// Every row of `csv` scored as columns (on 1 and 3 threads) as it scores as CSV.
void same_as_csv(const smedx::Engine& engine, const std::string& csv) {
  std::istringstream in(csv);
  std::ostringstream expected;
  smedx::score_stream(
      engine, in, "t.csv", smedx::InputFormat::csv,
      [](const smedx::ScoredRecord& r) { return smedx::to_csv(r); }, expected);
  const auto f = factorize(csv);
  const auto& rules = engine.rules();
  const std::size_t first_scenario = 3 + rules.dimensions.size();
  for (unsigned threads : {1u, 3u}) {
    const auto got = smedx::score_columns(engine, f.table, smedx::MissingPolicy::error, threads);
    std::istringstream want(expected.str());
    std::size_t scored = 0, levels_seen = 0;
    for (std::size_t r = 0; r < f.table.rows; ++r) {
      std::string line;
      REQUIRE(std::getline(want, line));
      const auto fields = *smedx::split_csv(line);
      CAPTURE(r);
      CAPTURE(threads);
      REQUIRE(fields.back() == got.errors.at(r));
      if (!fields.back().empty()) continue;
      ++scored;
      levels_seen |= 1u << got.level[r];
      CHECK(fields[1] == std::to_string(got.level[r]));
      CHECK(fields[2] == smedx::Decimal::from_thousandths(got.total[r]).to_string());
      for (std::size_t d = 0; d < rules.dimensions.size(); ++d)
        CHECK(fields[3 + d] ==
              smedx::Decimal::from_thousandths(got.dim_points[d * f.table.rows + r]).to_string());
      for (std::size_t s = 0; s < rules.scenarios.size(); ++s)
        CHECK(fields[first_scenario + s] ==
              std::to_string(got.scenario_levels[s * f.table.rows + r]));
    }
    // The table is a test of the row loop only if most rows score and they reach every level.
    CHECK(scored > f.table.rows / 2);
    CHECK(levels_seen == (2u << rules.level_rule.top_level()) - 1);

    // In a data frame's units, block by block as scored: what to_frame_units makes afterwards.
    smedx::ColumnarScores units;
    units.frame_units = true;
    smedx::score_columns(engine, f.table, smedx::MissingPolicy::error, threads, units);
    auto after = got;
    smedx::ScoreColumn<std::int8_t> level;
    smedx::to_frame_units(after, level, threads);
    CHECK(units.total == after.total);
    CHECK(units.dim_points == after.dim_points);
    CHECK(units.scenario_levels == after.scenario_levels);
    CHECK(units.level_bytes == level);
    CHECK(units.errors.entries == after.errors.entries);
  }
}

}  // namespace

TEST_SUITE("columnar") {
  TEST_CASE("columnar.random tables of several tiles score as their CSV") {
    same_as_csv(engine(), random_csv(engine().rules(), 2'500, 7));
  }

  TEST_CASE("columnar.a rule set of six levels, random tables, scores as its CSV") {
    // More levels than the row loop counts at once (four), and a rule on any scenario's level.
    std::string yaml = read(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml");
    auto replace = [&yaml](std::string_view from, std::string_view to) {
      const auto at = yaml.find(from);
      REQUIRE(at != std::string::npos);
      yaml.replace(at, from.size(), to);
    };
    const std::string more =
        "      3: {zh: 三}\n      4: {zh: 四}\n      5: {zh: 五}\n      6: {zh: 六}\n";
    replace("      2: {zh: 系统管理}\n", "      2: {zh: 系统管理}\n" + more);
    replace("      2: {zh: 系统采集}\n", "      2: {zh: 系统采集}\n" + more);
    replace("min_constraint: 1}\nconsistency:",
            "min_constraint: 1}\n"
            "    - {level: 3, zh: 三级, min_points: 8, min_scenarios: 2, min_constraint: 1}\n"
            "    - {level: 4, zh: 四级, min_points: 8, min_scenarios: 2, min_constraint: 1}\n"
            "    - {level: 5, zh: 五级, min_points: 9, min_scenarios: 2, min_constraint: 1}\n"
            "    - {level: 6, zh: 六级, min_points: 9.5, min_scenarios: 2, min_constraint: 1}\n"
            "consistency:");
    replace("    message: C需要B\n",
            "    message: C需要B\n"
            "  - id: high_needs_b\n    severity: error\n"
            "    if: {any_scenario_at_least: 5}\n    then: {item: network, has: B}\n"
            "    message: 高等级需要B\n");
    const auto loaded = smedx::load_rules_from_string(yaml, "six.yaml");
    for (const auto& i : loaded.issues()) MESSAGE(i.message);
    REQUIRE(loaded.ok());
    REQUIRE(loaded.rules().level_rule.top_level() == 6);
    const smedx::Engine six(loaded.rules());
    same_as_csv(six, random_csv(six.rules(), 3'001, 11));
  }
}
