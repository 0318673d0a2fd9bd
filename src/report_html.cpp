#include "smedx/report.h"

#include <fmt/format.h>

#include "html_escape.h"

#include <cmath>

namespace smedx {

namespace {

std::string esc(std::string_view s) { return detail::html_escape(s); }

const char* kStyle =
    "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;"
    "color:#222}h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid "
    "#ccc;padding-bottom:4px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}"
    "td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f2f2f2}"
    ".tag-common{color:#b35900;font-weight:bold}.tag-own{color:#1f5fa6}.muted{color:#777}"
    ".warn{color:#a00}@media print{body{margin:8mm}}</style>";

// A radar of the dimensions' shares of their maxima (one axis each).
std::string radar(const Assessment& a, const RuleSet& rules) {
  const double cx = 220, cy = 140, r = 95;
  const std::size_t n = a.dimensions.size();
  if (n < 3) return {};
  std::string svg =
      "<svg xmlns='http://www.w3.org/2000/svg' width='440' height='290' "
      "role='img' aria-label='维度得分雷达图'>";
  auto point = [&](std::size_t i, double share) {
    const double angle = -M_PI / 2 + 2 * M_PI * static_cast<double>(i) / static_cast<double>(n);
    return std::make_pair(cx + r * share * std::cos(angle), cy + r * share * std::sin(angle));
  };
  for (double ring : {0.25, 0.5, 0.75, 1.0}) {
    std::string pts;
    for (std::size_t i = 0; i < n; ++i) {
      auto [x, y] = point(i, ring);
      pts += fmt::format("{:.1f},{:.1f} ", x, y);
    }
    svg += fmt::format("<polygon points='{}' fill='none' stroke='#ddd'/>", pts);
  }
  std::string pts;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& d = a.dimensions[i];
    const double share = d.max.thousandths() ? d.points.to_double() / d.max.to_double() : 0.0;
    auto [x, y] = point(i, share);
    pts += fmt::format("{:.1f},{:.1f} ", x, y);
    auto [lx, ly] = point(i, 1.18);
    svg += fmt::format(
        "<text x='{:.1f}' y='{:.1f}' font-size='12' text-anchor='middle'>{} "
        "{}/{}</text>",
        lx, ly + 4, esc(i < rules.dimensions.size() ? rules.dimensions[i].zh : d.id),
        d.points.to_string(), d.max.to_string());
  }
  svg += fmt::format("<polygon points='{}' fill='rgba(31,95,166,0.3)' stroke='#1f5fa6'/>", pts);
  return svg + "</svg>";
}

// Horizontal bars: each scenario's level 0-4, the target marked, constraint scenarios starred.
std::string scenario_chart(const Assessment& a, const RuleSet& rules, int target) {
  const int top = rules.level_rule.top_level();
  const int row = 20, left = 120, width = 240;
  const int height = static_cast<int>(a.scenarios.size()) * row + 30;
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' "
      "role='img' aria-label='场景等级'>",
      left + width + 40, height);
  const int tx = left + width * target / top;
  svg += fmt::format(
      "<line x1='{}' y1='0' x2='{}' y2='{}' stroke='#b35900' "
      "stroke-dasharray='4 3'/><text x='{}' y='{}' font-size='11' "
      "fill='#b35900'>目标{}级</text>",
      tx, tx, height - 20, tx + 3, height - 6, target);
  for (std::size_t s = 0; s < a.scenarios.size(); ++s) {
    const Scenario& sc = rules.scenarios[s];
    const int level = a.scenarios[s].second;
    const int y = static_cast<int>(s) * row + 4;
    svg += fmt::format("<text x='{}' y='{}' font-size='12' text-anchor='end'>{}{}</text>", left - 6,
                       y + 13, esc(sc.zh), sc.constraint ? "★" : "");
    // The bar's tooltip names what the level reached means, in the short label a chart has
    // room for; the scenario table below gives the full text.
    const std::string tip =
        level >= 1 && static_cast<std::size_t>(level) <= sc.levels.size()
            ? fmt::format("{} {}级：{}", sc.zh, level, sc.levels[level - 1].short_zh())
            : fmt::format("{} 未达到1级", sc.zh);
    svg += fmt::format(
        "<rect x='{}' y='{}' width='{}' height='14' fill='{}'><title>{}</title></rect>", left, y,
        width * level / top, level >= target ? "#3a8f3a" : "#c9a227", esc(tip));
    svg += fmt::format("<text x='{}' y='{}' font-size='11'>{}</text>",
                       left + width * level / top + 4, y + 12, level);
  }
  return svg + "</svg>";
}

// What a scenario's level means, in full: the text an enterprise reads to know where it stands.
std::string level_meaning(const Scenario& sc, int level) {
  if (level >= 1 && static_cast<std::size_t>(level) <= sc.levels.size())
    return sc.levels[static_cast<std::size_t>(level - 1)].zh;
  return {};
}

