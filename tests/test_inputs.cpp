// Inputs from real platforms: CSV quoting that cannot run away, empty files, error caps, text
// encodings (UTF-8 with or without a BOM, GB18030) and percentages written by spreadsheets.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "common/utf8.h"
#include "smedx/batch.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"
#include "support.h"
#include "survey/encoding.h"

namespace {

const smedx::Engine& engine() { return smedx::test::miit2024(); }

std::string read(const std::string& path) { return smedx::test::read_file(path); }

std::vector<std::string> cohort_lines() {
  std::istringstream cohort(read(SMEDX_SOURCE_DIR "/examples/surveys/cohort.csv"));
  std::vector<std::string> lines;
  for (std::string l; std::getline(cohort, l);) lines.push_back(l);
  return lines;
}

// One line a record: "id level total" when it scored, "id: first error (line N)" otherwise.
std::vector<std::string> records(const std::string& input, smedx::InputFormat format,
                                 smedx::BatchSummary* summary = nullptr,
                                 smedx::TextEncoding encoding = smedx::TextEncoding::automatic) {
  std::istringstream in(input);
  std::ostringstream out;
  smedx::BatchOptions options;
  options.encoding = encoding;
  const auto s = smedx::score_stream(
      engine(), in, "in", format,
      [](const smedx::ScoredRecord& r) {
        if (r.ok()) {
          const auto a = r.assessment();
          return fmt::format("{} {} {}", a.enterprise_id, a.level, a.total.to_string());
        }
        const auto& e = r.survey.errors.front();
        return fmt::format("{}: {} (line {})", r.survey.enterprise_id, e.message, e.where.line);
      },
      out, options);
  if (summary) *summary = s;
  std::vector<std::string> got;
  std::istringstream lines(out.str());
  for (std::string l; std::getline(lines, l);) got.push_back(l);
  CHECK(got.size() == s.records);
  return got;
}

// The JSON Lines a CSV input scores to, as `smedx score` writes them.
std::string scored_json(const std::string& input,
                        smedx::TextEncoding encoding = smedx::TextEncoding::automatic) {
  std::istringstream in(input);
  std::ostringstream out;
  smedx::BatchOptions options;
  options.encoding = encoding;
  smedx::score_stream(
      engine(), in, "in.csv", smedx::InputFormat::csv,
      [](const smedx::ScoredRecord& r) { return smedx::to_json(r.assessment()); }, out, options);
  return out.str();
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_SUITE("inputs") {
  TEST_CASE("inputs.a stray quote in row 3 of 10 costs that row only, the others read in order") {
    auto lines = cohort_lines();
    lines.resize(11);  // the header and 10 rows
    lines[3].replace(lines[3].find(",润泽"), 1, ",\"");
    // A later quoted name with a comma must not close the stray quote.
    lines[5].replace(lines[5].find("沛华精细化学品有限公司"),
                     std::string("沛华精细化学品有限公司").size(), "\"沛华, 精细化学品有限公司\"");
    smedx::BatchSummary summary;
    const auto got = records(join(lines), smedx::InputFormat::csv, &summary);
    REQUIRE(got.size() == 10);
    CHECK(summary.records == 10);
    CHECK(summary.errors == 1);
    CHECK(got[0] == "CN-2025-001 4 91.85");
    CHECK(got[1].rfind("CN-2025-002 ", 0) == 0);
    CHECK(got[2] ==
          ": malformed CSV row: a quoted field opened at column 13 is not closed on this line "
          "(line 4)");
    CHECK(got[3].rfind("CN-2025-004 ", 0) == 0);
    CHECK(got[5].rfind("CN-2025-006 ", 0) == 0);
    CHECK(got[4].rfind("CN-2025-005 ", 0) == 0);
    CHECK(got[9].rfind("EP-2025-004 ", 0) == 0);
  }

  TEST_CASE("inputs.a quoted value may span lines while the row stays plausible") {
    auto lines = cohort_lines();
    lines.resize(4);
    lines[2].replace(lines[2].find("岚峰氟材料科技有限公司"),
                     std::string("岚峰氟材料科技有限公司").size(), "\"岚峰氟材料\n科技有限公司\"");
    const auto got = records(join(lines), smedx::InputFormat::csv);
    REQUIRE(got.size() == 3);
    CHECK(got[1].rfind("CN-2025-002 ", 0) == 0);
    CHECK(got[2].rfind("CN-2025-003 ", 0) == 0);
  }

  TEST_CASE("inputs.a quoted value over 64 KiB is not joined: each line is its own record") {
    auto lines = cohort_lines();
    lines.resize(3);
    const std::string name = "岚峰氟材料科技有限公司";
    lines[2].replace(lines[2].find(name), name.size(),
                     "\"" + std::string(70 * 1024, 'x') + "\n" + name + "\"");
    const auto got = records(join(lines), smedx::InputFormat::csv);
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "CN-2025-001 4 91.85");
    CHECK(got[1] ==
          ": malformed CSV row: a quoted field opened at column 13 is not closed on this line "
          "(line 3)");
    CHECK(got[2] == name + "\": malformed CSV row: 34 fields, the header has 35 (line 4)");
  }

  TEST_CASE("inputs.a quoted value that never closes is one error, the last line too") {
    const auto got = records(join({cohort_lines()[0], cohort_lines()[1], "X-9,\"unclosed"}),
                             smedx::InputFormat::csv);
    REQUIRE(got.size() == 2);
    CHECK(got[1] ==
          ": malformed CSV row: a quoted field opened at column 5 is not closed on this line "
          "(line 3)");
  }

  TEST_CASE("inputs.an empty .json or .yaml file is an error record") {
    for (auto format : {smedx::InputFormat::json, smedx::InputFormat::yaml}) {
      smedx::BatchSummary summary;
      const auto got = records("", format, &summary);
      REQUIRE(got.size() == 1);
      CHECK(got[0] == ": the file is empty (expected one survey) (line 1)");
      CHECK(summary.errors == 1);
    }
  }

  TEST_CASE("inputs.a record keeps 20 errors and counts the rest") {
    std::string answers;
    for (int i = 1; i <= 28; ++i) answers += fmt::format("{}\"x{}\": \"A\"", i > 1 ? ", " : "", i);
    // 28 unknown items, the missing items and the missing scenarios: 30 errors.
    const std::string json =
        "{\"enterprise\": {\"id\": \"E\"}, \"answers\": {" + answers + "}, \"scenarios\": {}}";
    const auto parsed = smedx::parse_survey_json(json);
    REQUIRE(parsed.survey);
    smedx::CodedSurvey batch;  // the batch path codes the JSON straight away
    engine().code_json(json, smedx::Location{"in", 1, 1}, smedx::MissingPolicy::error, batch);
    for (const auto& errors : {engine().score(*parsed.survey).errors, batch.errors}) {
      REQUIRE(errors.size() == 21);
      CHECK(errors[0].message == "unknown item 'x1'");
      CHECK(errors[19].message == "unknown item 'x20'");
      CHECK(errors[20].message == "… and 10 more errors");
    }
  }

  TEST_CASE("inputs.a bad CSV header is reported once, each row points at it") {
    // 22 columns a letter away from an item or scenario id: each is an error (columns.h).
    std::string header = "enterprise_id";
    std::vector<std::string> ids;
    for (const auto* item : engine().rules().items()) ids.push_back(item->id);
    for (const auto& sc : engine().rules().scenarios) ids.push_back(sc.id);
    for (int i = 0; i < 22; ++i) header += "," + ids[static_cast<std::size_t>(i)] + "x";
    smedx::BatchSummary summary;
    std::istringstream in(header + "\nA,1\nB,2\nC,3\n");
    std::ostringstream out;
    summary = smedx::score_stream(
        engine(), in, "h.csv", smedx::InputFormat::csv,
        [](const smedx::ScoredRecord& r) {
          std::string all;
          for (const auto& e : r.survey.errors)
            all += fmt::format("{}{}@{}", all.empty() ? "" : "|", e.message, e.where.line);
          return all;
        },
        out);
    CHECK(summary.records == 3);
    CHECK(summary.errors == 3);
    REQUIRE(summary.fatal.size() == 21);
    CHECK(summary.fatal[0].message == "unknown column 'networkx' (did you mean 'network'?)");
    CHECK(summary.fatal[20].message == "… and 2 more errors");
    std::istringstream lines(out.str());
    std::vector<std::string> got;
    for (std::string l; std::getline(lines, l);) got.push_back(l);
    REQUIRE(got.size() == 3);
    CHECK(got[0].rfind("unknown column 'networkx' (did you mean 'network'?)@1|", 0) == 0);
    CHECK(got[0].size() > 400);
    CHECK(got[1] == "not read: the CSV header on line 1 has errors@3");
    CHECK(got[2] == "not read: the CSV header on line 1 has errors@4");
  }

  TEST_CASE("inputs.GB18030 and UTF-8 with a BOM score the same as UTF-8") {
    auto lines = cohort_lines();
    lines.resize(4);
    const std::string utf8 = scored_json(join(lines));
    CHECK(utf8.find("润泽特种涂料有限公司") != std::string::npos);
    CHECK(scored_json(read(SMEDX_SOURCE_DIR "/tests/data/gb18030.csv")) == utf8);
    CHECK(scored_json(read(SMEDX_SOURCE_DIR "/tests/data/gb18030.csv"),
                      smedx::TextEncoding::gb18030) == utf8);
    CHECK(scored_json(read(SMEDX_SOURCE_DIR "/tests/data/utf8-bom.csv")) == utf8);
    CHECK(scored_json(read(SMEDX_SOURCE_DIR "/tests/data/utf8-bom.csv"),
                      smedx::TextEncoding::utf8) == utf8);
  }

  TEST_CASE("inputs.a GB18030 name comes out as UTF-8") {
    // "润泽化工" in GB18030: C8F3 D4F3 BBAF B9A4.
    auto lines = cohort_lines();
    lines.resize(2);
    lines[1].replace(lines[1].find("华信高分子新材料有限公司"),
                     std::string("华信高分子新材料有限公司").size(),
                     "\xC8\xF3\xD4\xF3\xBB\xAF\xB9\xA4");
    lines[1].replace(lines[1].find("临港区"), std::string("临港区").size(), "lingang");
    const std::string out = scored_json(join(lines));
    CHECK(out.find("\"name\":\"润泽化工\"") != std::string::npos);
    // Read as UTF-8 the same bytes are an error record naming the line and the byte offset.
    const auto got =
        records(join(lines), smedx::InputFormat::csv, nullptr, smedx::TextEncoding::utf8);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == fmt::format(": invalid UTF-8 byte 0xc8 on line 2 at byte offset {} (line 2)",
                                lines[0].size() + 1 + 12));
  }

