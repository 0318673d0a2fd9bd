// The pilot dashboard and the per-enterprise acceptance pages: self-contained HTML with inline
// SVG (no scripts, no external files), so they open anywhere and print as they show.
#include <fmt/format.h>

#include "common/html_escape.h"
#include "pilot/pilot_page.h"

#include <algorithm>
#include <initializer_list>

#include "smedx/composition.h"
#include "smedx/pilot.h"
#include "smedx/pilot_needs.h"
#include "smedx/pilot_products.h"
#include "smedx/projects.h"
#include "smedx/subsidy.h"

namespace smedx {

namespace {

std::string esc(std::string_view s) { return detail::html_escape(s); }

using detail::href;

const char* kStyle =
    "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;"
    "color:#222;max-width:1100px}h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid "
    "#ccc;padding-bottom:4px;margin-top:28px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}"
    "td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}"
    "th{background:#f2f2f2}td.n{text-align:right}"
    ".kpis{display:flex;gap:12px;flex-wrap:wrap}.kpi{border:1px solid #ccc;border-radius:6px;"
    "padding:8px 14px;min-width:120px}.kpi b{display:block;font-size:24px}"
    ".passed{color:#2e7d32}.failed{color:#c62828}.incomplete{color:#b26a00}.muted{color:#777}"
    ".up{color:#2e7d32}.down{color:#c62828}svg{max-width:100%;height:auto}"
    ".sign{margin-top:32px;display:flex;gap:48px;flex-wrap:wrap;break-inside:avoid}"
    ".sign span{min-width:200px;border-bottom:1px solid #222;padding-bottom:18px}"
    // Printed on A4 (a 县区 files it): repeated table headers, rows kept whole, page numbers
    // in the bottom margin (Chromium 131+ draws @page margin boxes), the as-of date on top.
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "@page{size:A4;margin:14mm 12mm 16mm 12mm;"
    "@bottom-center{content:'第 ' counter(page) ' 页，共 ' counter(pages) ' 页';font-size:9pt}}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}h1{font-size:16pt}"
    "h2{font-size:12pt;margin-top:14px;break-after:avoid}table{font-size:9pt}"
    "td,th{padding:2px 4px}.kpi{padding:4px 8px}.kpi b{font-size:16pt}a{color:inherit;"
    "text-decoration:none}.noprint{display:none}"
    // Compact on paper: the case summaries are in cases.json (and the case booklet).
    "#cases td:nth-child(7),#cases th:nth-child(7){display:none}}"
    "th,td.id,td.n{white-space:nowrap}</style>";

// The 编制/审核 block a printed page is signed in.
const char* kSignature =
    "<div class='sign' id='signature'><span>编制单位（盖章）：</span><span>编制人：</span>"
    "<span>审核人：</span><span>日期：</span></div>";

// Opens a table whose header row repeats on every printed page.
std::string table_head(std::string_view id, std::initializer_list<std::string_view> heads) {
  std::string h = fmt::format("<table id='{}'><thead><tr>", id);
  for (const auto& x : heads) h += fmt::format("<th>{}</th>", x);
  return h + "</tr></thead><tbody>";
}
const char* kTableEnd = "</tbody></table>";

std::string pct(Decimal d) { return d.to_string() + "%"; }

// One labelled progress bar: actual against target, the share written beside it.
std::string bar(std::string_view label, int actual, int target, std::string_view id) {
  const int w = 420;
  const int filled =
      target > 0 ? std::min(w, static_cast<int>(std::int64_t{w} * actual / target)) : 0;
  // The share in tenths of a percent, rounded half up in integers like every other figure.
  const std::int64_t tenths = target > 0 ? (std::int64_t{2000} * actual / target + 1) / 2 : 0;
  const std::string share =
      target > 0 ? fmt::format("{}.{}%", tenths / 10, tenths % 10) : std::string("—");
  return fmt::format(
      "<div class='bar' id='{}'><svg xmlns='http://www.w3.org/2000/svg' width='760' height='24' "
      "viewBox='0 0 760 24' role='img' aria-label='{}'><text x='0' y='16' font-size='13'>{}</text>"
      "<rect x='190' y='4' width='{}' height='16' fill='#eee'/>"
      "<rect x='190' y='4' width='{}' height='16' fill='#1f5fa6'/>"
      "<text x='{}' y='16' font-size='13'>{} / {}（{}）</text></svg></div>",
      esc(id), esc(label), esc(label), w, filled, 190 + w + 8, actual, target, share);
}

// The acceptance funnel: each stage's count as a bar narrowing from the register.
std::string funnel(const ProgressRow& t) {
  // Assessed at acceptance: an acceptance survey given (failed counts some without one).
  const int acc = t.registered - t.awaiting_acceptance;
  const std::pair<std::string, int> stages[] = {{"备案", t.registered},
                                                {"已诊断（基线）", t.diagnosed},
                                                {"已验收评测", acc},
                                                {"验收通过", t.passed}};
  const int w = 500, top = std::max(1, t.registered);
  std::string svg =
      "<svg xmlns='http://www.w3.org/2000/svg' width='760' height='150' viewBox='0 0 760 150' "
      "role='img' aria-label='验收漏斗' id='funnel'>";
  int y = 4;
  for (const auto& [label, n] : stages) {
    const int bw = std::max(2, w * n / top);
    const int x = 150 + (w - bw) / 2;
    svg += fmt::format(
        "<text x='0' y='{}' font-size='13'>{}</text><rect x='{}' y='{}' width='{}' "
        "height='28' fill='#5b8fd1'/><text x='{}' y='{}' font-size='13' "
        "text-anchor='middle' fill='#fff'>{}</text>",
        y + 19, esc(label), x, y, bw, 150 + w / 2, y + 19, n);
    y += 36;
  }
  return svg + "</svg>";
}

// Levels before → after: a grid of counts, baseline level by row, acceptance level by column.
std::string transitions(const std::vector<AcceptanceRecord>& records, int top) {
  std::vector<std::vector<int>> m(top + 1, std::vector<int>(top + 1, 0));
  int most = 1;
  for (const auto& r : records) {
    if (!(r.baseline && r.baseline->ok() && r.acceptance && r.acceptance->ok())) continue;
    const int b = std::clamp(r.baseline->level, 0, top),
              a = std::clamp(r.acceptance->level, 0, top);
    most = std::max(most, ++m[b][a]);
  }
  const int cell = 56, left = 110, head = 40;
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{0}' height='{1}' viewBox='0 0 {0} {1}' "
      "role='img' aria-label='等级变化' id='levels'>",
      left + cell * (top + 1) + 10, head + cell * (top + 1) + 10);
  svg += fmt::format("<text x='{}' y='14' font-size='13'>验收等级 →</text>", left);
  for (int a = 0; a <= top; ++a)
    svg += fmt::format("<text x='{}' y='34' font-size='12' text-anchor='middle'>{}级</text>",
                       left + a * cell + cell / 2, a);
  for (int b = 0; b <= top; ++b) {
    svg += fmt::format("<text x='0' y='{}' font-size='12'>基线 {}级</text>",
                       head + b * cell + cell / 2 + 4, b);
    for (int a = 0; a <= top; ++a) {
      const int n = m[b][a];
      const double alpha = n ? 0.15 + 0.85 * n / most : 0.0;
      const char* hue = a > b ? "46,125,50" : a < b ? "198,40,40" : "120,120,120";
      svg += fmt::format(
          "<rect x='{}' y='{}' width='{}' height='{}' fill='rgba({},{:.2f})' stroke='#ddd'/>",
          left + a * cell, head + b * cell, cell, cell, hue, alpha);
      if (n)
        svg += fmt::format("<text x='{}' y='{}' font-size='14' text-anchor='middle'>{}</text>",
                           left + a * cell + cell / 2, head + b * cell + cell / 2 + 5, n);
    }
  }
  return svg + "</svg>";
}

std::string row_table(const std::vector<ProgressRow>& rows, std::string_view first,
                      std::string_view id) {
  std::string h = table_head(esc(id), {esc(first), "目标", "备案", "已诊断", "改造中", "通过",
                                       "未通过", "待补", "达标（≥目标级）", "达标占比"});
  for (const auto& r : rows)
    h += fmt::format(
        "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td>"
        "<td class='n'>{}</td><td class='n passed'>{}</td><td class='n failed'>{}</td>"
        "<td class='n incomplete'>{}</td><td class='n'>{}</td><td class='n'>{}</td></tr>",
        esc(r.zh), r.target ? std::to_string(r.target) : "", r.registered, r.diagnosed,
        r.in_transformation, r.passed, r.failed, r.incomplete, r.at_or_above,
        pct(r.share_at_or_above));
  return h + kTableEnd;
}

std::string opt(const std::optional<Decimal>& d) { return d ? d->to_string() : "—"; }

std::string stars(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "★";
  return n ? s : "未评星";
}

// The name a page shows for a provider: its name from the providers file, else its id.
std::string provider_name(const PilotResult* result, const std::string& id) {
  if (result)
    for (const auto& p : result->providers)
      if (p.id == id) return p.name.empty() ? id : p.name;
  return id;
}

std::string provider_names(const PilotResult* result, const Enterprise& e) {
  std::string out;
  for (const auto& p : e.providers)
    out += (out.empty() ? "" : "、") + esc(provider_name(result, p));
  return out.empty() ? std::string("—") : out;
}

// The rule set as people know it: its title and version (《…》2024.1).
std::string rules_zh(const RuleSet& rs) {
  return esc(rs.meta.title.empty() ? rs.meta.id : rs.meta.title) + " " + esc(rs.meta.version);
}

std::string batch_zh(const Programme& prog, const std::string& id) {
  const auto* b = prog.find_batch(id);
  return esc(b ? b->zh : id);
}
std::string industry_zh(const Programme& prog, const std::string& id) {
  const auto* i = prog.find_industry(id);
  return esc(i ? i->zh : id);
}

std::string reasons_zh(const AcceptanceRecord& r) {
  std::string why;
  for (const auto& x : r.reasons) why += (why.empty() ? "" : "；") + esc(x.zh);
  return why;
}

}  // namespace

