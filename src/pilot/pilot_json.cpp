// The pilot's outputs as JSON and CSV: keys in a fixed order, numbers exact, so that the same
// inputs give the same bytes.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "batch/csv_row.h"
#include "common/json_writer.h"
#include "smedx/pilot.h"

namespace smedx {

namespace {

using detail::escape;
using detail::Writer;

// A UTF-8 byte order mark first in every CSV: Excel (Chinese Windows) reads the file as GBK
// without it and shows the names garbled.
constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string num(Decimal d) { return d.to_string(); }
std::string opt(const std::optional<Decimal>& d) { return d ? d->to_string() : "null"; }

void snapshot(Writer& w, std::string_view key, const Snapshot* s) {
  w.key(key);
  if (!s) {
    w.out += "null";
    w.first = false;
    return;
  }
  w.open('{');
  w.str("assessed_on", s->assessed_on.to_string());
  w.str("file", s->where.file);
  w.raw("line", std::to_string(s->where.line));
  w.str("rule_set", s->engine->rules().meta.id);
  w.str("version", s->engine->rules().meta.version);
  w.str("hash", s->engine->rules().content_hash);
  if (s->ok()) {
    w.raw("level", std::to_string(s->level));
    w.raw("total", num(s->total));
  } else {
    w.strings("errors", [&] {
      std::vector<std::string> m;
      for (const auto& e : s->errors) m.push_back(e.message);
      return m;
    }());
  }
  w.close('}');
}

template <typename Names>
void changes(Writer& w, std::string_view key, const Names& ids, const std::vector<Decimal>& before,
             const std::vector<Decimal>& after) {
  w.key(key);
  w.open('[');
  for (std::size_t k = 0; k < ids.size(); ++k) {
    w.item_sep();
    w.open('{');
    w.str("id", ids[k]);
    w.raw("before", num(before[k]));
    w.raw("after", num(after[k]));
    w.raw("delta", num(after[k] - before[k]));
    w.close('}');
  }
  w.close(']');
}

void row(Writer& w, const ProgressRow& r) {
  w.item_sep();
  w.open('{');
  w.str("key", r.key);
  w.str("zh", r.zh);
  if (r.target) w.raw("target", std::to_string(r.target));
  w.raw("registered", std::to_string(r.registered));
  w.raw("diagnosed", std::to_string(r.diagnosed));
  w.raw("in_transformation", std::to_string(r.in_transformation));
  w.raw("awaiting_acceptance", std::to_string(r.awaiting_acceptance));
  w.raw("passed", std::to_string(r.passed));
  w.raw("failed", std::to_string(r.failed));
  w.raw("incomplete", std::to_string(r.incomplete));
  w.raw("at_or_above_target", std::to_string(r.at_or_above));
  w.raw("share_at_or_above_percent", num(r.share_at_or_above));
  if (r.target) w.raw("passed_of_target_percent", num(r.passed_of_target));
  w.close('}');
}

void rows(Writer& w, std::string_view key, const std::vector<ProgressRow>& list) {
  w.key(key);
  w.open('[');
  for (const auto& r : list) row(w, r);
  w.close(']');
}

// A text cell as `smedx score --format csv` writes one (csv_row.h): quoted where needed, and a
// leading = + - @ tab or CR kept from running as a spreadsheet formula.
std::string csv_cell(std::string_view s) { return detail::csv_text(s); }

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

}  // namespace

std::string acceptance_json(const AcceptanceRecord& r, const RuleSet& rules) {
  const Enterprise& e = *r.enterprise;
  Writer w;
  w.open('{');
  w.str("id", e.id);
  w.str("name", e.name);
  w.str("industry", e.industry);
  w.str("district", e.district);
  w.str("batch", e.batch);
  w.strings("providers", e.providers);
  w.str("decision", to_string(r.decision));
  w.key("reasons");
  w.open('[');
  for (const auto& reason : r.reasons) {
    w.item_sep();
    w.open('{');
    w.str("check", reason.check);
    w.str("outcome", to_string(reason.outcome));
    w.str("message", reason.message);
    w.str("zh", reason.zh);  // for people; check, outcome and message are for programs
    w.close('}');
  }
  w.close(']');
  w.strings("evidence_missing", r.evidence_missing);
  w.raw("on_time", r.on_time ? "true" : "false");
  snapshot(w, "baseline", r.baseline);
  snapshot(w, "acceptance", r.acceptance);
  const bool both = r.baseline && r.baseline->ok() && r.acceptance && r.acceptance->ok();
  if (both) {
    w.key("level");
    w.out += fmt::format("{{\"before\":{},\"after\":{},\"delta\":{}}}", r.baseline->level,
                         r.acceptance->level, r.acceptance->level - r.baseline->level);
    w.key("total");
    w.out += fmt::format("{{\"before\":{},\"after\":{},\"delta\":{}}}", num(r.baseline->total),
                         num(r.acceptance->total), num(r.acceptance->total - r.baseline->total));
  }
  // Part by part only when both were scored under the same rule set (the parts line up).
  if (r.comparable) {
    const RuleSet& rs = r.acceptance->engine->rules();
    std::vector<std::string> dims, subs, items;
    for (const auto& d : rs.dimensions) {
      dims.push_back(d.id);
      for (const auto& s : d.sub_indicators) subs.push_back(s.id);
    }
    for (const auto* i : rs.items()) items.push_back(i->id);
    changes(w, "dimensions", dims, r.baseline->dimensions, r.acceptance->dimensions);
    changes(w, "sub_indicators", subs, r.baseline->sub_indicators, r.acceptance->sub_indicators);
    changes(w, "items", items, r.baseline->items, r.acceptance->items);
    w.key("scenarios");
    w.open('[');
    for (std::size_t k = 0; k < rs.scenarios.size(); ++k) {
      w.item_sep();
      const int b = r.baseline->scenarios[k], a = r.acceptance->scenarios[k];
      w.out += fmt::format(
          "{{\"id\":\"{}\",\"before\":{},\"after\":{},\"delta\":{},"
          "\"constraint\":{}}}",
          rs.scenarios[k].id, b, a, a - b, rs.scenarios[k].constraint ? "true" : "false");
    }
    w.close(']');
  }
  (void)rules;
  w.close('}');
  return w.out;
}

std::string acceptance_csv_header(CsvHeaders headers) {
  if (headers == CsvHeaders::zh)
    return "企业编号,企业名称,行业,区县,批次,服务商,验收结论,改造前等级,改造后等级,改造前总分,"
           "改造后总分,基线评测日期,验收评测日期,按时验收,原因";
  return "id,name,industry,district,batch,providers,decision,level_before,level_after,"
         "total_before,total_after,baseline_on,acceptance_on,on_time,reasons";
}

std::string acceptance_csv(const AcceptanceRecord& r) {
  const Enterprise& e = *r.enterprise;
  auto level = [](const Snapshot* s) { return s && s->ok() ? std::to_string(s->level) : ""; };
  auto total = [](const Snapshot* s) { return s && s->ok() ? s->total.to_string() : ""; };
  auto on = [](const Snapshot* s) { return s ? s->assessed_on.to_string() : ""; };
  std::vector<std::string> reasons;
  for (const auto& x : r.reasons) reasons.push_back(x.check + ": " + x.message);
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", csv_cell(e.id),
                     csv_cell(e.name), csv_cell(e.industry), csv_cell(e.district),
                     csv_cell(e.batch), csv_cell(join(e.providers, "|")), to_string(r.decision),
                     level(r.baseline), level(r.acceptance), total(r.baseline), total(r.acceptance),
                     on(r.baseline), on(r.acceptance), r.on_time ? "true" : "false",
                     csv_cell(join(reasons, "; ")));
}

