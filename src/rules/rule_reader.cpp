#include "rules/rule_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "common/did_you_mean.h"
#include "yaml/walker.h"

namespace smedx::detail {

namespace {

using Kind = YamlNode::Kind;

class Reader : Walker {
 public:
  Reader(const LoadLimits& limits, SourceTable& sources, std::vector<Issue>& issues)
      : Walker(issues, &sources), limits_(limits) {}

  void read(const std::vector<TopLevel>& tops, const std::string& origin, RuleSet& out);

 private:
  std::optional<char> letter_of(const YamlNode& v, std::string_view key, const Path& p) {
    if (v.kind == Kind::scalar && v.value.size() == 1 && v.value[0] >= 'A' && v.value[0] <= 'Z')
      return v.value[0];
    error(v, p, fmt::format("expected an option letter A-Z for '{}', got {}", key, describe(v)));
    return std::nullopt;
  }

  void check_code(const YamlNode& n, const Path& p) {
    const YamlNode* v = n.find("code");
    if (!v || v->kind != Kind::scalar) return;
    auto [it, fresh] = codes_.emplace(v->value, Location{file(), v->line, v->column});
    if (!fresh) {
      error(*v, p.key("code"),
            fmt::format("duplicate code '{}' (first defined at {}:{}:{})", v->value,
                        it->second.file, it->second.line, it->second.column));
    }
  }

  // --- the parts of a rule set ---
  void read_metadata(const YamlNode& n, const Path& p, Metadata& m);
  template <typename Part>
  void read_part(const YamlNode& n, const Path& p, Part& part);
  void read_dimension(const YamlNode& n, const Path& p, Dimension& d);
  void read_sub_indicator(const YamlNode& n, const Path& p, SubIndicator& s);
  void read_item(const YamlNode& n, const Path& p, Item& item);
  void read_option(const YamlNode& n, const Path& p, std::optional<ItemKind> kind, Option& o);
  void read_scenario(const YamlNode& n, const Path& p, Scenario& s);
  void read_level_rule(const YamlNode& n, const Path& p, LevelRule& r);
  void read_consistency(const YamlNode& n, const Path& p, ConsistencyRule& r);
  void read_diagnosis(const YamlNode& n, const Path& p, DiagnosisSettings& d);
  void read_profile(const YamlNode& n, const Path& p, IndustryProfile& profile);
  Condition read_condition(const YamlNode& n, const Path& p);