// One row per scenario: its level and, in full, what that level and the target level mean.
std::string scenario_table(const Assessment& a, const RuleSet& rules, int target) {
  std::string h = fmt::format(
      "<h2>场景现状</h2><table><tr><th>编号</th><th>场景</th><th>等级</th><th>当前等级含义</"
      "th><th>{}级要求</th></tr>",
      target);
  for (std::size_t s = 0; s < a.scenarios.size() && s < rules.scenarios.size(); ++s) {
    const Scenario& sc = rules.scenarios[s];
    const int level = a.scenarios[s].second;
    const std::string now = level_meaning(sc, level);
    const std::string goal = level_meaning(sc, target);
    h += fmt::format("<tr><td>{}</td><td>{}{}</td><td>{}级</td><td>{}</td><td>{}</td></tr>",
                     esc(sc.code), esc(sc.zh), sc.constraint ? "★" : "", level,
                     now.empty() ? "<span class='muted'>未达到1级</span>" : esc(now),
                     level >= target ? "<span class='muted'>已达到</span>" : esc(goal));
  }
  return h + "</table>";
}

std::string answer_text(const std::vector<char>& letters) {
  std::string out;
  for (char l : letters) out += (out.empty() ? "" : "、") + std::string(1, l);
  return out;
}

}  // namespace

std::string enterprise_html(const Diagnosis& d, const RuleSet& rules) {
  const Assessment& a = d.assessment;
  std::string name;
  for (const auto& [k, v] : a.enterprise)
    if (k == "name") name = v;
  std::string h = "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>" +
                  esc(a.enterprise_id) + " 数字化水平诊断</title>" + kStyle + "</head><body>";
  h += fmt::format("<h1>{} {} — 数字化水平诊断（一企一档）</h1>", esc(a.enterprise_id), esc(name));
  if (!a.ok()) {
    h += "<p class='warn'>问卷有误，无法评分：</p><ul>";
    for (const auto& e : a.errors) h += "<li>" + esc(e.message) + "</li>";
    return h + "</ul></body></html>";
  }
  const IndustryProfile* profile = rules.find_profile(d.profile);
  h += fmt::format(
      "<p>行业：{}（行业画像：{}）｜当前等级：<b>{}</b>｜总分：<b>{}</b>｜目标：{}级</p>",
      esc(d.industry.empty() ? "未填" : d.industry), esc(profile ? profile->zh : d.profile),
      esc(a.level_name), a.total.to_string(), d.target);
  h += "<h2>得分</h2><div style='display:flex;flex-wrap:wrap;gap:24px'>" + radar(a, rules) +
       scenario_chart(a, rules, d.target) + "</div>";
  h += "<table><tr><th>维度</th><th>得分</th><th>满分</th></tr>";
  for (std::size_t i = 0; i < a.dimensions.size(); ++i)
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", esc(rules.dimensions[i].zh),
                     a.dimensions[i].points.to_string(), a.dimensions[i].max.to_string());
  h += "</table><h2>等级判定</h2><table><tr><th>等级</th><th>条件</th><th>要求</th><th>现状</th></"
       "tr>";
  for (const auto& check : a.explanation)
    for (const auto& c : check.conditions)
      h += fmt::format("<tr><td>{}级{}</td><td>{}</td><td>≥ {}</td><td>{}</td></tr>", check.level,
                       check.met() ? "（已达）" : "（未达）",
                       c.what == "points"      ? "总分"
                       : c.what == "scenarios" ? "达到该级的场景数"
                                               : "其中约束性场景数",
                       c.required.to_string(), c.has.to_string());
  h += "</table>";
  h += scenario_table(a, rules, d.target);
  h += fmt::format("<h2>转型需求（目标{}级）</h2>", d.target);
  if (d.path.status == PathStatus::already) {
    h += "<p>已达到或超过目标等级。</p>";
  } else if (d.path.status == PathStatus::unreachable) {
    h += "<p class='warn'>无法达到：" + esc(d.path.reason) + "</p>";
  } else {
    h += fmt::format(
        "<p class='muted'>最小成本路径，成本 {}。共性 = 本行业多数企业共有的需求；个性 = "
        "本企业自身的需求。</p>",
        d.path.cost.to_string());
    h += "<table><tr><th>类别</th><th>优先级</th><th>编号</th><th>名称</th><th>现状 → "
         "目标</th><th>含义</th><th>收益</th><th>佐证材料</th></tr>";
    for (const auto& r : d.requirements) {
      const bool scenario = r.change.kind == Change::Kind::scenario;
      std::string evidence;
      for (const auto& e : r.evidence) evidence += "☐ " + esc(e) + "<br>";
      h += fmt::format(
          "<tr><td class='{}'>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td><td>{}</td></tr>",
          r.common ? "tag-common" : "tag-own", r.common ? "共性" : "个性",
          r.priority == "high"     ? "高"
          : r.priority == "medium" ? "中"
                                   : "一般",
          esc(r.change.code), esc(r.zh), r.constraint ? "★" : "",
          scenario ? fmt::format("{}级 → {}级", r.change.from_level, r.change.to_level)
                   : esc(answer_text(r.change.from)) + " → " + esc(answer_text(r.change.to)),
          esc(r.meaning), esc(r.gain), evidence);
    }
    h += "</table>";
    if (!d.path.warnings.empty()) {
      h += "<p class='warn'>按此路径改造后，以下合理性检查将提示，请一并考虑：</p><ul>";
      for (const auto& w : d.path.warnings) h += "<li class='warn'>" + esc(w.message) + "</li>";
      h += "</ul>";
    }
  }
  std::vector<std::string> warnings;
  for (const auto& w : a.warnings) warnings.push_back(w.message);
  for (const auto& w : d.warnings) warnings.push_back(w.message);
  if (!warnings.empty()) {
    h += "<h2>合理性提示</h2><ul>";
    for (const auto& w : warnings) h += "<li class='warn'>" + esc(w) + "</li>";
    h += "</ul>";
  }
  h += fmt::format("<p class='muted'>评测依据：{} {}（{}），引擎 smedx {}</p>",
                   esc(a.provenance.rule_set_id), esc(a.provenance.rule_set_version),
                   esc(a.provenance.rule_set_hash), esc(a.provenance.engine_version));
  return h + "</body></html>";
}