  TEST_CASE("inputs.invalid bytes, a NUL and a BOM in the middle are errors of their line") {
    struct Case {
      const char* file;
      const char* message;
    };
    for (const Case c :
         {Case{"invalid-utf8.csv", "invalid UTF-8 byte 0xff on line 3 at byte offset 706"},
          Case{"nul-byte.csv", "a NUL byte on line 3 at byte offset 706"},
          Case{"bom-mid.csv", "a byte order mark (U+FEFF) on line 3 at byte offset 673"}}) {
      CAPTURE(c.file);
      smedx::BatchSummary summary;
      const auto got = records(read(std::string(SMEDX_SOURCE_DIR "/tests/data/") + c.file),
                               smedx::InputFormat::csv, &summary);
      REQUIRE(got.size() == 3);
      CHECK(summary.errors == 1);
      CHECK(got[0] == "CN-2025-001 4 91.85");
      CHECK(got[1] == fmt::format(": {} (line 3)", c.message));
      CHECK(got[2].rfind("CN-2025-003 ", 0) == 0);
    }
  }

  TEST_CASE("inputs.check_utf8 finds each kind of bad sequence where it is, in long lines too") {
    // The SIMD fast path decides clean text; these must all still be found and placed. Each bad
    // piece is tried at the start, inside a 100-byte clean stretch and at the end, so that it
    // falls inside and across the fast path's blocks.
    struct Case {
      std::string bad;
      std::string what;
    };
    const std::vector<Case> cases = {
        {"\xFF", "invalid UTF-8 byte 0xff"},
        {"\xC0\xAF", "invalid UTF-8 byte 0xc0"},          // overlong '/'
        {"\xED\xA0\x80", "invalid UTF-8 byte 0xed"},      // a surrogate
        {"\xF4\x90\x80\x80", "invalid UTF-8 byte 0xf4"},  // past U+10FFFF
        {"\xE5\xBA", "invalid UTF-8 byte 0xe5"},          // cut off by the end or a letter
        {"\x80", "invalid UTF-8 byte 0x80"},              // a lone continuation byte
        {std::string(1, '\0'), "a NUL byte"},
        {"\xEF\xBB\xBF", "a byte order mark (U+FEFF)"},
    };
    const std::string clean = "合成企业，" + std::string(85, 'a');  // 100 bytes, fullwidth comma
    CHECK(!smedx::detail::check_utf8(clean));
    CHECK(!smedx::detail::check_utf8(""));
    for (const auto& c : cases) {
      for (const std::size_t at : {std::size_t{0}, std::size_t{61}, clean.size()}) {
        CAPTURE(c.what);
        CAPTURE(at);
        std::string text = clean;
        text.insert(at, c.bad);
        const auto problem = smedx::detail::check_utf8(text);
        REQUIRE(problem);
        CHECK(problem->what == c.what);
        CHECK(problem->offset == at);
      }
    }
  }