  const LoadLimits& limits_;
  std::size_t item_count_ = 0;
  IdSet dimension_ids_, sub_ids_, element_ids_, group_ids_, rule_ids_, note_ids_;
  std::map<std::string, Location> codes_;
};

void Reader::read(const std::vector<TopLevel>& tops, const std::string& origin, RuleSet& out) {
  static const Keys top_keys = {"ruleset",   "dimensions", "operations", "scenario_groups",
                                "scenarios", "level_rule", "consistency"};
  static const Keys required = {"ruleset",         "dimensions", "operations",
                                "scenario_groups", "scenarios",  "level_rule"};
  std::map<std::string, Location> seen;
  // Scenarios are read before items' cross references matter; order of reading does not
  // affect the model, which is checked as a whole by the validator.
  for (const auto& top : tops) {
    set_file(top.file);
    const YamlNode& k = *top.key;
    const Path root;
    if (k.kind != Kind::scalar) {
      error(k, root, fmt::format("expected a key name at the top level, got {}", k.kind_name()));
      continue;
    }
    auto [it, fresh] = seen.emplace(k.value, Location{file(), k.line, k.column});
    if (!fresh && k.value != "profile") {  // each industries/*.yaml file holds one profile
      error(k, root.key(k.value),
            fmt::format("top-level key '{}' is defined twice (first at {}:{}:{})", k.value,
                        it->second.file, it->second.line, it->second.column));
      continue;
    }
    const YamlNode& v = *top.value;
    const std::string& key = k.value;
    record(root.key(key), v);
    if (key == "ruleset") {
      read_metadata(v, root.key("ruleset"), out.meta);
    } else if (key == "dimensions") {
      out.dimensions = read_sequence<Dimension>(
          v, "dimensions", root, "dimensions", "dimension", &dimension_ids_,
          [&](const YamlNode& e, const Path& p, Dimension& d) { read_dimension(e, p, d); });
    } else if (key == "operations") {
      if (check_map(v, root.key("operations"), "operations", {"zh", "en"}, {"zh"})) {
        out.operations_zh = text(v, "zh", root.key("operations"));
        out.operations_en = text(v, "en", root.key("operations"));
      }
    } else if (key == "scenario_groups") {
      out.groups = read_sequence<ScenarioGroup>(
          v, "scenario_groups", root, "scenario_groups", "scenario group", &group_ids_,
          [&](const YamlNode& e, const Path& p, ScenarioGroup& g) {
            if (!check_map(e, p, "a scenario group", {"id", "zh", "en"}, {"id", "zh"})) return;
            g.id = text(e, "id", p);
            g.zh = text(e, "zh", p);
            g.en = text(e, "en", p);
          });
    } else if (key == "scenarios") {
      out.scenarios = read_sequence<Scenario>(
          v, "scenarios", root, "scenarios", "scenario", &element_ids_,
          [&](const YamlNode& e, const Path& p, Scenario& s) { read_scenario(e, p, s); },
          limits_.max_scenarios);
    } else if (key == "level_rule") {
      read_level_rule(v, root.key("level_rule"), out.level_rule);
    } else if (key == "diagnosis") {
      read_diagnosis(v, root.key("diagnosis"), out.diagnosis);
    } else if (key == "profile") {
      const Path pp = root.element("profiles", out.profiles.size(), "profiles",
                                   v.kind == Kind::map && v.find("id") ? v.find("id")->value : "");
      out.profiles.emplace_back();
      read_profile(v, pp, out.profiles.back());
    } else if (key == "consistency") {
      out.consistency = read_sequence<ConsistencyRule>(
          v, "consistency", root, "consistency", "consistency rule", &rule_ids_,
          [&](const YamlNode& e, const Path& p, ConsistencyRule& r) { read_consistency(e, p, r); },
          limits_.max_rules);
    } else {
      const std::string hint = nearest(key, top_keys);
      error(k, root.key(key),
            hint.empty()
                ? fmt::format("unknown top-level key '{}'", key)
                : fmt::format("unknown top-level key '{}' (did you mean '{}'?)", key, hint));
    }
  }
  for (auto r : required) {
    if (seen.count(std::string(r))) continue;
    report(Issue{Severity::error, fmt::format("missing required top-level key '{}'", r), "",
                 Location{origin, 0, 0}, ""});
  }
}

void Reader::read_metadata(const YamlNode& n, const Path& p, Metadata& m) {
  if (!check_map(n, p, "ruleset",
                 {"id", "title", "title_en", "version", "issued_by", "issued", "source", "notes"},
                 {"id", "title", "version"}))
    return;
  m.id = text(n, "id", p);
  static const std::regex ruleset_id_re(R"([a-z0-9][a-z0-9-]*)");
  if (const YamlNode* v = n.find("id");
      v && !m.id.empty() && !std::regex_match(m.id, ruleset_id_re)) {
    error(*v, p.key("id"),
          fmt::format("invalid rule set id '{}': use lowercase letters, digits and '-'", m.id));
  }
  m.title = text(n, "title", p);
  m.title_en = text(n, "title_en", p);
  m.version = text(n, "version", p);
  m.issued_by = text(n, "issued_by", p);
  m.issued = text(n, "issued", p);
  static const std::regex date_re(R"(\d{4}-\d{2}-\d{2})");
  if (const YamlNode* d = n.find("issued");
      d && !m.issued.empty() && !std::regex_match(m.issued, date_re)) {
    error(*d, p.key("issued"),
          fmt::format("expected a date YYYY-MM-DD for 'issued', got '{}'", m.issued));
  }
  m.source = text(n, "source", p);
  m.notes = read_list<Note>(n, "notes", p, "", "note", &note_ids_,
                            [&](const YamlNode& e, const Path& ep, Note& note) {
                              if (!check_map(e, ep, "a note", {"id", "text"}, {"id", "text"}))
                                return;
                              note.id = text(e, "id", ep);
                              note.text = text(e, "text", ep);
                            });
}

// The keys a dimension and a sub-indicator share: id, code, labels, maximum.
template <typename Part>
void Reader::read_part(const YamlNode& n, const Path& p, Part& part) {
  check_code(n, p);
  part.id = text(n, "id", p);
  part.code = text(n, "code", p);
  part.zh = text(n, "zh", p);
  part.en = text(n, "en", p);
  part.max = number(n, "max", p).value_or(Decimal{});
}

void Reader::read_dimension(const YamlNode& n, const Path& p, Dimension& d) {
  if (!check_map(n, p, "a dimension", {"id", "code", "zh", "en", "max", "sub_indicators"},
                 {"id", "code", "zh", "max", "sub_indicators"}))
    return;
  read_part(n, p, d);
  d.sub_indicators = read_list<SubIndicator>(
      n, "sub_indicators", p, "sub_indicators", "sub-indicator", &sub_ids_,
      [&](const YamlNode& e, const Path& ep, SubIndicator& s) { read_sub_indicator(e, ep, s); });
}

void Reader::read_sub_indicator(const YamlNode& n, const Path& p, SubIndicator& s) {
  if (!check_map(n, p, "a sub-indicator", {"id", "code", "zh", "en", "max", "items"},
                 {"id", "code", "zh", "max", "items"}))
    return;
  read_part(n, p, s);
  s.items = read_list<Item>(
      n, "items", p, "items", "item", &element_ids_,
      [&](const YamlNode& e, const Path& ep, Item& item) {
        if (++item_count_ == limits_.max_items + 1) {
          error(e, ep, fmt::format("too many items (the limit is {})", limits_.max_items));
        }
        read_item(e, ep, item);
      });
}

void Reader::read_item(const YamlNode& n, const Path& p, Item& item) {
  if (!check_map(n, p, "an item",
                 {"id", "code", "zh", "en", "question", "question_en", "kind", "max", "options",
                  "evidence", "better", "tolerance"},
                 {"id", "code", "zh", "question", "kind", "max", "options"}))
    return;
  check_code(n, p);
  item.id = text(n, "id", p);
  item.code = text(n, "code", p);
  item.zh = text(n, "zh", p);
  item.en = text(n, "en", p);
  item.question = text(n, "question", p);
  item.question_en = text(n, "question_en", p);
  item.max = number(n, "max", p).value_or(Decimal{});
  item.evidence = texts(n, "evidence", p);

  const std::string kind = text(n, "kind", p);
  static const Keys kinds = {"single", "multi", "band", "trend"};
  // With an unknown kind, the kind-specific keys cannot be judged: skip them rather than
  // report each as misplaced.
  std::optional<ItemKind> known;
  if (kind == "single") {
    known = ItemKind::single;
  } else if (kind == "multi") {
    known = ItemKind::multi;
  } else if (kind == "band") {
    known = ItemKind::band;
  } else if (kind == "trend") {
    known = ItemKind::trend;
  } else if (const YamlNode* k = n.find("kind"); k && k->kind == Kind::scalar) {
    const std::string hint = nearest(kind, kinds);
    error(*k, p.key("kind"),
          fmt::format("unknown item kind '{}' (expected single, multi, band or trend{})", kind,
                      hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
  }

  if (!known) return;
  item.kind = *known;
  if (item.kind == ItemKind::trend) {
    if (!n.find("better")) error(n, p, "missing required key 'better' in a trend item");
    if (!n.find("tolerance")) error(n, p, "missing required key 'tolerance' in a trend item");
  }
  for (std::string_view only_trend : {"better", "tolerance"}) {
    if (const YamlNode* v = n.find(only_trend); v && item.kind != ItemKind::trend) {
      error(*v, p.key(only_trend),
            fmt::format("key '{}' is only for trend items (this item is {})", only_trend, kind));
    }
  }
  if (item.kind == ItemKind::trend) {
    const std::string better = text(n, "better", p);
    if (better == "lower") {
      item.better = Better::lower;
    } else if (better == "higher") {
      item.better = Better::higher;
    } else if (const YamlNode* b = n.find("better"); b && b->kind == Kind::scalar) {
      error(*b, p.key("better"),
            fmt::format("expected lower or higher for 'better', got '{}'", better));
    }
    item.tolerance = number(n, "tolerance", p).value_or(Decimal{});
  }

  const YamlNode* opts = field(n, "options", p);
  if (!opts || !is_sequence(*opts, "options", p.key("options"))) return;
  if (opts->items.size() > 26) {
    error(*opts, p.key("options"),
          fmt::format("too many options ({}; at most 26, A-Z)", opts->items.size()));
    return;
  }
  for (std::size_t i = 0; i < opts->items.size(); ++i) {
    Option o;
    read_option(opts->items[i], p.element("options", i), known, o);
    item.options.push_back(std::move(o));
  }
}

void Reader::read_option(const YamlNode& n, const Path& p, std::optional<ItemKind> kind,
                         Option& o) {
  Keys required = {"letter", "zh", "points"};
  if (kind == ItemKind::band) required.push_back("range");
  if (kind == ItemKind::trend) required.push_back("trend");
  if (!check_map(n, p, "an option",
                 {"letter", "zh", "en", "points", "none", "range", "trend", "scenario"}, required))
    return;
  if (const YamlNode* v = field(n, "letter", p))
    o.letter = letter_of(*v, "letter", p.key("letter")).value_or('?');
  o.zh = text(n, "zh", p);
  o.en = text(n, "en", p);
  o.points = number(n, "points", p).value_or(Decimal{});
  o.scenario = text(n, "scenario", p);

  auto only_for = [&](std::string_view key, ItemKind k, std::string_view kinds) {
    const YamlNode* v = n.find(key);
    if (v && kind && *kind != k)
      error(*v, p.key(key), fmt::format("key '{}' is only for options of {} items", key, kinds));
    return v && kind == k ? v : nullptr;
  };
  if (only_for("none", ItemKind::multi, "multi")) o.none = boolean(n, "none", p);
  if (const YamlNode* r = only_for("range", ItemKind::band, "band")) {
    record(p.key("range"), *r);
    if (r->kind != Kind::sequence || r->items.size() != 2) {
      error(*r, p.key("range"),
            fmt::format("expected [lower, upper] for 'range', got {}",
                        r->kind == Kind::sequence ? fmt::format("{} values", r->items.size())
                                                  : std::string(r->kind_name())));
    } else {
      const Path rp = p.key("range");
      record(rp.element("", 0), r->items[0]);
      record(rp.element("", 1), r->items[1]);
      o.lower = number_of(r->items[0], "range", rp.element("", 0)).value_or(Decimal{});
      o.upper = number_of(r->items[1], "range", rp.element("", 1)).value_or(Decimal{});
    }
  }
  if (only_for("trend", ItemKind::trend, "trend")) {
    const std::string t = text(n, "trend", p);
    if (t == "decrease") {
      o.trend = Trend::decrease;
    } else if (t == "flat") {
      o.trend = Trend::flat;
    } else if (t == "increase") {
      o.trend = Trend::increase;
    } else if (const YamlNode* v = n.find("trend"); v && v->kind == Kind::scalar) {
      error(*v, p.key("trend"),
            fmt::format("expected decrease, flat or increase for 'trend', got '{}'", t));
    }
  }
}

void Reader::read_scenario(const YamlNode& n, const Path& p, Scenario& s) {
  if (!check_map(n, p, "a scenario", {"id", "code", "zh", "en", "group", "constraint", "levels"},
                 {"id", "code", "zh", "group", "constraint", "levels"}))
    return;
  check_code(n, p);
  s.id = text(n, "id", p);
  s.code = text(n, "code", p);
  s.zh = text(n, "zh", p);
  s.en = text(n, "en", p);
  s.group = text(n, "group", p);
  s.constraint = n.find("constraint") ? boolean(n, "constraint", p) : false;
  const YamlNode* levels = field(n, "levels", p);
  if (!levels) return;
  if (levels->kind != Kind::map) {
    error(*levels, p.key("levels"),
          fmt::format("expected a mapping of level numbers for 'levels', got {}",
                      levels->kind_name()));
    return;
  }
  static const std::regex level_re(R"([1-9][0-9]?)");
  for (const auto& [k, v] : levels->entries) {
    if (k.kind != Kind::scalar || !std::regex_match(k.value, level_re)) {
      error(k, p.key("levels"),
            fmt::format("expected a level number 1, 2, 3... as a key of 'levels', got {}",
                        describe(k)));
      continue;
    }
    const auto level = static_cast<std::size_t>(std::stoi(k.value));
    const Path lp = p.key("levels").key(k.value);
    if (s.levels.size() < level) s.levels.resize(level);
    ScenarioLevel& l = s.levels[level - 1];
    if (!check_map(v, lp, "a scenario level", {"zh", "zh_short", "en", "evidence"}, {"zh"}))
      continue;
    l.zh = text(v, "zh", lp);
    // Optional, but when written it must say something: an empty label would blank a chart.
    if (const YamlNode* z = v.find("zh_short");
        z && (z->kind == Kind::null || (z->kind == Kind::scalar && z->value.empty()))) {
      record(lp.key("zh_short"), *z);
      error(*z, lp.key("zh_short"), "'zh_short' must not be empty");
    } else {
      l.zh_short = text(v, "zh_short", lp);
    }
    l.en = text(v, "en", lp);
    l.evidence = texts(v, "evidence", lp);
  }
}

void Reader::read_level_rule(const YamlNode& n, const Path& p, LevelRule& r) {
  if (!check_map(n, p, "level_rule", {"no_level", "levels"}, {"no_level", "levels"})) return;
  if (const YamlNode* none = field(n, "no_level", p)) {
    const Path np = p.key("no_level");
    if (check_map(*none, np, "no_level", {"zh", "en"}, {"zh"})) {
      r.no_level_zh = text(*none, "zh", np);
      r.no_level_en = text(*none, "en", np);
    }
  }
  r.levels = read_list<LevelRequirement>(
      n, "levels", p, "", "level", nullptr,
      [&](const YamlNode& e, const Path& ep, LevelRequirement& l) {
        if (!check_map(e, ep, "a level",
                       {"level", "zh", "en", "min_points", "min_scenarios", "min_constraint"},
                       {"level", "zh", "min_points", "min_scenarios", "min_constraint"}))
          return;
        l.level = whole(e, "level", ep).value_or(0);
        l.zh = text(e, "zh", ep);
        l.en = text(e, "en", ep);
        l.min_points = number(e, "min_points", ep).value_or(Decimal{});
        l.min_scenarios = whole(e, "min_scenarios", ep).value_or(0);
        l.min_constraint = whole(e, "min_constraint", ep).value_or(0);
      });
}

void Reader::read_diagnosis(const YamlNode& n, const Path& p, DiagnosisSettings& d) {
  if (!check_map(n, p, "diagnosis", {"target", "common_threshold", "costs"},
                 {"target", "common_threshold", "costs"}))
    return;
  d.present = true;
  d.target = whole(n, "target", p).value_or(0);
  d.common_threshold = number(n, "common_threshold", p).value_or(Decimal{});
  if (const YamlNode* c = field(n, "costs", p)) {
    const Path cp = p.key("costs");
    if (check_map(*c, cp, "costs", {"scenario_level_step", "item_point"},
                  {"scenario_level_step", "item_point"})) {
      d.scenario_level_step = number(*c, "scenario_level_step", cp).value_or(Decimal{});
      d.item_point = number(*c, "item_point", cp).value_or(Decimal{});
    }
  }
}

void Reader::read_profile(const YamlNode& n, const Path& p, IndustryProfile& profile) {
  if (!check_map(n, p, "a profile", {"id", "zh", "en", "target", "emphasis", "costs"},
                 {"id", "zh"}))
    return;
  profile.id = text(n, "id", p);
  profile.zh = text(n, "zh", p);
  profile.en = text(n, "en", p);
  if (n.find("target")) profile.target = whole(n, "target", p).value_or(0);
  profile.emphasis = texts(n, "emphasis", p);
  if (const YamlNode* c = field(n, "costs", p)) {
    const Path cp = p.key("costs");
    if (check_map(*c, cp, "profile costs", {"scenario_level_step"}, {})) {
      if (const YamlNode* steps = field(*c, "scenario_level_step", cp)) {
        const Path sp = cp.key("scenario_level_step");
        if (steps->kind != Kind::map) {
          error(*steps, sp,
                fmt::format("expected a mapping of scenario ids to costs, got {}",
                            steps->kind_name()));
        } else {
          for (const auto& [k, v] : steps->entries) {
            record(sp.key(k.value), v);
            if (auto d = number_of(v, "scenario_level_step", sp.key(k.value)))
              profile.scenario_costs.emplace_back(k.value, *d);
          }
        }
      }
    }
  }
}

void Reader::read_consistency(const YamlNode& n, const Path& p, ConsistencyRule& r) {
  if (!check_map(n, p, "a consistency rule", {"id", "severity", "if", "then", "message"},
                 {"id", "severity", "if", "then", "message"}))
    return;
  r.id = text(n, "id", p);
  const std::string severity = text(n, "severity", p);
  if (severity == "warning") {
    r.severity = Severity::warning;
  } else if (severity == "error") {
    r.severity = Severity::error;
  } else if (const YamlNode* v = n.find("severity"); v && v->kind == Kind::scalar) {
    error(*v, p.key("severity"),
          fmt::format("expected warning or error for 'severity', got '{}'", severity));
  }
  r.message = text(n, "message", p);
  if (const YamlNode* c = field(n, "if", p)) r.when = read_condition(*c, p.key("if"));
  if (const YamlNode* c = field(n, "then", p)) r.then = read_condition(*c, p.key("then"));
}

Condition Reader::read_condition(const YamlNode& n, const Path& p) {
  static const Keys keys = {
      "item", "has", "has_all", "has_any", "scenario", "at_least", "any_scenario_at_least",
      "all",  "any", "not"};
  Condition c;
  if (!check_map(n, p, "a condition", keys, {})) return c;
  auto letters = [&](std::string_view key) {
    std::vector<char> out;
    const YamlNode* v = field(n, key, p);
    if (!v || !is_sequence(*v, key, p.key(key))) return out;
    for (std::size_t i = 0; i < v->items.size(); ++i) {
      const Path lp = p.key(key).element("", i);
      record(lp, v->items[i]);
      if (auto l = letter_of(v->items[i], key, lp)) out.push_back(*l);
    }
    return out;
  };
  auto terms = [&](std::string_view key) {
    std::vector<Condition> out;
    const YamlNode* v = field(n, key, p);
    if (!v || !is_sequence(*v, key, p.key(key))) return out;
    for (std::size_t i = 0; i < v->items.size(); ++i)
      out.push_back(read_condition(v->items[i], p.element(key, i)));
    return out;
  };
  if (n.find("item")) {
    c.item = text(n, "item", p);
    if (const YamlNode* v = field(n, "has", p)) {
      c.kind = Condition::Kind::has;
      if (auto l = letter_of(*v, "has", p.key("has"))) c.letters = {*l};
    } else if (n.find("has_all")) {
      c.kind = Condition::Kind::has_all;
      c.letters = letters("has_all");
    } else if (n.find("has_any")) {
      c.kind = Condition::Kind::has_any;
      c.letters = letters("has_any");
    } else {
      error(n, p, "an item condition needs 'has', 'has_all' or 'has_any'");
    }
  } else if (n.find("scenario")) {
    c.kind = Condition::Kind::scenario_at_least;
    c.scenario = text(n, "scenario", p);
    if (!n.find("at_least")) error(n, p, "a scenario condition needs 'at_least'");
    c.level = whole(n, "at_least", p).value_or(0);
  } else if (n.find("any_scenario_at_least")) {
    c.kind = Condition::Kind::any_scenario_at_least;
    c.level = whole(n, "any_scenario_at_least", p).value_or(0);
  } else if (n.find("all")) {
    c.kind = Condition::Kind::all;
    c.terms = terms("all");
  } else if (n.find("any")) {
    c.kind = Condition::Kind::any;
    c.terms = terms("any");
  } else if (const YamlNode* v = field(n, "not", p)) {
    c.kind = Condition::Kind::not_;
    c.terms.push_back(read_condition(*v, p.key("not")));
  } else {
    error(n, p,
          "a condition needs one of 'item', 'scenario', 'any_scenario_at_least', 'all', 'any' "
          "or 'not'");
  }
  return c;
}

}  // namespace

void read_rule_set(const std::vector<TopLevel>& tops, const std::string& origin,
                   const LoadLimits& limits, RuleSet& out, SourceTable& sources,
                   std::vector<Issue>& issues) {
  Reader(limits, sources, issues).read(tops, origin, out);
}

}  // namespace smedx::detail