std::string acceptance_csv(const AcceptanceRecord& r, const Programme& programme,
                           CsvHeaders headers) {
  if (headers != CsvHeaders::zh) return acceptance_csv(r);
  const Enterprise& e = *r.enterprise;
  auto level = [](const Snapshot* s) { return s && s->ok() ? std::to_string(s->level) : ""; };
  auto total = [](const Snapshot* s) { return s && s->ok() ? s->total.to_string() : ""; };
  auto on = [](const Snapshot* s) { return s ? s->assessed_on.to_string() : ""; };
  const ProgrammeIndustry* ind = programme.find_industry(e.industry);
  const Batch* batch = programme.find_batch(e.batch);
  std::vector<std::string> reasons;
  for (const auto& x : r.reasons) reasons.push_back(x.zh.empty() ? x.message : x.zh);
  return fmt::format(
      "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", csv_cell(e.id), csv_cell(e.name),
      csv_cell(ind && !ind->zh.empty() ? ind->zh : e.industry), csv_cell(e.district),
      csv_cell(batch && !batch->zh.empty() ? batch->zh : e.batch), csv_cell(join(e.providers, "|")),
      status_zh(r), level(r.baseline), level(r.acceptance), total(r.baseline), total(r.acceptance),
      on(r.baseline), on(r.acceptance), r.on_time ? "是" : "否", csv_cell(join(reasons, "；")));
}

