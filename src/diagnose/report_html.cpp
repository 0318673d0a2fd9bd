#include "smedx/report.h"

#include <fmt/format.h>

#include "common/html_escape.h"
#include "diagnose/report_html.h"

#include <charconv>
#include <cmath>

namespace smedx {

namespace {

const char* kStyle =
    "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;"
    "color:#222}h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid "
    "#ccc;padding-bottom:4px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}"
    "td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f2f2f2}"
    ".tag-common{color:#b35900;font-weight:bold}.tag-own{color:#1f5fa6}.muted{color:#777}"
    ".warn{color:#a00}@media print{body{margin:8mm}}</style>";

using Out = std::back_insert_iterator<std::string>;

const double radar_cx = 220, radar_cy = 140, radar_r = 95;

std::pair<double, double> radar_point(std::size_t i, std::size_t n, double share) {
  const double angle = -M_PI / 2 + 2 * M_PI * static_cast<double>(i) / static_cast<double>(n);
  return {radar_cx + radar_r * share * std::cos(angle),
          radar_cy + radar_r * share * std::sin(angle)};
}

// The radar's frame and rings for n axes.
std::string radar_head(std::size_t n) {
  std::string svg =
      "<svg xmlns='http://www.w3.org/2000/svg' width='440' height='290' "
      "role='img' aria-label='维度得分雷达图'>";
  for (double ring : {0.25, 0.5, 0.75, 1.0}) {
    std::string pts;
    for (std::size_t i = 0; i < n; ++i) {
      auto [x, y] = radar_point(i, n, ring);
      fmt::format_to(Out(pts), "{:.1f},{:.1f} ", x, y);
    }
    fmt::format_to(Out(svg), "<polygon points='{}' fill='none' stroke='#ddd'/>", pts);
  }
  return svg;
}

// An axis's label up to its score.
std::string radar_label(std::size_t i, std::size_t n, std::string_view name) {
  auto [lx, ly] = radar_point(i, n, 1.18);
  std::string out =
      fmt::format("<text x='{:.1f}' y='{:.1f}' font-size='12' text-anchor='middle'>", lx, ly + 4);
  detail::html_escape_to(out, name);
  return out + " ";
}

// Chart geometry: one row per scenario, levels 0-top along `width`.
constexpr int chart_row = 20, chart_left = 120, chart_width = 240;

std::string chart_head(std::size_t scenarios, int top, int target) {
  const int height = static_cast<int>(scenarios) * chart_row + 30;
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' "
      "role='img' aria-label='场景等级'>",
      chart_left + chart_width + 40, height);
  const int tx = chart_left + chart_width * target / top;
  fmt::format_to(Out(svg),
                 "<line x1='{}' y1='0' x2='{}' y2='{}' stroke='#b35900' "
                 "stroke-dasharray='4 3'/><text x='{}' y='{}' font-size='11' "
                 "fill='#b35900'>目标{}级</text>",
                 tx, tx, height - 20, tx + 3, height - 6, target);
  return svg;
}

// A scenario's row of the chart: its label and its bar at `level`.
std::string chart_bar(const Scenario& sc, std::size_t s, int level, int top, bool reached) {
  const int y = static_cast<int>(s) * chart_row + 4;
  std::string out =
      fmt::format("<text x='{}' y='{}' font-size='12' text-anchor='end'>", chart_left - 6, y + 13);
  detail::html_escape_to(out, sc.zh);
  out += sc.constraint ? "★</text>" : "</text>";
  // The bar's tooltip names what the level reached means, in the short label a chart has
  // room for; the scenario table below gives the full text.
  const std::string tip =
      level >= 1 && static_cast<std::size_t>(level) <= sc.levels.size()
          ? fmt::format("{} {}级：{}", sc.zh, level, sc.levels[level - 1].short_zh())
          : fmt::format("{} 未达到1级", sc.zh);
  fmt::format_to(Out(out), "<rect x='{}' y='{}' width='{}' height='14' fill='{}'><title>",
                 chart_left, y, chart_width * level / top, reached ? "#3a8f3a" : "#c9a227");
  detail::html_escape_to(out, tip);
  fmt::format_to(Out(out), "</title></rect><text x='{}' y='{}' font-size='11'>{}</text>",
                 chart_left + chart_width * level / top + 4, y + 12, level);
  return out;
}

// What a scenario's level means, in full: the text an enterprise reads to know where it stands.
std::string level_meaning(const Scenario& sc, int level) {
  if (level >= 1 && static_cast<std::size_t>(level) <= sc.levels.size())
    return sc.levels[static_cast<std::size_t>(level - 1)].zh;
  return {};
}

void answer_text(std::string& out, const std::vector<char>& letters) {
  bool first = true;
  for (char l : letters) {
    if (!first) out += "、";
    first = false;
    detail::html_escape_to(out, std::string_view(&l, 1));
  }
}

}  // namespace