  TEST_CASE("inputs.utf8_valid_prefix ends where a walk sequence by sequence ends") {
    // The SIMD check takes a sample up to its last character; the walk does the rest, or all of
    // it when the check fails. Bad and cut pieces at every offset around the 64-byte blocks of
    // the check and at the end must give what the plain walk gives.
    auto walk = [](std::string_view text) {
      const auto* p = reinterpret_cast<const unsigned char*>(text.data());
      std::size_t i = 0;
      while (i < text.size()) {
        bool cut = false;
        const std::size_t len = smedx::detail::utf8_sequence(p + i, text.size() - i, cut);
        if (cut) return text.size();
        if (len == 0) return i;
        i += len;
      }
      return i;
    };
    const std::vector<std::string> pieces = {
        "\xFF",
        "\xC0\xAF",
        "\xED\xA0\x80",
        "\xF4\x90\x80\x80",
        "\x80",
        "\xE5\xBA",
        "\xF0\x9F\x98",
        "\xE5",  // lead bytes alone: cut when they end the text, bad before anything else
        "企",    // well-formed: only moves what follows
        std::string(1, '\0'),
    };
    const std::string clean = "合成企业，" + std::string(121, 'a') + "示范区";  // 145 bytes
    CHECK(smedx::detail::utf8_valid_prefix(clean) == clean.size());
    CHECK(smedx::detail::utf8_valid_prefix("") == 0);
    for (const auto& piece : pieces) {
      for (std::size_t at = 0; at <= clean.size(); ++at) {
        for (const std::size_t keep : {clean.size() + piece.size(), at + piece.size()}) {
          CAPTURE(piece);
          CAPTURE(at);
          CAPTURE(keep);
          std::string text = clean;
          text.insert(at, piece);
          text.resize(keep);  // the whole, or cut just after the piece
          CHECK(smedx::detail::utf8_valid_prefix(text) == walk(text));
        }
      }
    }
  }

