// The 绩效自评 report: the plan's five headings, each a few figures from the pilot's result.
#include "smedx/self_evaluation.h"

#include <fmt/format.h>

#include "common/html_escape.h"
#include "common/json_writer.h"
#include "smedx/composition.h"
#include "smedx/projects.h"
#include "smedx/subsidy.h"

namespace smedx {

std::optional<ReportKind> report_kind(std::string_view name) noexcept {
  if (name == "midterm") return ReportKind::midterm;
  if (name == "final") return ReportKind::final_;
  return std::nullopt;
}

namespace {

using detail::Writer;

std::string_view kind_zh(ReportKind k) { return k == ReportKind::midterm ? "中期" : "终期"; }
std::string_view kind_id(ReportKind k) { return k == ReportKind::midterm ? "midterm" : "final"; }

// One figure of the report: what it measures, the value, and the target when there is one.
struct Figure {
  std::string id, zh, value, target;
};
struct Section {
  std::string id, zh;
  std::vector<Figure> figures;
  std::vector<std::string> notes;  // Chinese sentences
};

std::string num(long long v) { return std::to_string(v); }

std::vector<Section> sections(const Programme& prog, const PilotResult& r) {
  const Progress& p = r.progress;
  std::vector<Section> out;
  {
    Section s{"transformation", "数字化改造", {}, {}};
    s.figures.push_back(
        {"registered", "备案企业（家）", num(p.total.registered), num(prog.total_target)});
    s.figures.push_back({"passed", "验收通过（家）", num(p.total.passed), num(prog.total_target)});
    s.figures.push_back({"at_or_above", fmt::format("达到{}级及以上（家）", prog.target_level),
                         num(p.total.at_or_above), ""});
    for (const auto& row : p.by_industry)
      s.figures.push_back({"passed_" + row.key, row.zh + "：验收通过（家）", num(row.passed),
                           row.target ? num(row.target) : ""});
    if (r.composition)
      for (const auto& a : r.composition->above_scale)
        s.figures.push_back({"above_scale_" + a.industry, a.zh + "：规上企业达标占比（%）",
                             a.share_percent.to_string(),
                             r.composition->above_scale_target.to_string()});
    if (r.projects) {
      const auto& ms = prog.stages->milestones;
      s.figures.push_back(
          {"projects_overdue", "项目节点逾期（家）", num(r.projects->total.overdue), ""});
      if (!ms.empty())
        s.figures.push_back({"projects_done", "完成" + ms.back().zh + "（家）",
                             num(r.projects->total.reached.back()), ""});
    } else {
      s.notes.push_back("未提供项目节点数据，未统计项目阶段。");
    }
    out.push_back(std::move(s));
  }
  {
    Section s{"replication", "复制推广", {}, {}};
    int rated = 0, starred = 0;
    for (const auto& pr : r.providers) {
      rated += pr.composite.has_value();
      starred += pr.stars >= 4;
    }
    for (const auto& t : p.targets) s.figures.push_back({t.id, t.zh, num(t.actual), num(t.value)});
    s.figures.push_back({"providers_rated", "参与评星的服务商（家）", num(rated), ""});
    s.figures.push_back({"providers_4_stars", "四星及以上服务商（家）", num(starred), ""});
    out.push_back(std::move(s));
  }
  {
    Section s{"innovation", "中小企业创新能力提升", {}, {}};
    if (r.composition) {
      for (const auto& c : r.composition->targets)
        s.figures.push_back(
            {c.target->id, c.target->zh + "（家）", num(c.actual), num(c.target->value)});
      for (const auto& c : r.composition->targets)
        if (c.basis != "survey" && !c.target->survey_item.empty())
          s.notes.push_back(c.target->zh + "：评测规则无法判断，按企业标签统计。");
    } else {
      s.notes.push_back("方案未设企业构成指标。");
    }
    out.push_back(std::move(s));
  }
  {
    Section s{"practices", "典型经验做法", {}, {}};
    int selected = 0;
    for (const auto& k : r.cases) {
      if (!k.selected) continue;
      ++selected;
      const Enterprise& e = *k.record->enterprise;
      s.notes.push_back(fmt::format(
          "{}（{}）：{}", e.name.empty() ? e.id : e.name,
          prog.find_industry(e.industry) ? prog.find_industry(e.industry)->zh : e.industry,
          k.summary));
    }
    s.figures.push_back(
        {"cases_selected", "入选典型案例（个）", num(selected), num(prog.cases.target)});
    if (selected == 0) s.notes.push_back("尚未选定典型案例。");
    out.push_back(std::move(s));
  }
  {
    Section s{"funds", "专项资金使用", {}, {}};
    if (r.subsidy) {
      const SubsidyResult& sub = *r.subsidy;
      if (sub.example) s.notes.push_back(sub.note);
      s.figures.push_back(
          {"subsidy_enterprises", "予以奖补企业（家）", num(sub.total.eligible), ""});
      s.figures.push_back({"subsidy_total", "核定奖补（元）", yuan(sub.total.subsidy_fen), ""});
      s.figures.push_back(
          {"subsidy_base", "可计入奖补基数的投入（元）", yuan(sub.total.base_fen), ""});
      for (const auto& b : sub.by_payout)
        s.figures.push_back({"payout_" + b.key, b.zh + "（元）", yuan(b.subsidy_fen), ""});
      if (sub.split) {
        s.figures.push_back({"enterprise_share", "企业数字化改造资金占奖励资金（%）",
                             sub.split->enterprise_percent.to_string(),
                             num(sub.split->min_percent)});
        s.notes.push_back(sub.split->met ? "资金安排符合不低于规定比例用于企业数字化改造的要求。"
                                         : "资金安排未达到用于企业数字化改造的规定比例。");
      }
    } else {
      s.notes.push_back("未提供投入清单，未核定奖补。");
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string self_evaluation_json(const Programme& programme, const PilotResult& result,
                                 ReportKind kind) {
  Writer w;
  w.open('{');
  w.str("programme", programme.id);
  w.str("report", kind_id(kind));
  w.str("as_of", result.progress.as_of.to_string());
  w.key("sections");
  w.open('[');
  for (const auto& s : sections(programme, result)) {
    w.item_sep();
    w.open('{');
    w.str("id", s.id);
    w.str("zh", s.zh);
    w.key("figures");
    w.open('[');
    for (const auto& f : s.figures) {
      w.item_sep();
      w.open('{');
      w.str("id", f.id);
      w.str("zh", f.zh);
      w.str("value", f.value);
      if (f.target.empty())
        w.raw("target", "null");
      else
        w.str("target", f.target);
      w.close('}');
    }
    w.close(']');
    w.strings("notes", s.notes);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return w.out + "\n";
}

std::string self_evaluation_html(const Programme& programme, const PilotResult& result,
                                 ReportKind kind) {
  auto esc = [](std::string_view s) { return detail::html_escape(s); };
  std::string h = fmt::format(
      "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{}{}绩效自评</title>"
      "<style>body{{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;"
      "color:#222;max-width:900px}}h1{{font-size:20px}}h2{{font-size:16px;border-bottom:1px solid "
      "#ccc;margin-top:24px}}table{{border-collapse:collapse;width:100%;font-size:13px}}"
      "td,th{{border:1px solid #ccc;padding:4px 6px;text-align:left}}th{{background:#f2f2f2}}"
      "td.n{{text-align:right;white-space:nowrap}}.muted{{color:#777}}"
      ".sign{{margin-top:32px;display:flex;gap:48px;flex-wrap:wrap;break-inside:avoid}}"
      ".sign span{{min-width:180px;border-bottom:1px solid #222;padding-bottom:18px}}"
      "thead{{display:table-header-group}}tr{{break-inside:avoid}}"
      "@page{{size:A4;margin:14mm 12mm 16mm 12mm;@bottom-center{{content:'第 ' counter(page) "
      "' 页，共 ' counter(pages) ' 页';font-size:9pt}}}}"
      "@media print{{body{{margin:0;max-width:none;font-size:10pt}}h2{{break-after:avoid}}}}"
      "</style></head><body>",
      esc(programme.title), kind_zh(kind));
  h +=
      fmt::format("<h1>{}{}绩效自评报告</h1><p class='muted'>{}｜数据截至 <b id='as-of'>{}</b></p>",
                  esc(programme.title), kind_zh(kind), esc(programme.document),
                  result.progress.as_of.to_string());
  int n = 0;
  static const char* numerals[] = {"一", "二", "三", "四", "五", "六"};
  for (const auto& s : sections(programme, result)) {
    h += fmt::format("<h2 id='{}'>{}、{}</h2>", esc(s.id), numerals[n++ % 6], esc(s.zh));
    if (!s.figures.empty()) {
      h += "<table><thead><tr><th>指标</th><th>完成</th><th>目标</th></tr></thead><tbody>";
      for (const auto& f : s.figures)
        h += fmt::format("<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td></tr>",
                         esc(f.zh), esc(f.value), f.target.empty() ? "—" : esc(f.target));
      h += "</tbody></table>";
    }
    for (const auto& note : s.notes) h += "<p>" + esc(note) + "</p>";
  }
  h += "<div class='sign' id='signature'><span>编制单位（盖章）：</span><span>编制人：</span>"
       "<span>审核人：</span><span>日期：</span></div></body></html>\n";
  return h;
}

}  // namespace smedx