namespace detail {

EnterpriseHtml::EnterpriseHtml(const RuleSet& rules)
    : rules_(rules), top_(rules.level_rule.top_level()) {
  const std::size_t n = rules.dimensions.size();
  radar_head_ = radar_head(n);
  for (std::size_t i = 0; i < n; ++i) {
    radar_label_.push_back(radar_label(i, n, rules.dimensions[i].zh));
    dimension_row_.push_back("<tr><td>" + html_escape(rules.dimensions[i].zh) + "</td><td>");
  }
  for (int target = 1; target <= top_; ++target)
    chart_head_.push_back(chart_head(rules.scenarios.size(), top_, target));
  for (std::size_t s = 0; s < rules.scenarios.size(); ++s) {
    const smedx::Scenario& sc = rules.scenarios[s];
    Scenario& p = scenarios_.emplace_back();
    p.table_head = "<tr><td>" + html_escape(sc.code) + "</td><td>" + html_escape(sc.zh) +
                   (sc.constraint ? "★" : "") + "</td><td>";
    p.meaning.emplace_back();
    for (const auto& level : sc.levels) p.meaning.push_back(html_escape(level.zh));
    for (int level = 0; level <= top_; ++level) {
      p.bar.push_back(chart_bar(sc, s, level, top_, false));
      p.bar_done.push_back(chart_bar(sc, s, level, top_, true));
    }
  }
}

void EnterpriseHtml::render(const Diagnosis& d, std::string& h) const {
  const RuleSet& rules = rules_;
  const Assessment& a = d.assessment;
  auto esc = [&h](std::string_view s) { html_escape_to(h, s); };
  // Numbers appended as fmt's "{}" writes them, without a format string to parse.
  auto num = [&h](int v) {
    char digits[16];
    h.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
  };
  std::string_view name;
  for (const auto& [k, v] : a.enterprise)
    if (k == "name") name = v;
  h.reserve(h.size() + 16384);
  h += "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>";
  esc(a.enterprise_id);
  h += " 数字化水平诊断</title>";
  h += kStyle;
  h += "</head><body><h1>";
  esc(a.enterprise_id);
  h += ' ';
  esc(name);
  h += " — 数字化水平诊断（一企一档）</h1>";
  if (!a.ok()) {
    h += "<p class='warn'>问卷有误，无法评分：</p><ul>";
    for (const auto& e : a.errors) {
      h += "<li>";
      esc(e.message);
      h += "</li>";
    }
    h += "</ul></body></html>";
    return;
  }
  const IndustryProfile* profile = rules.find_profile(d.profile);
  // The industry by its Chinese name when it has a profile of its own; else as written, with
  // the profile it is diagnosed by.
  h += "<p>行业：";
  if (profile && !d.industry.empty() && rules.find_profile(d.industry) == profile) {
    esc(profile->zh);
  } else {
    esc(d.industry.empty() ? "未填" : d.industry);
    h += "（按行业画像：";
    esc(profile ? profile->zh : d.profile);
    h += "）";
  }
  h += "｜当前等级：<b>";
  esc(a.level_name);
  h += "</b>｜总分：<b>";
  h += a.total.to_string();
  h += "</b>｜目标：";
  num(d.target);
  h += "级</p>";
  h += "<h2>得分</h2><div style='display:flex;flex-wrap:wrap;gap:24px'>";

  // A radar of the dimensions' shares of their maxima (one axis each).
  const std::size_t n = a.dimensions.size();
  if (n >= 3) {
    const bool drawn = n == radar_label_.size();  // else (never for a rule set's own) drawn here
    h += drawn ? radar_head_ : radar_head(n);
    std::string pts;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& dim = a.dimensions[i];
      const double share =
          dim.max.thousandths() ? dim.points.to_double() / dim.max.to_double() : 0.0;
      auto [x, y] = radar_point(i, n, share);
      fmt::format_to(Out(pts), "{:.1f},{:.1f} ", x, y);
      h += drawn ? radar_label_[i]
                 : radar_label(i, n, i < rules.dimensions.size() ? rules.dimensions[i].zh : dim.id);
      h += dim.points.to_string();
      h += '/';
      h += dim.max.to_string();
      h += "</text>";
    }
    fmt::format_to(Out(h), "<polygon points='{}' fill='rgba(31,95,166,0.3)' stroke='#1f5fa6'/>",
                   pts);
    h += "</svg>";
  }

