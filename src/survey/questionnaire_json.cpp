// The questionnaire of a rule set as a form description: what a platform shows an enterprise,
// in the published wording, with the evidence to prepare. Straight from the rule-set model.
#include <string>

#include "common/json_writer.h"
#include "smedx/rules.h"
#include "smedx/survey_schema.h"

namespace smedx {

namespace {

using detail::Writer;

void option_json(Writer& w, const Item& item, const Option& o) {
  w.open('{');
  w.key("letter");
  w.letter(o.letter);
  w.str("zh", o.zh);
  if (!o.en.empty()) w.str("en", o.en);
  w.raw("points", o.points.to_string());
  if (item.kind == ItemKind::multi) w.raw("none", o.none ? "true" : "false");
  if (item.kind == ItemKind::band)
    w.raw("range", "[" + o.lower.to_string() + "," + o.upper.to_string() + "]");
  if (o.trend) w.str("trend", to_string(*o.trend));
  if (!o.scenario.empty()) w.str("scenario", o.scenario);
  w.close('}');
}

void item_json(Writer& w, const Item& item) {
  w.open('{');
  w.str("id", item.id);
  w.str("code", item.code);
  w.str("zh", item.zh);
  w.str("en", item.en);
  w.str("question", item.question);
  w.str("question_en", item.question_en);
  w.str("kind", to_string(item.kind));
  w.raw("max", item.max.to_string());
  if (item.kind == ItemKind::trend) {
    w.str("better", to_string(item.better));
    w.raw("tolerance", item.tolerance.to_string());
  }
  w.key("options");
  w.open('[');
  for (const auto& o : item.options) {
    w.item_sep();
    option_json(w, item, o);
  }
  w.close(']');
  w.strings("evidence", item.evidence);
  w.close('}');
}

void scenario_json(Writer& w, const Scenario& s) {
  w.open('{');
  w.str("id", s.id);
  w.str("code", s.code);
  w.str("zh", s.zh);
  w.str("en", s.en);
  w.raw("constraint", s.constraint ? "true" : "false");
  w.key("levels");
  w.open('[');
  for (std::size_t k = 0; k < s.levels.size(); ++k) {
    const auto& l = s.levels[k];
    w.item_sep();
    w.open('{');
    w.raw("level", std::to_string(k + 1));
    w.str("zh", l.zh);
    w.str("zh_short", l.short_zh());
    w.str("en", l.en);
    w.strings("evidence", l.evidence);
    w.close('}');
  }
  w.close(']');
  w.close('}');
}

}  // namespace

std::string questionnaire_json(const RuleSet& rules) {
  Writer w;
  w.open('{');
  w.str("id", rules.meta.id);
  w.str("version", rules.meta.version);
  w.str("title", rules.meta.title);
  w.str("title_en", rules.meta.title_en);
  w.str("issued_by", rules.meta.issued_by);
  w.str("issued", rules.meta.issued);
  w.str("source", rules.meta.source);
  w.key("sections");
  w.open('[');
  for (const auto& d : rules.dimensions) {
    w.item_sep();
    w.open('{');
    w.str("id", d.id);
    w.str("code", d.code);
    w.str("zh", d.zh);
    w.str("en", d.en);
    w.raw("max", d.max.to_string());
    w.key("sub_indicators");
    w.open('[');
    for (const auto& s : d.sub_indicators) {
      w.item_sep();
      w.open('{');
      w.str("id", s.id);
      w.str("code", s.code);
      w.str("zh", s.zh);
      w.str("en", s.en);
      w.raw("max", s.max.to_string());
      w.key("items");
      w.open('[');
      for (const auto& item : s.items) {
        w.item_sep();
        item_json(w, item);
      }
      w.close(']');
      w.close('}');
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.key("scenarios");
  w.open('{');
  w.str("zh", rules.operations_zh);
  w.str("en", rules.operations_en);
  w.key("groups");
  w.open('[');
  for (const auto& g : rules.groups) {
    w.item_sep();
    w.open('{');
    w.str("id", g.id);
    w.str("zh", g.zh);
    w.str("en", g.en);
    w.key("scenarios");
    w.open('[');
    for (const auto& s : rules.scenarios) {
      if (s.group != g.id) continue;
      w.item_sep();
      scenario_json(w, s);
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  // Scenarios outside any group (a rule set need not group them).
  w.key("ungrouped");
  w.open('[');
  for (const auto& s : rules.scenarios) {
    bool grouped = false;
    for (const auto& g : rules.groups) grouped = grouped || s.group == g.id;
    if (grouped) continue;
    w.item_sep();
    scenario_json(w, s);
  }
  w.close(']');
  w.close('}');
  w.key("level_rule");
  w.open('{');
  w.str("no_level_zh", rules.level_rule.no_level_zh);
  w.key("levels");
  w.open('[');
  for (const auto& l : rules.level_rule.levels) {
    w.item_sep();
    w.open('{');
    w.raw("level", std::to_string(l.level));
    w.str("zh", l.zh);
    w.str("en", l.en);
    w.raw("min_points", l.min_points.to_string());
    w.raw("min_scenarios", std::to_string(l.min_scenarios));
    w.raw("min_constraint", std::to_string(l.min_constraint));
    w.close('}');
  }
  w.close(']');
  w.close('}');
  w.close('}');
  return std::move(w.out);
}

}  // namespace smedx