std::string dashboard_html(const Programme& prog, const PilotResult& result,
                           const std::vector<std::string>& pages) {
  const Progress& p = result.progress;
  const ProgressRow& t = p.total;
  std::string h = "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>" +
                  esc(prog.title) + " 试点进展</title>" + kStyle + "</head><body>";
  // The rule set the acceptance surveys were scored under, by its title.
  std::string rules;
  for (const auto& r : result.acceptance) {
    const Snapshot* s = r.acceptance ? r.acceptance : r.baseline;
    if (s && s->engine && s->engine->rules().meta.id == prog.rule_set_id) {
      rules = rules_zh(s->engine->rules());
      break;
    }
  }
  h += fmt::format(
      "<h1>{}：试点进展看板</h1><p class='muted'>{}｜截至 <b id='as-of'>{}</b>｜目标等级 "
      "{}级{}</p>",
      esc(prog.title), esc(prog.document), p.as_of.to_string(), p.target_level,
      rules.empty() ? std::string() : "｜评测依据 " + rules);
  h += "<div class='kpis'>";
  auto kpi = [&](std::string_view id, std::string_view label, std::string value,
                 std::string_view cls = "") {
    h += fmt::format("<div class='kpi'><span>{}</span><b id='{}' class='{}'>{}</b></div>",
                     esc(label), esc(id), esc(cls), value);
  };
  kpi("kpi-registered", "备案企业", fmt::format("{} / {}", t.registered, t.target));
  kpi("kpi-passed", "验收通过", std::to_string(t.passed), "passed");
  kpi("kpi-failed", "验收未通过", std::to_string(t.failed), "failed");
  kpi("kpi-incomplete", "验收待补", std::to_string(t.incomplete), "incomplete");
  kpi("kpi-awaiting", "待验收", std::to_string(t.awaiting_acceptance));
  kpi("kpi-share", "达到目标等级占比", pct(t.share_at_or_above));
  kpi("kpi-follow-up", "督办企业", std::to_string(p.follow_up.size()), "failed");
  h += "</div>";

  h += "<h2>目标完成情况（验收通过 / 目标）</h2>";
  h += bar("合计", t.passed, t.target, "bar-total");
  for (const auto& r : p.by_industry) h += bar(r.zh, r.passed, r.target, "bar-" + r.key);
  for (const auto& o : p.targets) h += bar(o.zh, o.actual, o.value, "bar-" + o.id);
  if (!p.selected_not_candidates.empty())
    h += fmt::format(
        "<p class='muted' id='selected-not-counted'>另有 {} "
        "家选定的典型案例尚未通过验收，未计入。</p>",
        p.selected_not_candidates.size());
  h += "<h2>各区县达到目标等级（达标 / 备案）</h2>";
  for (const auto& r : p.by_district) h += bar(r.zh, r.at_or_above, r.registered, "bar-district");

  h += "<h2>验收漏斗</h2>" + funnel(t);
  h += "<h2>等级变化（基线 → 验收）</h2>" + transitions(result.acceptance, prog.target_level + 2);

  h += "<h2>按行业</h2>" + row_table(p.by_industry, "行业", "by-industry");
  h += "<h2>按区县</h2>" + row_table(p.by_district, "区县", "by-district");
  h += table_head("focus", {"行业", "重点区县已覆盖", "未覆盖", "重点区县企业占比"});
  for (const auto& f : p.focus) {
    std::string cov, unc;
    for (const auto& d : f.covered) cov += (cov.empty() ? "" : "、") + esc(d);
    for (const auto& d : f.uncovered) unc += (unc.empty() ? "" : "、") + esc(d);
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class='failed'>{}</td><td class='n'>{} / {}（{}）</td></tr>",
        industry_zh(prog, f.industry), cov, unc.empty() ? "—" : unc, f.in_focus, f.enterprises,
        pct(f.share_in_focus));
  }
  h += kTableEnd;
  h += "<h2>按批次与时间节点</h2>" +
       table_head("calendar", {"批次", "状态", "备案", "已诊断 / 应诊断", "通过 / 应通过"});
  for (const auto& b : p.calendar) {
    const char* status = b.status == "not_started"      ? "未开始"
                         : b.status == "transforming"   ? "改造中"
                         : b.status == "acceptance_due" ? "验收期"
                                                        : "已到期";
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class='n'>{}</td><td class='n'>{} / {}</td>"
        "<td class='n'>{} / {}</td></tr>",
        esc(b.zh), status, b.registered, b.diagnosed, b.expected_diagnosed, b.passed,
        b.expected_passed);
  }
  h += kTableEnd;

  h += "<h2>服务商评星（服务绩效 " + std::to_string(prog.rating.weight_performance) +
       " / 企业满意度 " + std::to_string(prog.rating.weight_satisfaction) + "）</h2>";
  h += table_head("providers",
                  {"排名", "服务商", "综合得分", "星级", "服务绩效", "企业满意度", "服务企业",
                   "验收", "通过率", "平均提升（级）", "按时率", "动态调整"});
  for (const auto& pr : result.providers) {
    const char* flag = pr.flag == "ok" ? "正常" : pr.flag == "warn" ? "预警" : "数据不足";
    h += fmt::format(
        "<tr><td class='n'>{}{}</td><td>{}</td><td class='n'>{}</td><td>{}</td><td "
        "class='n'>{}</td>"
        "<td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td>"
        "<td class='n'>{}</td><td class='n'>{}</td><td class='{}'>{}</td></tr>",
        pr.rank ? std::to_string(pr.rank) : "—", pr.tied ? "（并列）" : "",
        esc(pr.name.empty() ? pr.id : pr.name), opt(pr.composite), stars(pr.stars),
        opt(pr.performance), opt(pr.satisfaction), pr.enterprises, pr.accepted,
        pr.pass_rate ? pct(*pr.pass_rate) : "—", opt(pr.mean_level_gain),
        pr.on_time_share ? pct(*pr.on_time_share) : "—",
        pr.flag == "ok"     ? "passed"
        : pr.flag == "warn" ? "failed"
                            : "muted",
        flag);
  }
  h += kTableEnd;

  auto link = [&](const AcceptanceRecord& r) {
    const auto k = static_cast<std::size_t>(&r - result.acceptance.data());
    const std::string label = esc(r.enterprise->id);
    return k < pages.size() ? fmt::format("<a href='{}'>{}</a>", esc(href(pages[k])), label)
                            : label;
  };
  const std::size_t cap = 500;  // the full lists are in progress.json, cases.json, acceptance.csv
  auto more = [&](std::size_t n, std::string_view file) {
    if (n > cap)
      h += fmt::format("<p class='muted'>仅列出前 {} 条，共 {} 条；完整列表见 {}。</p>", cap, n,
                       file);
  };
  h += "<h2>督办清单（验收到期或逾期未通过、已启动批次未诊断）</h2>" +
       table_head("follow-up", {"企业编号", "名称", "区县", "批次", "服务商", "督办类型",
                                "当前等级", "原因", "下一步"});
  for (const auto& f : p.follow_up) {
    if (static_cast<std::size_t>(&f - p.follow_up.data()) >= cap) break;
    const Enterprise& e = *f.record->enterprise;
    h += fmt::format(
        "<tr><td class='id'>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td "
        "class='failed'>{}</td><td class='n'>{}</td><td>{}</td><td>{}</td></tr>",
        link(*f.record), esc(e.name), esc(e.district), batch_zh(prog, e.batch),
        provider_names(&result, e), follow_up_kind_zh(f.kind),
        f.level ? fmt::format("{}级", *f.level) : std::string("—"),
        [&] {
          std::string x;
          for (const auto& y : f.reasons) x += (x.empty() ? "" : "；") + esc(y);
          return x;
        }(),
        [&] {
          std::string x;
          for (const auto& y : f.actions) x += (x.empty() ? "" : "；") + esc(y);
          return x;
        }());
  }
  h += kTableEnd;
  more(p.follow_up.size(), "follow_up_by_district.csv");

  h += "<h2>典型案例候选（入选：市里选定；推荐：按提升排序）</h2>" +
       table_head("cases", {"排名", "企业编号", "行业", "提升", "推荐", "入选", "概要"});
  for (const auto& c : result.cases) {
    if (static_cast<std::size_t>(&c - result.cases.data()) >= cap) break;
    h += fmt::format(
        "<tr><td class='n'>{}{}</td><td class='id'>{}</td><td>{}</td><td>+{}级 / {}分 / "
        "{}个场景</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        c.rank, c.tied ? "（并列）" : "", link(*c.record),
        industry_zh(prog, c.record->enterprise->industry), c.level_steps, c.points.to_string(),
        c.scenarios_raised, c.suggested ? "✓" : "", c.selected ? "✓" : "", esc(c.summary));
  }
  h += kTableEnd;
  more(result.cases.size(), "cases.json");

  if (result.composition) h += composition_html_section(*result.composition);
  if (result.projects) h += projects_html_section(prog, *result.projects);
  if (result.subsidy) h += subsidy_html_section(prog, *result.subsidy);
  if (result.products) h += products_html_section(prog, *result.products, result);
  if (result.needs) h += needs_html_section(*result.needs);
  h += "<h2>全部企业验收结果</h2>" +
       table_head("acceptance", {"企业编号", "名称", "批次", "基线", "验收", "结论", "原因"});
  for (const auto& r : result.acceptance) {
    if (static_cast<std::size_t>(&r - result.acceptance.data()) >= cap) break;
    auto lv = [](const Snapshot* s) {
      return s && s->ok() ? fmt::format("{}级 {}分", s->level, s->total.to_string())
                          : std::string("—");
    };
    h += fmt::format(
        "<tr><td class='id'>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td "
        "class='{}'>{}</td><td>{}</td></tr>",
        link(r), esc(r.enterprise->name), batch_zh(prog, r.enterprise->batch), lv(r.baseline),
        lv(r.acceptance), to_string(r.decision), status_zh(r), reasons_zh(r));
  }
  h += kTableEnd;
  more(result.acceptance.size(), "acceptance.csv");
  h += kSignature;
  return h + "</body></html>\n";
}