  TEST_CASE("inputs.a JSON file in GB18030 reads, a bad byte in it names line and offset") {
    const std::string survey = read(SMEDX_SOURCE_DIR "/examples/surveys/chem-01-huaxin.json");
    REQUIRE(!survey.empty());
    const auto utf8 = records(survey, smedx::InputFormat::json);
    REQUIRE(utf8.size() == 1);
    std::string bad = survey;
    const std::size_t at = bad.find("华信");
    bad[at] = '\xff';
    const auto line = 1 + std::count(bad.begin(), bad.begin() + static_cast<long>(at), '\n');
    const auto got = records(bad, smedx::InputFormat::json);
    CHECK(got[0] == fmt::format(": invalid UTF-8 byte 0xff on line {} at byte offset {} (line {})",
                                line, at, line));
  }
}

TEST_SUITE("inputs") {
  // The first cohort row with its funding (M4, bands [0,10] (10,20] ...) cell replaced.
  std::string with_funding(const std::string& cell) {
    auto lines = cohort_lines();
    lines.resize(2);
    std::vector<std::string> cells;
    std::istringstream row(lines[1]);
    for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
    cells[14] = cell;  // the header's 15th column is funding
    std::string out = lines[0] + "\n";
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    return out + "\n";
  }

  // The option letters the funding item was scored as.
  std::string funding(const smedx::Assessment& a) {
    for (const auto& i : a.items)
      if (i.id == "funding") return std::string(i.letters.begin(), i.letters.end());
    return "?";
  }

  smedx::Assessment score_csv(const std::string& csv) {
    std::istringstream in(csv);
    std::ostringstream out;
    std::vector<smedx::Assessment> got;
    smedx::score_stream(
        engine(), in, "p.csv", smedx::InputFormat::csv,
        [&](const smedx::ScoredRecord& r) {
          got.push_back(r.assessment());
          return std::string();
        },
        out, smedx::BatchOptions{.threads = 1});
    REQUIRE(got.size() == 1);
    return got[0];
  }

  TEST_CASE("inputs.a percentage written as \"72.5%\" reads as 72.5") {
    REQUIRE(cohort_lines()[0].find(",funding,") != std::string::npos);
    const auto plain = score_csv(with_funding("72.5"));
    const auto sign = score_csv(with_funding("72.5%"));
    REQUIRE(plain.ok());
    REQUIRE(sign.ok());
    CHECK(sign.total == plain.total);
    CHECK(funding(sign) == "E");
    CHECK(funding(plain) == "E");
    CHECK(sign.warnings.size() == plain.warnings.size());
    // JSON: the same text as a string.
    const std::string json = read(SMEDX_SOURCE_DIR "/examples/surveys/chem-01-huaxin.json");
    const auto at = json.find("\"funding\":");
    REQUIRE(at != std::string::npos);
    const auto end = json.find_first_of(",\n}", at);
    auto with = [&](const std::string& v) {
      const auto p =
          smedx::parse_survey_json(json.substr(0, at) + "\"funding\": " + v + json.substr(end));
      REQUIRE(p.survey);
      return engine().score(*p.survey);
    };
    CHECK(with("\"72.5%\"").total == with("72.5").total);
    CHECK(funding(with("\"5%\"")) == "A");
    CHECK(funding(with("\"12.5%\"")) == "B");
    CHECK(with("\"12.5 %\"").total == with("12.5").total);
  }

  TEST_CASE("inputs.a band percentage of at most 1 is read as it says, with a warning") {
    const auto a = score_csv(with_funding("0.725"));
    REQUIRE(a.ok());
    CHECK(funding(a) == "A");  // 0.725 %: the first band
    std::vector<std::string> warnings;
    for (const auto& w : a.warnings) warnings.push_back(w.message);
    REQUIRE(!warnings.empty());
    CHECK(warnings[0] ==
          "percentage 0.725 for item 'funding' read as 0.725%; if it is a share (72.5%), write "
          "72.5 or \"72.5%\"");
    CHECK(a.warnings[0].path == "answers.funding");
    CHECK(score_csv(with_funding("0.725%")).warnings.size() == a.warnings.size() - 1);
    CHECK(score_csv(with_funding("0")).warnings.size() == a.warnings.size() - 1);
    CHECK(score_csv(with_funding("1")).warnings[0].message ==
          "percentage 1 for item 'funding' read as 1%; if it is a share (100%), write 100 or "
          "\"100%\"");
    CHECK(score_csv(with_funding("0.05")).warnings[0].message ==
          "percentage 0.05 for item 'funding' read as 0.05%; if it is a share (5%), write 5 or "
          "\"5%\"");
  }
}