  // Horizontal bars: each scenario's level 0-4, the target marked, constraint scenarios starred.
  const bool known_target =
      d.target >= 1 && d.target <= top_ && a.scenarios.size() == rules.scenarios.size();
  h += known_target ? chart_head_[static_cast<std::size_t>(d.target - 1)]
                    : chart_head(a.scenarios.size(), top_, d.target);
  for (std::size_t s = 0; s < a.scenarios.size(); ++s) {
    const int level = a.scenarios[s].second;
    const bool reached = level >= d.target;
    if (s < scenarios_.size() && level >= 0 && level <= top_)
      h += (reached ? scenarios_[s].bar_done : scenarios_[s].bar)[static_cast<std::size_t>(level)];
    else
      h += chart_bar(rules.scenarios[s], s, level, top_, reached);
  }
  h += "</svg></div>";

  h += "<table><tr><th>维度</th><th>得分</th><th>满分</th></tr>";
  for (std::size_t i = 0; i < a.dimensions.size(); ++i) {
    h += dimension_row_[i];
    h += a.dimensions[i].points.to_string();
    h += "</td><td>";
    h += a.dimensions[i].max.to_string();
    h += "</td></tr>";
  }
  h += "</table><h2>等级判定</h2><table><tr><th>等级</th><th>条件</th><th>要求</th><th>现状</th></"
       "tr>";
  for (const auto& check : a.explanation) {
    const bool met = check.met();
    for (const auto& c : check.conditions) {
      h += "<tr><td>";
      num(check.level);
      h += met ? "级（已达）</td><td>" : "级（未达）</td><td>";
      h += c.what == "points"      ? "总分"
           : c.what == "scenarios" ? "达到该级的场景数"
                                   : "其中约束性场景数";
      h += "</td><td>≥ ";
      h += c.required.to_string();
      h += "</td><td>";
      h += c.has.to_string();
      h += "</td></tr>";
    }
  }
  h += "</table>";