std::string progress_json(const Progress& p) {
  Writer w;
  w.open('{');
  w.str("as_of", p.as_of.to_string());
  w.raw("target_level", std::to_string(p.target_level));
  w.key("total");
  w.first = true;
  row(w, p.total);
  rows(w, "by_industry", p.by_industry);
  rows(w, "by_district", p.by_district);
  rows(w, "by_batch", p.by_batch);
  rows(w, "by_provider", p.by_provider);
  w.key("calendar");
  w.open('[');
  for (const auto& b : p.calendar) {
    w.item_sep();
    w.open('{');
    w.str("batch", b.id);
    w.str("zh", b.zh);
    w.str("status", b.status);
    w.raw("registered", std::to_string(b.registered));
    w.raw("expected_diagnosed", std::to_string(b.expected_diagnosed));
    w.raw("diagnosed", std::to_string(b.diagnosed));
    w.raw("expected_passed", std::to_string(b.expected_passed));
    w.raw("passed", std::to_string(b.passed));
    w.close('}');
  }
  w.close(']');
  w.key("focus_districts");
  w.open('[');
  for (const auto& f : p.focus) {
    w.item_sep();
    w.open('{');
    w.str("industry", f.industry);
    w.strings("covered", f.covered);
    w.strings("uncovered", f.uncovered);
    w.raw("enterprises", std::to_string(f.enterprises));
    w.raw("in_focus", std::to_string(f.in_focus));
    w.raw("share_in_focus_percent", num(f.share_in_focus));
    w.close('}');
  }
  w.close(']');
  w.key("targets");
  w.open('[');
  for (const auto& t : p.targets) {
    w.item_sep();
    w.open('{');
    w.str("id", t.id);
    w.str("zh", t.zh);
    w.raw("value", std::to_string(t.value));
    w.raw("actual", std::to_string(t.actual));
    w.raw("percent", num(t.percent));
    w.close('}');
  }
  w.close(']');
  w.key("at_risk");
  w.open('[');
  for (const auto& a : p.at_risk) {
    w.item_sep();
    w.open('{');
    w.str("id", a.id);
    w.str("name", a.name);
    w.str("batch", a.batch);
    w.raw("level", std::to_string(a.level));
    w.str("reason", a.reason);
    w.close('}');
  }
  w.close(']');
  w.key("follow_up");
  w.open('[');
  for (const auto& f : p.follow_up) {
    const Enterprise& e = *f.record->enterprise;
    w.item_sep();
    w.out += '\n';
    w.open('{');
    w.str("id", e.id);
    w.str("name", e.name);
    w.str("district", e.district);
    w.str("batch", e.batch);
    w.strings("providers", e.providers);
    w.str("kind", f.kind);
    w.str("kind_zh", follow_up_kind_zh(f.kind));
    w.str("due", f.due.to_string());
    w.raw("level", f.level ? std::to_string(*f.level) : "null");
    w.str("decision", to_string(f.record->decision));
    w.strings("reasons", f.reasons);
    w.strings("actions", f.actions);
    w.close('}');
  }
  if (!p.follow_up.empty()) w.out += '\n';
  w.close(']');
  w.strings("selected_not_candidates", p.selected_not_candidates);
  w.close('}');
  return w.out + '\n';
}

std::string providers_json(const std::vector<ProviderScore>& providers) {
  Writer w;
  w.open('[');
  for (const auto& p : providers) {
    w.item_sep();
    w.out += '\n';
    w.open('{');
    w.str("id", p.id);
    w.str("name", p.name);
    w.raw("rank", p.rank ? std::to_string(p.rank) : "null");
    w.raw("tied", p.tied ? "true" : "false");
    w.raw("composite", opt(p.composite));
    w.raw("stars", std::to_string(p.stars));
    w.str("flag", p.flag);
    w.raw("performance", opt(p.performance));
    w.raw("satisfaction", opt(p.satisfaction));
    w.raw("enterprises", std::to_string(p.enterprises));
    w.raw("accepted", std::to_string(p.accepted));
    w.raw("passed", std::to_string(p.passed));
    w.raw("failed", std::to_string(p.failed));
    w.raw("incomplete", std::to_string(p.incomplete));
    w.raw("pass_rate_percent", opt(p.pass_rate));
    w.raw("mean_level_gain", opt(p.mean_level_gain));
    w.raw("mean_point_gain", opt(p.mean_point_gain));
    w.raw("on_time_percent", opt(p.on_time_share));
    w.raw("ratings", std::to_string(p.ratings));
    w.raw("mean_satisfaction", opt(p.mean_satisfaction));
    w.strings("notes", p.notes);
    w.close('}');
  }
  w.out += '\n';
  w.close(']');
  return w.out + '\n';
}

