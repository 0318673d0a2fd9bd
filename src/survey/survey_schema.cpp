// The survey format of a rule set as a JSON Schema (draft 2020-12), from the rule-set model.
// Option letters become consts titled with their published wording, so one schema serves both
// to validate a survey and to render its form.
#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "smedx/rules.h"
#include "smedx/survey_schema.h"

namespace smedx {

namespace {

using detail::Writer;

// The option letters of an item as a "oneOf" of consts, each with its wording and points.
void option_consts(Writer& w, const Item& item) {
  w.key("oneOf");
  w.open('[');
  for (const auto& o : item.options) {
    w.item_sep();
    w.open('{');
    w.key("const");
    w.letter(o.letter);
    w.str("title", o.zh);
    if (!o.en.empty()) w.str("description", o.en);
    w.raw("x-points", o.points.to_string());
    w.close('}');
  }
  w.close(']');
}

void item_schema(Writer& w, const Item& item) {
  w.open('{');
  w.str("title", item.zh);
  w.str("description", item.question);
  w.str("x-code", item.code);
  w.str("x-kind", to_string(item.kind));
  w.raw("x-max", item.max.to_string());
  switch (item.kind) {
    case ItemKind::single:
      w.str("type", "string");
      option_consts(w, item);
      break;
    case ItemKind::multi: {
      w.str("type", "array");
      w.raw("minItems", "1");
      w.raw("uniqueItems", "true");
      w.key("items");
      w.open('{');
      w.str("type", "string");
      option_consts(w, item);
      w.close('}');
      // The none option (无) stands alone.
      for (const auto& o : item.options) {
        if (!o.none) continue;
        w.key("if");
        w.open('{');
        w.key("contains");
        w.open('{');
        w.key("const");
        w.letter(o.letter);
        w.close('}');
        w.close('}');
        w.raw("then", R"({"maxItems":1})");
        break;
      }
      break;
    }
    case ItemKind::band: {
      // A letter, a percentage as a number within the bands, or as text ending in '%'.
      w.key("anyOf");
      w.open('[');
      w.item_sep();
      w.open('{');
      w.str("type", "string");
      option_consts(w, item);
      w.close('}');
      w.item_sep();
      w.open('{');
      w.str("type", "number");
      w.raw("minimum", item.options.front().lower.to_string());
      w.raw("maximum", item.options.back().upper.to_string());
      w.close('}');
      w.item_sep();
      w.out += R"({"type":"string","pattern":"^[0-9]+(\\.[0-9]+)?%$"})";
      w.close(']');
      break;
    }
    case ItemKind::trend: {
      // A letter, or the figures before and after; the change decides the option.
      w.str("x-better", to_string(item.better));
      w.raw("x-tolerance", item.tolerance.to_string());
      w.key("anyOf");
      w.open('[');
      w.item_sep();
      w.open('{');
      w.str("type", "string");
      option_consts(w, item);
      w.close('}');
      w.item_sep();
      w.out += R"({"type":"object","required":["before","after"],"additionalProperties":false,)"
               R"("properties":{"before":{"type":"number","exclusiveMinimum":0},)"
               R"("after":{"type":"number","minimum":0}}})";
      w.close(']');
      break;
    }
  }
  w.close('}');
}

void scenario_schema(Writer& w, const Scenario& s) {
  w.open('{');
  w.str("title", s.zh);
  w.str("x-code", s.code);
  w.raw("x-constraint", s.constraint ? "true" : "false");
  w.str("type", "integer");
  w.raw("minimum", "0");
  w.raw("maximum", std::to_string(s.levels.size()));
  w.key("oneOf");
  w.open('[');
  w.item_sep();
  w.out += R"({"const":0,"title":"未达到一级"})";
  for (std::size_t k = 0; k < s.levels.size(); ++k) {
    w.item_sep();
    w.open('{');
    w.raw("const", std::to_string(k + 1));
    w.str("title", s.levels[k].zh);
    w.close('}');
  }
  w.close(']');
  w.close('}');
}

// An object whose keys are ids or codes: each thing once, by either name, and all required.
template <typename Things>
void keyed_by_id_or_code(Writer& w, std::string_view title, const Things& things,
                         std::string_view def_prefix) {
  w.open('{');
  w.str("title", title);
  w.str("type", "object");
  w.key("properties");
  w.open('{');
  for (const auto* t : things) {
    const std::string ref =
        std::string(R"({"$ref":"#/$defs/)") + std::string(def_prefix) + t->id + "\"}";
    w.raw(t->id, ref);
    if (!t->code.empty() && t->code != t->id) w.raw(t->code, ref);
  }
  w.close('}');
  w.raw("additionalProperties", "false");
  w.key("allOf");
  w.open('[');
  for (const auto* t : things) {
    w.item_sep();
    w.open('{');
    w.key("anyOf");
    w.open('[');
    w.item_sep();
    w.open('{');
    w.strings("required", std::initializer_list<std::string_view>{t->id});
    w.close('}');
    if (!t->code.empty() && t->code != t->id) {
      w.item_sep();
      w.open('{');
      w.strings("required", std::initializer_list<std::string_view>{t->code});
      w.close('}');
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.key("dependentSchemas");
  w.open('{');
  for (const auto* t : things) {
    if (t->code.empty() || t->code == t->id) continue;
    w.key(t->id);
    w.open('{');
    w.key("not");
    w.open('{');
    w.strings("required", std::initializer_list<std::string_view>{t->code});
    w.close('}');
    w.close('}');
  }
  w.close('}');
  w.close('}');
}

}  // namespace

std::string survey_json_schema(const RuleSet& rules) {
  Writer w;
  w.open('{');
  w.str("$schema", "https://json-schema.org/draft/2020-12/schema");
  w.str("$id", "urn:smedx:" + rules.meta.id + ":" + rules.meta.version + ":survey");
  w.str("title", rules.meta.title);
  w.str("description", rules.meta.title_en);
  w.str("type", "object");
  w.strings("required",
            std::initializer_list<std::string_view>{"enterprise", "answers", "scenarios"});
  w.raw("additionalProperties", "false");
  w.key("properties");
  w.open('{');
  // Enterprise fields other than the id pass through as text, whatever their JSON type.
  w.raw("enterprise",
        R"({"title":"企业信息","type":"object","required":["id"],"properties":{)"
        R"("id":{"title":"企业编号","type":"string","minLength":1},"name":{"title":"企业名称"},)"
        R"("industry":{"title":"所属行业"},"district":{"title":"所在区县"}}})");
  w.key("answers");
  keyed_by_id_or_code(w, "评测指标", rules.items(), "item_");
  w.key("scenarios");
  std::vector<const Scenario*> scenarios;
  for (const auto& s : rules.scenarios) scenarios.push_back(&s);
  keyed_by_id_or_code(w, rules.operations_zh, scenarios, "scenario_");
  w.close('}');
  w.key("$defs");
  w.open('{');
  for (const auto* item : rules.items()) {
    w.key("item_" + item->id);
    item_schema(w, *item);
  }
  for (const auto& s : rules.scenarios) {
    w.key("scenario_" + s.id);
    scenario_schema(w, s);
  }
  w.close('}');
  w.close('}');
  return std::move(w.out);
}

}  // namespace smedx