std::string acceptance_html(const Programme& prog, const AcceptanceRecord& r, const RuleSet& rules,
                            const PilotResult* result) {
  const Enterprise& e = *r.enterprise;
  std::string h = "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>" +
                  esc(e.name.empty() ? e.id : e.name) + " 评测验收</title>" + kStyle +
                  "</head><body>";
  // The page is written beside the dashboard, in the same folder (PilotRun::write).
  h += fmt::format(
      "<p class='noprint'><a href='dashboard.html'>← 试点看板</a></p><h1>{} — "
      "评测验收（改造前后对比）</h1><p>企业编号：<span class='id'>{}</span>{}</p>",
      esc(e.name), esc(e.id),
      result ? fmt::format("｜截至 <b id='as-of'>{}</b>", result->progress.as_of.to_string())
             : std::string());
  h += fmt::format(
      "<p>行业：{}｜区县：{}｜批次：{}｜服务商：{}｜合同：{}｜计划完成：{}｜投入：{} 万元</p>",
      industry_zh(prog, e.industry), esc(e.district), batch_zh(prog, e.batch),
      provider_names(result, e), e.contract_date ? e.contract_date->to_string() : "—",
      e.planned_end ? e.planned_end->to_string() : "—", e.investment.to_string());
  h += fmt::format("<p style='font-size:18px'>验收结论：<b id='decision' class='{}'>{}</b></p>",
                   to_string(r.decision), status_zh(r));
  if (!r.reasons.empty()) {
    h += "<ul id='reasons'>";
    for (const auto& x : r.reasons)
      h += fmt::format("<li class='{}'>{}（{}）</li>", to_string(x.outcome), esc(x.zh),
                       decision_zh(x.outcome));
    h += "</ul>";
  }
  auto snap = [](const Snapshot* s) {
    if (!s) return std::string("无");
    if (!s->ok()) return fmt::format("{}（无法评分）", s->assessed_on.to_string());
    return fmt::format("{}，{}", s->assessed_on.to_string(), rules_zh(s->engine->rules()));
  };
  h += fmt::format("<p>改造前评测：{}<br>改造后评测：{}</p>", snap(r.baseline), snap(r.acceptance));
  const bool both = r.baseline && r.baseline->ok() && r.acceptance && r.acceptance->ok();
  auto delta = [](Decimal b, Decimal a) {
    const Decimal d = a - b;
    const char* cls = d > Decimal{} ? "up" : d < Decimal{} ? "down" : "muted";
    return fmt::format("<td class='n {}'>{}{}</td>", cls, d > Decimal{} ? "+" : "", d.to_string());
  };
  if (both) {
    h += "<h2>等级与总分</h2>" + table_head("summary", {"", "改造前", "改造后", "变化"});
    h += fmt::format(
        "<tr><td>等级</td><td class='n' id='level-before'>{}</td><td class='n' "
        "id='level-after'>{}</td>{}</tr>",
        r.baseline->level, r.acceptance->level,
        delta(Decimal::from_int(r.baseline->level), Decimal::from_int(r.acceptance->level)));
    h += fmt::format(
        "<tr><td>总分</td><td class='n' id='total-before'>{}</td><td class='n' "
        "id='total-after'>{}</td>{}</tr>",
        r.baseline->total.to_string(), r.acceptance->total.to_string(),
        delta(r.baseline->total, r.acceptance->total));
    h += kTableEnd;
  }
  if (r.comparable) {
    const RuleSet& rs = r.acceptance->engine->rules();
    h += "<h2>维度与分项</h2>" + table_head("parts", {"维度 / 分项", "改造前", "改造后", "变化"});
    std::size_t s = 0;
    for (std::size_t d = 0; d < rs.dimensions.size(); ++d) {
      h += fmt::format("<tr><td><b>{}</b></td><td class='n'>{}</td><td class='n'>{}</td>{}</tr>",
                       esc(rs.dimensions[d].zh), r.baseline->dimensions[d].to_string(),
                       r.acceptance->dimensions[d].to_string(),
                       delta(r.baseline->dimensions[d], r.acceptance->dimensions[d]));
      for (const auto& sub : rs.dimensions[d].sub_indicators) {
        h += fmt::format("<tr><td>　{}</td><td class='n'>{}</td><td class='n'>{}</td>{}</tr>",
                         esc(sub.zh), r.baseline->sub_indicators[s].to_string(),
                         r.acceptance->sub_indicators[s].to_string(),
                         delta(r.baseline->sub_indicators[s], r.acceptance->sub_indicators[s]));
        ++s;
      }
    }
    h += kTableEnd;
    h += "<h2>指标项</h2>" + table_head("items", {"指标项", "改造前", "改造后", "变化"});
    const auto items = rs.items();
    for (std::size_t i = 0; i < items.size(); ++i)
      h += fmt::format("<tr><td>{} {}</td><td class='n'>{}</td><td class='n'>{}</td>{}</tr>",
                       esc(items[i]->code), esc(items[i]->zh), r.baseline->items[i].to_string(),
                       r.acceptance->items[i].to_string(),
                       delta(r.baseline->items[i], r.acceptance->items[i]));
    h += kTableEnd;
    // Scenarios: paired bars, before (grey) and after (blue), constraint scenarios starred.
    const int top = rs.level_rule.top_level(), row = 26, left = 130, w = 280;
    const int height = static_cast<int>(rs.scenarios.size()) * row + 24;
    h += fmt::format(
        "<h2>场景等级（改造前 → 改造后）</h2><svg xmlns='http://www.w3.org/2000/svg' "
        "width='{0}' height='{1}' viewBox='0 0 {0} {1}' role='img' aria-label='场景等级' "
        "id='scenarios'>"
        "<rect x='{2}' y='2' width='12' height='8' fill='#bbb'/><text x='{3}' y='10' "
        "font-size='11'>改造前</text>"
        "<rect x='{4}' y='2' width='12' height='8' fill='#1f5fa6'/><text x='{5}' y='10' "
        "font-size='11'>改造后</text>",
        left + w + 60, height, left, left + 16, left + 70, left + 86);
    for (std::size_t k = 0; k < rs.scenarios.size(); ++k) {
      const int b = r.baseline->scenarios[k], a = r.acceptance->scenarios[k];
      const int y = 18 + static_cast<int>(k) * row;
      h += fmt::format("<text x='{}' y='{}' font-size='12' text-anchor='end'>{}{}</text>", left - 6,
                       y + 15, esc(rs.scenarios[k].zh), rs.scenarios[k].constraint ? "★" : "");
      h += fmt::format("<rect x='{}' y='{}' width='{}' height='9' fill='#bbb'/>", left, y + 2,
                       w * b / top);
      h += fmt::format("<rect x='{}' y='{}' width='{}' height='9' fill='{}'/>", left, y + 12,
                       w * a / top, a < b ? "#c62828" : "#1f5fa6");
      h += fmt::format("<text x='{}' y='{}' font-size='11'>{} → {}</text>", left + w + 6, y + 15, b,
                       a);
    }
    h += "</svg><p class='muted'>★ 约束性场景</p>";
  } else if (both) {
    h += "<p class='muted'>两次评测所用规则集不同，不做分项对比。</p>";
  }
  (void)rules;
  h += kSignature;
  return h + "</body></html>\n";
}

}  // namespace smedx

// The shared style and signature block, for the pilot's other pages (pilot/pilot_page.h).
namespace smedx::detail {
const char* pilot_page_style() noexcept { return kStyle; }
const char* pilot_page_signature() noexcept { return kSignature; }
}  // namespace smedx::detail