std::string providers_csv(const std::vector<ProviderScore>& providers, CsvHeaders headers) {
  std::string out =
      headers == CsvHeaders::zh
          ? "排名,并列,服务商编号,服务商名称,综合得分,星级,动态调整,服务绩效,企业满意度,服务企业数,"
            "已验收,通过,未通过,待补,通过率（%）,平均提升等级,平均提升分数,按时率（%）,"
            "满意度评价数,"
            "平均满意度,说明\n"
          : "rank,tied,id,name,composite,stars,flag,performance,satisfaction,enterprises,accepted,"
            "passed,failed,incomplete,pass_rate_percent,mean_level_gain,mean_point_gain,"
            "on_time_percent,ratings,mean_satisfaction,notes\n";
  auto o = [](const std::optional<Decimal>& d) { return d ? d->to_string() : std::string(); };
  for (const auto& p : providers) {
    out +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    p.rank ? std::to_string(p.rank) : "", p.tied ? "true" : "false", csv_cell(p.id),
                    csv_cell(p.name), o(p.composite), p.stars, p.flag, o(p.performance),
                    o(p.satisfaction), p.enterprises, p.accepted, p.passed, p.failed, p.incomplete,
                    o(p.pass_rate), o(p.mean_level_gain), o(p.mean_point_gain), o(p.on_time_share),
                    p.ratings, o(p.mean_satisfaction), csv_cell(join(p.notes, "; ")));
  }
  return out;
}

std::string cases_json(const std::vector<CaseCandidate>& cases, const RuleSet& rules) {
  (void)rules;
  Writer w;
  w.open('[');
  for (const auto& c : cases) {
    const Enterprise& e = *c.record->enterprise;
    w.item_sep();
    w.out += '\n';
    w.open('{');
    w.raw("rank", std::to_string(c.rank));
    w.raw("tied", c.tied ? "true" : "false");
    w.raw("suggested", c.suggested ? "true" : "false");
    w.raw("selected", c.selected ? "true" : "false");
    w.str("why", c.why);
    w.str("id", e.id);
    w.str("name", e.name);
    w.str("industry", e.industry);
    w.str("district", e.district);
    w.raw("level_steps", std::to_string(c.level_steps));
    w.raw("points", num(c.points));
    w.raw("scenarios_raised", std::to_string(c.scenarios_raised));
    w.str("summary", c.summary);
    w.close('}');
  }
  w.out += '\n';
  w.close(']');
  return w.out + '\n';
}

std::string follow_up_csv(const Programme& prog, const PilotResult& result, bool by_provider) {
  std::map<std::string, std::string> names;  // provider id -> name (the id when none is given)
  for (const auto& p : result.providers) names[p.id] = p.name.empty() ? p.id : p.name;
  struct Row {
    std::string provider;
    const FollowUp* f;
  };
  std::vector<Row> rows;
  for (const auto& f : result.progress.follow_up) {
    if (!by_provider) {
      rows.push_back({"", &f});
      continue;
    }
    const auto& ps = f.record->enterprise->providers;
    if (ps.empty()) rows.push_back({"", &f});  // no provider yet: listed first, under none
    for (const auto& p : ps) rows.push_back({p, &f});
  }
  // Stable: register order within a district or a provider.
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (by_provider) return a.provider < b.provider;
    return a.f->record->enterprise->district < b.f->record->enterprise->district;
  });
  std::string out(kBom);
  if (by_provider) out += "负责服务商,";
  out +=
      "区县,企业编号,企业名称,行业,批次,服务商,督办类型,验收截止日期,当前等级,结论,原因,下一步\n";
  for (const auto& [provider, f] : rows) {
    const Enterprise& e = *f->record->enterprise;
    const auto* ind = prog.find_industry(e.industry);
    const auto* batch = prog.find_batch(e.batch);
    std::vector<std::string> pn;
    for (const auto& p : e.providers) pn.push_back(names.count(p) ? names[p] : p);
    if (by_provider)
      out += csv_cell(provider.empty() ? std::string("（未确定服务商）") : names[provider]) + ",";
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_cell(e.district), csv_cell(e.id),
        csv_cell(e.name), csv_cell(ind ? ind->zh : e.industry),
        csv_cell(batch ? batch->zh : e.batch), csv_cell(join(pn, "、")), follow_up_kind_zh(f->kind),
        f->due.to_string(), f->level ? fmt::format("{}级", *f->level) : std::string("—"),
        status_zh(*f->record), csv_cell(join(f->reasons, "；")), csv_cell(join(f->actions, "；")));
  }
  return out;
}

}  // namespace smedx