  // One row per scenario: its level and, in full, what that level and the target level mean.
  h += "<h2>场景现状</h2><table><tr><th>编号</th><th>场景</th><th>等级</th><th>当前等级含义</"
       "th><th>";
  num(d.target);
  h += "级要求</th></tr>";
  for (std::size_t s = 0; s < a.scenarios.size() && s < rules.scenarios.size(); ++s) {
    const Scenario& p = scenarios_[s];
    const int level = a.scenarios[s].second;
    auto meaning = [&p](int l) -> const std::string* {
      return l >= 1 && static_cast<std::size_t>(l) < p.meaning.size()
                 ? &p.meaning[static_cast<std::size_t>(l)]
                 : nullptr;
    };
    h += p.table_head;
    num(level);
    h += "级</td><td>";
    const std::string* now = meaning(level);
    h += now && !now->empty() ? *now : "<span class='muted'>未达到1级</span>";
    h += "</td><td>";
    if (level >= d.target) {
      h += "<span class='muted'>已达到</span>";
    } else if (const std::string* goal = meaning(d.target)) {
      h += *goal;
    }
    h += "</td></tr>";
  }
  h += "</table>";

  h += "<h2>转型需求（目标";
  num(d.target);
  h += "级）</h2>";
  if (d.path.status == PathStatus::already) {
    h += "<p>已达到或超过目标等级。</p>";
  } else if (d.path.status == PathStatus::unreachable) {
    h += "<p class='warn'>无法达到：";
    esc(d.path.reason);
    h += "</p>";
  } else {
    h += "<p class='muted'>最小成本路径，成本 ";
    h += d.path.cost.to_string();
    h += "。共性 = 本行业多数企业共有的需求；个性 = 本企业自身的需求。</p>";
    h += "<table><tr><th>类别</th><th>优先级</th><th>编号</th><th>名称</th><th>现状 → "
         "目标</th><th>含义</th><th>收益</th><th>佐证材料</th></tr>";
    for (const auto& r : d.requirements) {
      h += r.common ? "<tr><td class='tag-common'>共性</td><td>"
                    : "<tr><td class='tag-own'>个性</td><td>";
      h += r.priority == "high" ? "高" : r.priority == "medium" ? "中" : "一般";
      h += "</td><td>";
      esc(r.change.code);
      h += "</td><td>";
      esc(r.zh);
      h += r.constraint ? "★</td><td>" : "</td><td>";
      if (r.change.kind == Change::Kind::scenario) {
        num(r.change.from_level);
        h += "级 → ";
        num(r.change.to_level);
        h += "级";
      } else {
        answer_text(h, r.change.from);
        h += " → ";
        answer_text(h, r.change.to);
      }
      h += "</td><td>";
      esc(r.meaning);
      h += "</td><td>";
      esc(r.gain);
      h += "</td><td>";
      for (const auto& e : r.evidence) {
        h += "☐ ";
        esc(e);
        h += "<br>";
      }
      h += "</td></tr>";
    }
    h += "</table>";
    if (!d.path.warnings.empty()) {
      h += "<p class='warn'>按此路径改造后，以下合理性检查将提示，请一并考虑：</p><ul>";
      for (const auto& w : d.path.warnings) {
        h += "<li class='warn'>";
        esc(w.message);
        h += "</li>";
      }
      h += "</ul>";
    }
  }
  if (!a.warnings.empty() || !d.warnings.empty()) {
    h += "<h2>合理性提示</h2><ul>";
    for (const auto* list : {&a.warnings, &d.warnings})
      for (const auto& w : *list) {
        h += "<li class='warn'>";
        esc(w.message);
        h += "</li>";
      }
    h += "</ul>";
  }
  h += "<p class='muted'>评测依据：";
  esc(a.provenance.rule_set_id);
  h += ' ';
  esc(a.provenance.rule_set_version);
  h += "（";
  esc(a.provenance.rule_set_hash);
  h += "），引擎 smedx ";
  esc(a.provenance.engine_version);
  h += "</p></body></html>";
}

}  // namespace detail

std::string enterprise_html(const Diagnosis& d, const RuleSet& rules) {
  return detail::EnterpriseHtml(rules).render(d);
}

namespace {
std::string esc(std::string_view s) { return detail::html_escape(s); }
}  // namespace

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
