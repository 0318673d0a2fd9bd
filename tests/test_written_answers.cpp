// Answers as people write them (answer_text.h): the option's wording, lower-case and full-width
// letters, the separators a person types, a trend item's two figures in two columns, an
// industry by its Chinese name. Each is read as the letter form is, in CSV and JSON alike.
#include <doctest/doctest.h>

#include <sstream>

#include "smedx/batch.h"
#include "support.h"

namespace {

const smedx::Engine& engine() { return smedx::test::miit2024(); }

std::vector<smedx::CodedSurvey> code_csv(const std::string& csv) {
  std::vector<smedx::CodedSurvey> out;
  std::istringstream in(csv);
  smedx::visit_stream(engine(), in, "t.csv", smedx::InputFormat::csv,
                      [&](const smedx::CodedSurvey& s) { out.push_back(s); }, {});
  return out;
}

smedx::CodedSurvey code_json(const std::string& json) {
  smedx::CodedSurvey out;
  engine().code_json(json, smedx::Location{"t.json", 1, 0}, smedx::MissingPolicy::error, out);
  return out;
}

std::string field(const smedx::CodedSurvey& s, std::string_view key) {
  for (const auto& [k, v] : s.enterprise)
    if (k == key) return v;
  return "";
}

std::string messages(const smedx::CodedSurvey& s) {
  std::string out;
  for (const auto& e : s.errors) out += e.message + "\n";
  return out;
}

// CN-2025-002 of the example cohort, by letters and as a person writes it.
const std::string header =
    "enterprise_id,name,industry,district,network,equipment_digitization,equipment_networking,"
    "data_collection,information_systems,network_security,data_security,planning,mechanisms,"
    "talent,funding,{R1},pass_rate,revenue_per_employee,cost_per_revenue,product_design,"
    "process_design,marketing,after_sales,planning_scheduling,production_control,quality,"
    "equipment,safety,energy,procurement,warehousing_logistics,finance,human_resources,"
    "collaborative_office,decision_support\n";
const std::string scenarios = "1,3,2,1,2,3,3,3,4,3,2,3,3,2,3,2";

std::string table(std::string_view r1_columns, std::string_view row) {
  std::string h = header;
  h.replace(h.find("{R1}"), 4, r1_columns);
  return h + std::string(row) + "\n";
}

}  // namespace

TEST_SUITE("written answers") {
  TEST_CASE("written.wording, separators, full width and lower case read as the letters") {
    const auto letters = code_csv(table(
        "energy_intensity",
        "CN-2025-002,岚峰,chem_new_materials,临港区,B|C,54.2,46,G|H|I|J|K|L|M|N,D,B|C|D,B|C,E,"
        "B|C|D,B|D,8.6,C,C,C,B," +
            scenarios));
    const auto written = code_csv(table(
        "R1.before,R1.after",
        "CN-2025-002,岚峰,特色化工新材料制造,临港区,\"b、 c\",54.2,46,\"Ｇ，Ｈ，I，J；K;L|M | "
        "n\",绝大部分业务环节,\"B,C,D\",B；C,e,\"B、C、D\",\"B（配备专职/"
        "兼职的数字化人才）|D\",8.6,0.386,0.352,"
        "C（增加）,c,B," +
            scenarios));
    REQUIRE(letters.size() == 1);
    REQUIRE(written.size() == 1);
    CHECK(messages(letters[0]) == "");
    CHECK(messages(written[0]) == "");
    CHECK(written[0].selected == letters[0].selected);
    CHECK(written[0].levels == letters[0].levels);
    CHECK(field(written[0], "industry") == "chem_new_materials");
  }

  TEST_CASE("written.JSON strings and lists are read as CSV cells are") {
    const auto plain = code_json(
        smedx::test::read_file(SMEDX_SOURCE_DIR "/examples/surveys/parts-03-jingrui.json"));
    std::string text =
        smedx::test::read_file(SMEDX_SOURCE_DIR "/examples/surveys/parts-03-jingrui.json");
    auto swap = [&](std::string_view from, std::string_view to) {
      const auto at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), to);
    };
    swap("\"information_systems\": \"C\"", "\"information_systems\": \"多个业务环节\"");
    swap("\"network\": [\"B\", \"C\"]", "\"network\": \"B、C\"");
    swap("\"planning\": \"D\"", "\"planning\": \"d\"");
    swap("\"equipment_parts\"", "\"特色装备零部件加工制造\"");
    const auto written = code_json(text);
    CHECK(messages(plain) == "");
    CHECK(messages(written) == "");
    CHECK(written.selected == plain.selected);
    CHECK(field(written, "industry") == "equipment_parts");
  }

  TEST_CASE("written.a part that names no option is an error with the option it may mean") {
    const auto rows = code_csv(table(
        "energy_intensity",
        "CN-2025-002,岚峰,chem_new_materials,临港区,B|C|Q,54.2,46,G|H,多个业务,B|C|D,B|C,E,B|C|D,"
        "B|D,8.6,C,C,C,B," +
            scenarios));
    REQUIRE(rows.size() == 1);
    CHECK(messages(rows[0]) ==
          "unknown option 'Q' for item 'network' (valid: A–E)\n"
          "unknown option '多个业务' for item 'information_systems' (valid: A–E; did you mean "
          "C（多个业务环节（2个及以上））?)\n");
    // One figure of two: an error of the row.
    const auto half = code_csv(table(
        "R1.before",
        "CN-2025-002,岚峰,chem_new_materials,临港区,B|C,54.2,46,G|H,C,B|C|D,B|C,E,B|C|D,B|D,8.6,"
        "0.386,C,C,B," +
            scenarios));
    REQUIRE(half.size() == 1);
    CHECK(messages(half[0]) == "'R1.before' has a before figure but no after figure\n");
  }

  TEST_CASE("written.a row says every problem at once, cells that do not read included") {
    const auto rows = code_csv(table(
        "R1.before",
        "CN-2025-002,岚峰,chem_new_materials,临港区,B|Q,54.2,46,G|H,C,B|C|D,B|C,E,B|C|D,B|D,8.6,"
        "0.386,C,C,B,1,3,seven,1,2,3,3,3,4,3,2,3,3,2,3,9"));
    REQUIRE(rows.size() == 1);
    CHECK(messages(rows[0]) ==
          "expected a whole-number scenario level for 'marketing', got 'seven'\n"
          "'R1.before' has a before figure but no after figure\n"
          "unknown option 'Q' for item 'network' (valid: A–E)\n"
          "scenario level 9 for 'decision_support' is outside 0–4\n");
  }
}
