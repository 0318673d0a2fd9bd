// The enterprise file (一企一档) as JSON.
#include "batch/assessment_json.h"
#include "common/json_writer.h"
#include "smedx/diagnosis.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

namespace smedx {

namespace {

using detail::Writer;

void answer(Writer& w, std::string_view key, const std::vector<char>& letters, bool list) {
  w.key(key);
  if (list) {
    w.open('[');
    for (char l : letters) {
      w.item_sep();
      w.letter(l);
    }
    w.close(']');
  } else {
    w.letter(letters.empty() ? '?' : letters[0]);
  }
}

void change(Writer& w, const Change& c) {
  w.open('{');
  w.str("kind", c.kind == Change::Kind::scenario ? "scenario" : "item");
  w.str("id", c.id);
  w.str("code", c.code);
  if (c.kind == Change::Kind::scenario) {
    w.raw("from", std::to_string(c.from_level));
    w.raw("to", std::to_string(c.to_level));
  } else {
    answer(w, "from", c.from, c.list);
    answer(w, "to", c.to, c.list);
    w.raw("points", c.points.to_string());
  }
  w.raw("cost", c.cost.to_string());
  w.close('}');
}

}  // namespace

std::string to_json(const Diagnosis& d) { return to_json(d, {}, {}); }

std::string to_json(const Diagnosis& d, std::string_view key, std::string_view value) {
  Writer w;
  w.out.reserve(8192);  // with the assessment, requirements and evidence: 3-6 KB
  w.open('{');
  w.str("enterprise_id", d.assessment.enterprise_id);
  w.str("industry", d.industry);
  w.str("profile", d.profile);
  w.raw("target", std::to_string(d.target));
  w.key("assessment");
  detail::write_json(w, d.assessment);
  if (d.assessment.ok()) {
    w.key("path");
    w.open('{');
    w.raw("target", std::to_string(d.path.target));
    w.str("status", to_string(d.path.status));
    if (d.path.status == PathStatus::reachable) w.raw("cost", d.path.cost.to_string());
    if (!d.path.reason.empty()) w.str("reason", d.path.reason);
    w.key("changes");
    w.open('[');
    for (const auto& c : d.path.changes) {
      w.item_sep();
      change(w, c);
    }
    w.close(']');
    w.key("warnings");
    w.open('[');
    for (const auto& i : d.path.warnings) {
      w.item_sep();
      w.open('{');
      w.str("rule", i.path.substr(i.path.find('.') + 1));
      w.str("message", i.message);
      w.close('}');
    }
    w.close(']');
    w.close('}');
    w.key("requirements");
    w.open('[');
    for (const auto& r : d.requirements) {
      w.item_sep();
      w.open('{');
      w.str("kind", r.change.kind == Change::Kind::scenario ? "scenario" : "item");
      w.str("id", r.change.id);
      w.str("code", r.change.code);
      w.str("zh", r.zh);
      if (r.change.kind == Change::Kind::scenario) {
        w.raw("from", std::to_string(r.change.from_level));
        w.raw("to", std::to_string(r.change.to_level));
      } else {
        answer(w, "from", r.change.from, r.change.list);
        answer(w, "to", r.change.to, r.change.list);
      }
      w.str("meaning", r.meaning);
      w.raw("constraint", r.constraint ? "true" : "false");
      w.str("gain", r.gain);
      w.str("priority", r.priority);
      w.str("tag", r.common ? "共性" : "个性");
      w.strings("evidence", r.evidence);
      w.close('}');
    }
    w.close(']');
  }
  w.key("warnings");
  w.open('[');
  for (const auto& i : d.warnings) {
    w.item_sep();
    w.open('{');
    w.str("message", i.message);
    w.close('}');
  }
  w.close(']');
  if (!value.empty()) w.raw(key, value);
  w.close('}');
  return std::move(w.out);
}

}  // namespace smedx
