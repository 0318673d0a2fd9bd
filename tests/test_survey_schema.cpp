// The questionnaire for other programs (smedx/survey_schema.h): the JSON Schema and the form are
// well-formed JSON that follow the rule-set model, item by item and option by option.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>
#include <string_view>

#include "smedx/load.h"
#include "smedx/survey_schema.h"

namespace {

const smedx::RuleSet& rules() {
  static const smedx::LoadResult loaded =
      smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024");
  return loaded.rules();
}

std::string_view str(simdjson::dom::element e) { return e.get_string().value(); }

}  // namespace

TEST_SUITE("survey schema") {
  TEST_CASE("the schema is one line of JSON Schema 2020-12 naming every item by id and code") {
    const std::string text = smedx::survey_json_schema(rules());
    CHECK(text.find('\n') == std::string::npos);
    simdjson::dom::parser parser;
    const simdjson::dom::element schema = parser.parse(text);
    CHECK(str(schema["$schema"]) == "https://json-schema.org/draft/2020-12/schema");
    CHECK(str(schema["title"]) == rules().meta.title);
    const auto answers = schema["properties"]["answers"]["properties"].get_object().value();
    CHECK(answers.size() == 2 * rules().items().size());
    for (const auto* item : rules().items()) {
      CAPTURE(item->id);
      CHECK(str(answers[item->id]["$ref"]) == "#/$defs/item_" + item->id);
      CHECK(str(answers[item->code]["$ref"]) == "#/$defs/item_" + item->id);
      const auto def = schema["$defs"]["item_" + item->id];
      CHECK(str(def["title"]) == item->zh);
      CHECK(str(def["description"]) == item->question);
    }
    const auto scenarios = schema["properties"]["scenarios"]["properties"].get_object().value();
    CHECK(scenarios.size() == 2 * rules().scenarios.size());
  }

  TEST_CASE("an option is a const titled with its published wording and carrying its points") {
    simdjson::dom::parser parser;
    const std::string text = smedx::survey_json_schema(rules());
    const auto def = parser.parse(text)["$defs"]["item_information_systems"];
    const smedx::Item& item = *rules().find_item("information_systems");
    const auto options = def["oneOf"].get_array().value();
    REQUIRE(options.size() == item.options.size());
    std::size_t k = 0;
    for (const auto o : options) {
      CHECK(str(o["const"]) == std::string(1, item.options[k].letter));
      CHECK(str(o["title"]) == item.options[k].zh);
      ++k;
    }
    // A scenario's levels are its published level texts, 0 to the top.
    const auto quality = parser.parse(text)["$defs"]["scenario_quality"];
    CHECK(quality["maximum"].get_int64().value() == 4);
    CHECK(str(quality["oneOf"].at(1)["title"]) == rules().find_scenario("quality")->levels[0].zh);
  }

  TEST_CASE("the form lists sections, items with their options and evidence, and scenarios") {
    const std::string text = smedx::questionnaire_json(rules());
    simdjson::dom::parser parser;
    const simdjson::dom::element form = parser.parse(text);
    CHECK(str(form["id"]) == "miit-2024");
    const auto sections = form["sections"].get_array().value();
    CHECK(sections.size() == rules().dimensions.size());
    std::size_t items = 0, scenarios = 0;
    for (const auto d : sections)
      for (const auto s : d["sub_indicators"].get_array())
        for (const auto i : s["items"].get_array()) {
          const smedx::Item& item = *rules().find_item(str(i["id"]));
          CHECK(i["options"].get_array().size() == item.options.size());
          CHECK(i["evidence"].get_array().size() == item.evidence.size());
          ++items;
        }
    for (const auto g : form["scenarios"]["groups"].get_array())
      scenarios += g["scenarios"].get_array().size();
    scenarios += form["scenarios"]["ungrouped"].get_array().size();
    CHECK(items == rules().items().size());
    CHECK(scenarios == rules().scenarios.size());
  }
}
