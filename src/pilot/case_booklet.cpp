// The 典型案例集 booklet (smedx/case_booklet.h): a cover, then each selected case on a page of its
// own (break-before:page), in the pilot pages' style (pilot/pilot_page.h).
#include "smedx/case_booklet.h"

#include <fmt/format.h>

#include "common/html_escape.h"
#include "pilot/pilot_page.h"
#include "smedx/pilot_products.h"

namespace smedx {

namespace {

std::string esc(std::string_view s) { return detail::html_escape(s); }

std::string provider_names(const PilotResult& result, const Enterprise& e) {
  std::string out;
  for (const auto& id : e.providers) {
    std::string name = id;
    for (const auto& p : result.providers)
      if (p.id == id && !p.name.empty()) name = p.name;
    out += (out.empty() ? "" : "、") + esc(name);
  }
  return out.empty() ? std::string("—") : out;
}

// A register solution as people name it: the catalogue product's name when the pilot has a
// catalogue and the solution is one of its ids, else as the register writes it (words).
const std::string& solution_name(const PilotResult& result, const std::string& solution) {
  if (result.products && result.products->catalogue)
    for (const auto& p : result.products->catalogue->products)
      if (p.id == solution) return p.name;
  return solution;
}

std::string signed_delta(Decimal d) { return (d < Decimal{} ? "" : "+") + d.to_string(); }

std::string one_case(const Programme& prog, const PilotResult& result, const CaseCandidate& k,
                     int number) {
  const AcceptanceRecord& r = *k.record;
  const Enterprise& e = *r.enterprise;
  const ProgrammeIndustry* ind = prog.find_industry(e.industry);
  const Batch* batch = prog.find_batch(e.batch);
  std::string h = fmt::format(
      "<section class='case' id='case-{}'><h2>案例{}　{}</h2>"
      "<table class='facts'><tbody>"
      "<tr><th>企业名称</th><td>{}</td><th>企业编号</th><td class='id'>{}</td></tr>"
      "<tr><th>所属行业</th><td class='industry'>{}</td><th>区县</th><td>{}</td></tr>"
      "<tr><th>服务商</th><td class='provider'>{}</td><th>批次</th><td>{}</td></tr>"
      "<tr><th>产品与解决方案</th><td class='solutions' colspan='3'>{}</td></tr>"
      "<tr><th>改造投入</th><td>{} 万元</td><th>推荐排名</th><td>第 {} 名{}</td></tr>"
      "</tbody></table>",
      number, number, esc(e.name), esc(e.name), esc(e.id),
      esc(ind && !ind->zh.empty() ? ind->zh : e.industry), esc(e.district),
      provider_names(result, e), esc(batch && !batch->zh.empty() ? batch->zh : e.batch),
      [&] {
        std::string s;
        for (const auto& x : e.solutions)
          s += (s.empty() ? "" : "、") + esc(solution_name(result, x));
        return s.empty() ? std::string("—") : s;
      }(),
      e.investment.to_string(), k.rank, k.tied ? "（并列）" : "");
  h += fmt::format(
      "<h3>改造前后</h3><table class='before-after'><thead><tr><th></th><th>改造前</th>"
      "<th>改造后</th><th>变化</th></tr></thead><tbody>"
      "<tr><td>评测日期</td><td>{}</td><td>{}</td><td></td></tr>"
      "<tr><td>等级</td><td class='n level-before'>{}级</td><td class='n level-after'>{}级</td>"
      "<td class='n up'>{:+}级</td></tr>"
      "<tr><td>总分</td><td class='n'>{}</td><td class='n'>{}</td><td class='n up'>{}</td></tr>"
      "</tbody></table>",
      r.baseline->assessed_on.to_string(), r.acceptance->assessed_on.to_string(), r.baseline->level,
      r.acceptance->level, k.level_steps, r.baseline->total.to_string(),
      r.acceptance->total.to_string(), signed_delta(k.points));
  h += "<h3>改造内容（等级提高的场景、得分提高的指标项）</h3>";
  if (!r.comparable) {
    h += "<p class='muted'>两次评测所用规则集不同，不做分项对比。</p>";
  } else {
    const RuleSet& rs = r.acceptance->engine->rules();
    std::string rows;
    for (std::size_t j = 0; j < rs.scenarios.size(); ++j) {
      const int b = r.baseline->scenarios[j], a = r.acceptance->scenarios[j];
      if (a <= b) continue;
      const Scenario& sc = rs.scenarios[j];
      const std::string reached =
          a >= 1 && static_cast<std::size_t>(a) <= sc.levels.size() ? sc.levels[a - 1].zh : "";
      rows += fmt::format(
          "<tr class='scenario'><td>场景</td><td>{}{}</td><td class='n'>{}级 → {}级</td>"
          "<td>{}</td></tr>",
          esc(sc.zh), sc.constraint ? "★" : "", b, a, esc(reached));
    }
    const auto items = rs.items();
    for (std::size_t j = 0; j < items.size(); ++j) {
      if (!(r.baseline->items[j] < r.acceptance->items[j])) continue;
      rows += fmt::format(
          "<tr class='item'><td>指标项</td><td>{}</td><td class='n'>{} → {} 分</td><td></td></tr>",
          esc(items[j]->zh), r.baseline->items[j].to_string(), r.acceptance->items[j].to_string());
    }
    if (rows.empty())
      h += "<p class='muted'>无等级提高的场景或得分提高的指标项。</p>";
    else
      h += "<table class='changes'><thead><tr><th>类型</th><th>名称</th><th>改造前 → 改造后</th>"
           "<th>达到的水平</th></tr></thead><tbody>" +
           rows + "</tbody></table><p class='muted'>★ 约束性场景</p>";
  }
  return h + "</section>";
}

}  // namespace

std::string case_booklet_html(const Programme& prog, const PilotResult& result) {
  std::string h = "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>" +
                  esc(prog.title) + " 典型案例集</title>" + detail::pilot_page_style() +
                  "<style>.case{break-before:page}.cover{text-align:center;margin-top:30%}"
                  ".facts th{width:7em}.changes td:nth-child(-n+3){white-space:nowrap}"
                  ".changes td:nth-child(4){font-size:90%}</style>"
                  "</head><body>";
  int selected = 0;
  for (const auto& k : result.cases) selected += k.selected;
  h += fmt::format(
      "<div class='cover'><h1>{}<br>典型案例集</h1><p>{}</p><p>截至 <b id='as-of'>{}</b>｜"
      "市级选定典型案例 <b id='case-count'>{}</b> 个</p>",
      esc(prog.title), esc(prog.document), result.progress.as_of.to_string(), selected);
  if (!result.progress.selected_not_candidates.empty())
    h += fmt::format("<p class='muted'>另有 {} 家选定企业尚未通过验收，未收入本集。</p>",
                     result.progress.selected_not_candidates.size());
  if (selected == 0) h += "<p class='muted'>市里尚未选定典型案例。</p>";
  h += std::string(detail::pilot_page_signature()) + "</div>";
  int number = 0;
  for (const auto& k : result.cases)
    if (k.selected) h += one_case(prog, result, k, ++number);
  return h + "</body></html>\n";
}

}  // namespace smedx