TEST_SUITE("inputs") {
  TEST_CASE("inputs.two rows with a stray quote in the same column are not joined into one") {
    // Joined, the second row's quote would close the first's and the fields would add up to the
    // header's: the quote that closes is followed by a name, not a comma, so it is an opening.
    auto lines = cohort_lines();
    lines.resize(5);
    for (int k : {2, 3}) lines[k].replace(lines[k].find(','), 1, ",\"");
    smedx::BatchSummary summary;
    const auto got = records(join(lines), smedx::InputFormat::csv, &summary);
    REQUIRE(got.size() == 4);
    CHECK(got[0] == "CN-2025-001 4 91.85");
    CHECK(got[1] ==
          ": malformed CSV row: a quoted field opened at column 13 is not closed on this line "
          "(line 3)");
    CHECK(got[2] ==
          ": malformed CSV row: a quoted field opened at column 13 is not closed on this line "
          "(line 4)");
    CHECK(got[3].rfind("CN-2025-004 ", 0) == 0);
  }

  TEST_CASE("inputs.a stray quote closed by a quote in the next row's name does not merge them") {
    // `"华信 6 pipe` then `岚峰 6"`: joined, the quote would close before a comma and the fields
    // add up to the header's; but the next line is a whole row on its own, another enterprise.
    auto lines = cohort_lines();
    lines.resize(4);
    lines[1].replace(lines[1].find("华信高分子新材料有限公司"),
                     std::string("华信高分子新材料有限公司").size(), "\"华信 6 pipe");
    lines[2].replace(lines[2].find("岚峰氟材料科技有限公司"),
                     std::string("岚峰氟材料科技有限公司").size(), "岚峰 6\"");
    smedx::BatchSummary summary;
    const auto got = records(join(lines), smedx::InputFormat::csv, &summary);
    REQUIRE(got.size() == 3);
    CHECK(summary.errors == 1);
    CHECK(got[0] ==
          ": malformed CSV row: a quoted field opened at column 13 is not closed on this line "
          "(line 2)");
    CHECK(got[1].rfind("CN-2025-002 ", 0) == 0);
    CHECK(got[2].rfind("CN-2025-003 ", 0) == 0);
  }
}
