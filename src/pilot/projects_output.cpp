// Project-stage outputs: projects.json (each enterprise's stage, status and overdue milestones,
// and the stage funnels), projects.csv (one row an enterprise) and the dashboard's section.
#include <fmt/format.h>

#include "batch/csv_row.h"
#include "common/html_escape.h"
#include "common/json_writer.h"
#include "smedx/projects.h"

namespace smedx {

namespace {

using detail::Writer;

std::string cell(std::string_view s) { return detail::csv_text(s); }
std::string esc(std::string_view s) { return detail::html_escape(s); }

const std::vector<Milestone>& milestones(const Programme& p) { return p.stages->milestones; }

void funnel(Writer& w, const StageFunnel& f, const std::vector<Milestone>& ms) {
  w.open('{');
  w.str("key", f.key);
  w.str("zh", f.zh);
  w.raw("enterprises", std::to_string(f.enterprises));
  w.raw("overdue", std::to_string(f.overdue));
  w.key("reached");
  w.first = true;
  w.open('{');
  for (std::size_t k = 0; k < ms.size(); ++k) w.raw(ms[k].id, std::to_string(f.reached[k]));
  w.close('}');
  w.close('}');
}

void funnels(Writer& w, std::string_view key, const std::vector<StageFunnel>& rows,
             const std::vector<Milestone>& ms) {
  w.key(key);
  w.open('[');
  for (const auto& f : rows) {
    w.item_sep();
    funnel(w, f, ms);
  }
  w.close(']');
}

std::string stage_zh(const std::vector<Milestone>& ms, int k) {
  return k < 0 ? std::string("未启动") : ms[static_cast<std::size_t>(k)].zh;
}

}  // namespace

std::string projects_json(const Programme& programme, const ProjectsResult& r) {
  const auto& ms = milestones(programme);
  Writer w;
  w.open('{');
  w.str("as_of", r.as_of.to_string());
  w.key("milestones");
  w.open('[');
  for (const auto& m : ms) {
    w.item_sep();
    w.open('{');
    w.str("id", m.id);
    w.str("zh", m.zh);
    if (m.after >= 0) {
      w.str("due_after", ms[static_cast<std::size_t>(m.after)].id);
      w.raw("due_days", std::to_string(m.days));
    }
    w.close('}');
  }
  w.close(']');
  w.key("enterprises");
  w.open('[');
  for (const auto& p : r.enterprises) {
    w.item_sep();
    w.open('{');
    w.str("id", p.enterprise->id);
    w.str("name", p.enterprise->name);
    w.str("industry", p.enterprise->industry);
    w.str("district", p.enterprise->district);
    w.str("batch", p.enterprise->batch);
    w.strings("providers", p.enterprise->providers);
    w.str("status", p.status);
    w.str("status_zh", project_status_zh(p.status));
    if (p.reached >= 0)
      w.str("stage", ms[static_cast<std::size_t>(p.reached)].id);
    else
      w.raw("stage", "null");
    w.str("stage_zh", stage_zh(ms, p.reached));
    if (p.next >= 0)
      w.str("next", ms[static_cast<std::size_t>(p.next)].id);
    else
      w.raw("next", "null");
    if (p.next_due)
      w.str("next_due", p.next_due->to_string());
    else
      w.raw("next_due", "null");
    w.key("dates");
    w.first = true;
    w.open('{');
    for (std::size_t k = 0; k < ms.size(); ++k) {
      if (p.dates[k])
        w.str(ms[k].id, p.dates[k]->to_string());
      else
        w.raw(ms[k].id, "null");
    }
    w.close('}');
    w.key("overdue");
    w.open('[');
    for (const auto& o : p.overdue) {
      w.item_sep();
      w.open('{');
      w.str("milestone", ms[o.milestone].id);
      w.str("zh", ms[o.milestone].zh);
      w.str("due", o.due.to_string());
      w.raw("days_over", std::to_string(o.days_over));
      w.close('}');
    }
    w.close(']');
    std::vector<std::string> skipped;
    for (auto k : p.skipped) skipped.push_back(ms[k].id);
    w.strings("skipped", skipped);
    w.close('}');
  }
  w.close(']');
  w.key("total");
  w.first = true;
  funnel(w, r.total, ms);
  funnels(w, "by_industry", r.by_industry, ms);
  funnels(w, "by_district", r.by_district, ms);
  funnels(w, "by_batch", r.by_batch, ms);
  funnels(w, "by_provider", r.by_provider, ms);
  w.close('}');
  return w.out + "\n";
}

std::string projects_csv(const Programme& programme, const ProjectsResult& r, CsvHeaders headers) {
  const auto& ms = milestones(programme);
  const bool zh = headers == CsvHeaders::zh;
  std::string out =
      zh ? "企业编号,企业名称,行业,区县,批次,服务商,状态,当前阶段,下一节点,下一节点期限"
         : "id,name,industry,district,batch,providers,status,stage,next,next_due";
  for (const auto& m : ms) out += "," + cell(zh ? m.zh : m.id);
  out += zh ? ",逾期节点\n" : ",overdue\n";
  for (const auto& p : r.enterprises) {
    std::string providers, overdue;
    for (const auto& x : p.enterprise->providers) providers += (providers.empty() ? "" : "|") + x;
    for (const auto& o : p.overdue)
      overdue += fmt::format("{}{}（应于 {}，逾期 {} 天）", overdue.empty() ? "" : "；",
                             ms[o.milestone].zh, o.due.to_string(), o.days_over);
    // Under Chinese headers the values are for people too: names, not ids (docs/programmes.md).
    auto stage = [&](int k) -> std::string {
      if (k < 0) return "";
      const Milestone& m = ms[static_cast<std::size_t>(k)];
      return zh ? m.zh : m.id;
    };
    const ProgrammeIndustry* ind = programme.find_industry(p.enterprise->industry);
    const Batch* batch = programme.find_batch(p.enterprise->batch);
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{}", cell(p.enterprise->id), cell(p.enterprise->name),
        cell(zh && ind && !ind->zh.empty() ? ind->zh : p.enterprise->industry),
        cell(p.enterprise->district),
        cell(zh && batch && !batch->zh.empty() ? batch->zh : p.enterprise->batch), cell(providers),
        zh ? project_status_zh(p.status) : p.status, cell(stage(p.reached)), cell(stage(p.next)),
        p.next_due ? p.next_due->to_string() : "");
    for (std::size_t k = 0; k < ms.size(); ++k)
      out += "," + (p.dates[k] ? p.dates[k]->to_string() : std::string());
    out += "," + cell(overdue) + "\n";
  }
  return out;
}

