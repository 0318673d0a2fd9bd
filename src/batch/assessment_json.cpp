// Assessments as JSON: one object per line, keys in a fixed order so that output is byte for
// byte reproducible.
#include <fmt/format.h>

#include "batch/assessment_json.h"
#include "common/json_writer.h"
#include "smedx/diagnostics.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

namespace smedx {

namespace {

using detail::escape;
using detail::Writer;

void issues(Writer& w, std::string_view name, const std::vector<Issue>& list) {
  w.key(name);
  w.open('[');
  for (const auto& i : list) {
    w.item_sep();
    w.open('{');
    if (!i.code.empty()) w.str("code", i.code);
    w.str("message", message_text(i, Lang::zh));
    if (!i.path.empty()) w.str("path", i.path);
    if (!i.where.file.empty()) w.str("file", i.where.file);
    if (i.where.known()) w.raw("line", std::to_string(i.where.line));
    if (i.where.known() && i.where.column > 1) w.raw("column", std::to_string(i.where.column));
    if (!i.suggestion.empty()) w.str("suggestion", i.suggestion);
    w.close('}');
  }
  w.close(']');
}

void provenance(Writer& w, const Provenance& p) {
  w.key("provenance");
  w.open('{');
  w.str("rule_set", p.rule_set_id);
  w.str("version", p.rule_set_version);
  w.str("hash", p.rule_set_hash);
  w.str("engine", p.engine_version);
  w.close('}');
}

}  // namespace

// A number as JSON writes it: YAML and CSV accept "+5", ".5", "5." and "007", JSON does not.
static std::string json_number(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    if (text[i] == '-') out += '-';
    ++i;
  }
  while (i + 1 < text.size() && text[i] == '0' && text[i + 1] >= '0' && text[i + 1] <= '9') ++i;
  if (i == text.size() || text[i] == '.') out += '0';
  for (; i < text.size(); ++i) {
    if (text[i] == '%' || text[i] == ' ') continue;  // "72.5%" from a spreadsheet
    if (text[i] == '.' && (i + 1 == text.size() || text[i + 1] < '0' || text[i + 1] > '9'))
      continue;
    out += text[i];
  }
  return out;
}

std::string to_json(const Survey& s) {
  Writer w;
  w.open('{');
  w.key("enterprise");
  w.open('{');
  w.str("id", s.enterprise_id);
  for (const auto& [k, v] : s.enterprise) w.str(k, v);
  w.close('}');
  w.key("answers");
  w.open('{');
  for (const auto& [key, a] : s.answers) {
    switch (a.kind) {
      case Answer::Kind::letters:
        if (!a.text.empty()) {
          w.str(key, a.text);  // as written: the coder reads it again the same way
        } else if (a.list) {
          w.key(key);
          w.open('[');
          for (char l : a.letters) {
            w.item_sep();
            w.letter(l);
          }
          w.close(']');
        } else {
          w.str(key, std::string(1, a.letters.empty() ? '?' : a.letters[0]));
        }
        break;
      case Answer::Kind::percent:
        w.raw(key, json_number(a.percent));
        break;
      case Answer::Kind::figures:
        w.raw(key, fmt::format("{{\"before\":{},\"after\":{}}}", json_number(a.before),
                               json_number(a.after)));
        break;
    }
  }
  w.close('}');
  w.key("scenarios");
  w.open('{');
  for (const auto& [key, level] : s.scenarios) w.raw(key, std::to_string(level));
  w.close('}');
  w.close('}');
  return std::move(w.out);
}

Assessment failed_assessment(std::string enterprise_id, std::vector<Issue> errors) {
  Assessment a;
  a.enterprise_id = std::move(enterprise_id);
  a.errors = std::move(errors);
  return a;
}

namespace detail {

void write_json(Writer& w, const Assessment& a, Lang lang) {
  w.open('{');
  w.str("enterprise_id", a.enterprise_id);
  if (!a.enterprise.empty()) {
    w.key("enterprise");
    w.open('{');
    for (const auto& [k, v] : a.enterprise) w.str(k, v);
    w.close('}');
  }
  if (!a.ok()) {
    w.key("error");
    w.open('{');
    w.str("message", message_text(a.errors.front(), Lang::zh));
    issues(w, "issues", a.errors);
    w.close('}');
    if (!a.provenance.rule_set_id.empty()) provenance(w, a.provenance);
    w.close('}');
    return;
  }
  w.raw("level", std::to_string(a.level));
  w.str("level_name", a.level_name);
  w.raw("total", a.total.to_string());
  auto parts = [&](std::string_view name, const std::vector<PartScore>& list) {
    w.key(name);
    w.open('{');
    for (const auto& p : list) w.raw(p.id, p.points.to_string());
    w.close('}');
  };
  parts("dimensions", a.dimensions);
  parts("sub_indicators", a.sub_indicators);
  w.key("items");
  w.open('{');
  for (const auto& i : a.items) {
    w.key(i.id);
    w.open('{');
    w.str("code", i.code);
    w.key("options");
    w.open('[');
    for (char l : i.letters) {
      w.item_sep();
      w.letter(l);
    }
    w.close(']');
    w.raw("points", i.points.to_string());
    w.close('}');
  }
  w.close('}');
  w.key("scenarios");
  w.open('{');
  for (const auto& [id, level] : a.scenarios) w.raw(id, std::to_string(level));
  w.close('}');
  w.key("scenario_counts");
  w.open('[');
  for (const auto& c : a.scenario_counts) {
    w.item_sep();
    w.open('{');
    w.raw("level", std::to_string(c.level));
    w.raw("at_or_above", std::to_string(c.at_or_above));
    w.raw("constraint", std::to_string(c.constraint));
    w.close('}');
  }
  w.close(']');
  w.key("explanation");
  w.open('[');
  for (const auto& check : a.explanation) {
    w.item_sep();
    w.open('{');
    w.raw("level", std::to_string(check.level));
    w.raw("met", check.met() ? "true" : "false");
    w.key("conditions");
    w.open('[');
    for (const auto& c : check.conditions) {
      w.item_sep();
      w.open('{');
      w.str("what", c.what);
      w.raw("required", c.required.to_string());
      w.raw("has", c.has.to_string());
      w.raw("short", (c.met() ? Decimal{} : c.required - c.has).to_string());
      w.close('}');
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.key("warnings");
  w.open('[');
  for (const auto& i : a.warnings) {
    w.item_sep();
    w.open('{');
    if (!i.code.empty()) w.str("code", i.code);
    if (i.path.rfind("consistency.", 0) == 0) {
      w.str("rule", i.path.substr(i.path.find('.') + 1));
    } else {
      w.str("path", i.path);  // a missing answer scored as zero
    }
    w.str("message", message_text(i, lang));
    w.close('}');
  }
  w.close(']');
  provenance(w, a.provenance);
  w.close('}');
}

}  // namespace detail

std::string to_json(const Assessment& a) {
  Writer w;
  w.out.reserve(4096);  // a scored assessment's record is 2-3 KB
  detail::write_json(w, a);
  return std::move(w.out);
}

}  // namespace smedx