std::string cohort_html(const Cohort& cohort, const RuleSet& rules, int target) {
  std::string h =
      "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>"
      "试点企业数字化水平总览</title>" +
      std::string(kStyle) + "</head><body><h1>试点企业数字化水平总览</h1>";
  const int top = rules.level_rule.top_level();
  for (const auto& [key, g] : cohort.groups()) {
    h += fmt::format("<h2>{} {}</h2>", esc(key.empty() ? "未填行业" : key), esc(g.zh));
    h += fmt::format("<p>企业 {} 家，可评分 {} 家，达到{}级及以上 {} 家（{:.0f}%）</p>",
                     g.enterprises, g.scored, target, g.at_or_above_target,
                     g.scored ? 100.0 * g.at_or_above_target / g.scored : 0.0);
    // Level distribution as bars.
    int most = 1;
    for (const auto& [level, n] : g.levels) most = std::max(most, n);
    h += "<svg xmlns='http://www.w3.org/2000/svg' width='320' height='150' role='img' "
         "aria-label='等级分布'>";
    for (int level = 0; level <= top; ++level) {
      auto it = g.levels.find(level);
      const int n = it == g.levels.end() ? 0 : it->second;
      const int bar = 90 * n / most;
      h += fmt::format(
          "<rect x='{}' y='{}' width='40' height='{}' fill='{}'/><text x='{}' y='{}' "
          "font-size='12' text-anchor='middle'>{}</text><text x='{}' y='125' "
          "font-size='12' text-anchor='middle'>{}级</text>",
          10 + level * 60, 100 - bar, bar, level >= target ? "#3a8f3a" : "#c9a227", 30 + level * 60,
          96 - bar, n, 30 + level * 60, level);
    }
    h += "</svg>";
    h += fmt::format(
        "<table><tr><th>共性需求</th><th>编号</th><th>企业数</th><th>占比</th><th>{}级要求</th></"
        "tr>",
        target);
    for (const auto& [rk, r] : g.requirements) {
      Requirement probe;
      probe.change.kind = r.kind == "scenario" ? Change::Kind::scenario : Change::Kind::item;
      probe.change.id = r.id;
      if (!cohort.is_common(key, probe)) continue;
      // A scenario's requirement is its level at the target, in full; an item's depends on
      // each enterprise's answers, so the enterprise files give it.
      const Scenario* sc = r.kind == "scenario" ? rules.find_scenario(r.id) : nullptr;
      const std::string meaning = sc ? level_meaning(*sc, target) : std::string{};
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0f}%</td><td>{}</td></tr>",
                       esc(r.zh), esc(r.code), r.count, 100.0 * r.count / g.scored,
                       meaning.empty() ? "—" : esc(meaning));
    }
    h += "</table>";
    if (!g.errors.empty()) {
      h += "<p class='warn'>问卷有误的企业：</p><ul>";
      for (const auto& [id, message] : g.errors)
        h += "<li>" + esc(id) + "：" + esc(message) + "</li>";
      h += "</ul>";
    }
  }
  return h + "</body></html>";
}

}  // namespace smedx