std::string projects_html_section(const Programme& programme, const ProjectsResult& r) {
  const auto& ms = milestones(programme);
  std::string h = fmt::format("<h2>项目阶段（截至 {}）</h2>", r.as_of.to_string());
  auto table = [&](std::string_view id, std::string_view head, const std::vector<StageFunnel>& rows,
                   auto label) {
    h += fmt::format("<table id='{}'><thead><tr><th>{}</th><th>企业</th>", id, esc(head));
    for (const auto& m : ms) h += "<th>" + esc(m.zh) + "</th>";
    h += "<th>逾期</th></tr></thead><tbody>";
    for (const auto& f : rows) {
      h += fmt::format("<tr><td>{}</td><td class='n'>{}</td>", esc(label(f)), f.enterprises);
      for (int n : f.reached) h += fmt::format("<td class='n'>{}</td>", n);
      h += fmt::format("<td class='n failed'>{}</td></tr>", f.overdue);
    }
    h += "</tbody></table>";
  };
  auto zh_of = [](const StageFunnel& f) { return f.zh; };
  std::vector<StageFunnel> total = {r.total};
  table("stages-total", "合计", total, zh_of);
  table("stages-by-industry", "行业", r.by_industry, [&](const StageFunnel& f) {
    const ProgrammeIndustry* i = programme.find_industry(f.key);
    return i && !i->zh.empty() ? i->zh : f.key;
  });
  table("stages-by-district", "区县", r.by_district, zh_of);
  table("stages-by-batch", "批次", r.by_batch, [&](const StageFunnel& f) {
    const Batch* b = programme.find_batch(f.key);
    return b && !b->zh.empty() ? b->zh : f.key;
  });
  table("stages-by-provider", "服务商", r.by_provider, zh_of);
  h += "<h3>逾期项目</h3><table id='stages-overdue'><thead><tr><th>企业编号</th><th>名称</th>"
       "<th>区县</th><th>当前阶段</th><th>逾期节点</th></tr></thead><tbody>";
  for (const auto& p : r.enterprises) {
    if (p.overdue.empty()) continue;
    std::string what;
    for (const auto& o : p.overdue)
      what += fmt::format("{}{}（应于 {}，逾期 {} 天）", what.empty() ? "" : "；",
                          ms[o.milestone].zh, o.due.to_string(), o.days_over);
    h += fmt::format("<tr><td class='id'>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                     esc(p.enterprise->id), esc(p.enterprise->name), esc(p.enterprise->district),
                     esc(stage_zh(ms, p.reached)), esc(what));
  }
  h += "</tbody></table>";
  return h;
}

}  // namespace smedx
