#include "smedx/report.h"

#include <fmt/format.h>

#include "common/html_escape.h"
#include "common/page_style.h"
#include "diagnose/report_html.h"
#include "score/level_rule.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace smedx {

namespace {

// The pages' own look; their print rules (A4, repeated headers, the signature block) are the
// ones every page for people shares (common/page_style.h).
const std::string& style() {
  static const std::string s =
      "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;"
      "color:#222}h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid "
      "#ccc;padding-bottom:4px}"
      "table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}"
      "td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f2f2f2}"
      ".tag-common{color:#b35900;font-weight:bold}.tag-own{color:#1f5fa6}.muted{color:#777}"
      ".warn{color:#a00}.met{color:#2e7d32}.short{color:#a00;font-weight:bold}"
      "svg{max-width:100%;height:auto}th{white-space:nowrap}" +
      std::string(detail::print_style) + "</style>";
  return s;
}

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

std::string_view field_of(const Assessment& a, std::string_view name) {
  for (const auto& [k, v] : a.enterprise)
    if (k == name) return v;
  return {};
}

// A level's name as the rule set gives it (二级), or the no-level name.
std::string level_name(const RuleSet& rules, int level) {
  if (level >= 1 && level <= rules.level_rule.top_level())
    return rules.level_rule.levels[static_cast<std::size_t>(level - 1)].zh;
  return rules.level_rule.no_level_zh;
}

// What an item must reach, in the rule set's words: a band from its lower bound ("设备数字化
// 提升至超过 40%"), a single choice as its option, a multi choice as the options it gains.
std::string item_goal(const Item& item, const Change& ch) {
  std::string out;
  if (item.kind == ItemKind::band && ch.to.size() == 1) {
    const Option* o = item.find_option(ch.to.front());
    if (o && o->lower > Decimal{}) return item.zh + "提升至超过 " + o->lower.to_string() + "%";
    if (o) return item.zh + "达到 " + o->zh;
  }
  if (item.kind == ItemKind::multi) {
    out = item.zh + "增加";
    bool first = true;
    for (char l : ch.to) {
      if (std::find(ch.from.begin(), ch.from.end(), l) != ch.from.end()) continue;
      const Option* o = item.find_option(l);
      out += first ? "“" : "”“";
      first = false;
      out += o ? o->zh : std::string(1, l);
    }
    return out + (first ? "" : "”");
  }
  const Option* o = ch.to.empty() ? nullptr : item.find_option(ch.to.front());
  return item.zh + "达到“" + (o ? o->zh : std::string()) + "”";
}

// The path in one sentence: "把产品设计、生产管控提升到2级，设备数字化提升至超过
// 40%，即可达到二级".
std::string path_sentence(const Diagnosis& d, const RuleSet& rules) {
  std::vector<std::string> parts;
  std::map<int, std::string> raised;  // target level -> scenarios
  for (const auto& ch : d.path.changes) {
    if (ch.kind != Change::Kind::scenario) continue;
    const Scenario* sc = rules.find_scenario(ch.id);
    std::string& names = raised[ch.to_level];
    names += (names.empty() ? "" : "、") + (sc ? sc->zh : ch.code);
  }
  for (const auto& [level, names] : raised)
    parts.push_back("把" + names + "提升到" + std::to_string(level) + "级");
  for (const auto& ch : d.path.changes) {
    if (ch.kind != Change::Kind::item) continue;
    const Item* item = rules.find_item(ch.id);
    if (item) parts.push_back(ch.code + " " + item_goal(*item, ch));
  }
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) out += (k ? "，" : "") + parts[k];
  return out + "，即可达到" + level_name(rules, d.target) + "。";
}

// How far a condition is short, or that it is met.
std::string condition_state(const detail::LevelConditionValue& c, int level) {
  if (c.met()) return "<span class='met'>已满足</span>";
  const Decimal gap = Decimal::from_thousandths(c.required - c.has);
  if (c.what == "points") return "<span class='short'>总分差 " + gap.to_string() + " 分</span>";
  if (c.what == "scenarios")
    return fmt::format("<span class='short'>差 {} 个达到{}级的场景</span>", c.required - c.has,
                       level);
  return fmt::format("<span class='short'>差 {} 个约束性场景</span>", c.required - c.has);
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

void EnterpriseHtml::render(const Diagnosis& d, std::string& h, const DiagnosisSigning& signing,
                            std::string_view section) const {
  const RuleSet& rules = rules_;
  const Assessment& a = d.assessment;
  auto esc = [&h](std::string_view s) { html_escape_to(h, s); };
  // Numbers appended as fmt's "{}" writes them, without a format string to parse.
  auto num = [&h](int v) {
    char digits[16];
    h.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
  };
  const std::string_view name = field_of(a, "name");
  h.reserve(h.size() + 16384);
  h += "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>";
  esc(name.empty() ? a.enterprise_id : name);
  h += " 数字化水平诊断</title>";
  h += style();
  // The enterprise's id is the point where it stands (class id): what the page is filed under.
  h += "</head><body><h1>";
  esc(name);
  h += " 数字化水平诊断（一企一档）</h1><p>企业编号：<span class='id'>";
  esc(a.enterprise_id);
  h += "</span>";
  // Who diagnosed it and when: inputs, else blanks to fill in by hand.
  const std::string_view on =
      signing.diagnosed_on.empty() ? field_of(a, "assessed_on") : signing.diagnosed_on;
  auto given = [&](std::string_view label, std::string_view v, std::string_view id) {
    fmt::format_to(Out(h), "｜{}：<span id='{}'>", label, id);
    if (v.empty())
      h += "＿＿＿＿＿＿";
    else
      esc(v);
    h += "</span>";
  };
  given("诊断日期", on, "diagnosed-on");
  given("诊断机构", signing.organisation, "organisation");
  given("诊断人", signing.diagnostician, "diagnostician");
  h += "</p>";
  auto signature = [&h] {
    h += "<div class='sign' id='signature'><span>诊断机构（盖章）：</span><span>诊断人（签字）："
         "</span><span>企业负责人（签字）：</span><span>日期：</span></div>";
  };
  if (!a.ok()) {
    h += "<p class='warn'>问卷有误，无法评分：</p><ul>";
    for (const auto& e : a.errors) {
      h += "<li>";
      esc(e.message);
      h += "</li>";
    }
    h += "</ul>";
    signature();
    h += "</body></html>";
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
  h += "｜当前等级：<b id='level'>";
  esc(a.level_name);
  h += "</b>｜总分：<b id='total'>";
  h += a.total.to_string();
  h += "</b>｜目标等级：<b id='target'>";
  esc(level_name(rules, d.target));
  h += "</b></p>";
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

  h += "<table><thead><tr><th>维度</th><th>得分</th><th>满分</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < a.dimensions.size(); ++i) {
    h += dimension_row_[i];
    h += a.dimensions[i].points.to_string();
    h += "</td><td>";
    h += a.dimensions[i].max.to_string();
    h += "</td></tr>";
  }
  h += "</tbody></table>";

  // The level rule's conditions of the level reached, the next one and the target, each marked
  // met or with how far it is short: the reader sees at once which one holds the level back.
  h += "<h2>等级判定</h2><table id='conditions'><thead><tr><th>等级</th><th>条件</th><th>要求</"
       "th><th>现状</th><th>判定</th></tr></thead><tbody>";
  const detail::LevelTable table(rules.level_rule);
  std::vector<int> shown;
  for (const auto& check : a.explanation) shown.push_back(check.level);
  if (d.target >= 1 && d.target <= top_) shown.push_back(d.target);
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  for (int level : shown) {
    const auto k = static_cast<std::size_t>(level - 1);
    const ScenarioCount count =
        k < a.scenario_counts.size() ? a.scenario_counts[k] : ScenarioCount{level, 0, 0};
    const auto conditions =
        table.conditions(level, a.total.thousandths(), count.at_or_above, count.constraint);
    bool first = true;
    for (const auto& c : conditions) {
      h += "<tr>";
      if (first) {
        h += "<td rowspan='3'>";
        esc(level_name(rules, level));
        h += level <= a.level ? "（已达到）" : "（未达到）";
        if (level == d.target) h += "<br>目标等级";
        h += "</td>";
      }
      first = false;
      h += "<td>";
      if (c.what == "points") {
        h += "总分</td><td>≥ ";
        h += Decimal::from_thousandths(c.required).to_string();
        h += " 分</td><td>";
        h += Decimal::from_thousandths(c.has).to_string();
        h += " 分";
      } else {
        h += c.what == "scenarios" ? "达到" : "其中达到";
        num(level);
        h += c.what == "scenarios" ? "级的场景</td><td>≥ " : "级的约束性场景（★）</td><td>≥ ";
        num(static_cast<int>(c.required));
        h += " 个</td><td>";
        num(static_cast<int>(c.has));
        h += " 个";
      }
      h += "</td><td>";
      h += condition_state(c, level);
      h += "</td></tr>";
    }
  }
  h += "</tbody></table>";

  // One row per scenario: its level and, in full, what that level and the target level mean.
  h += "<h2>场景现状</h2><table><thead><tr><th>编号</th><th>场景</th><th>等级</th><th>当前等级含义"
       "</th><th>";
  num(d.target);
  h += "级要求</th></tr></thead><tbody>";
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
  h += "</tbody></table>";

  h += "<h2>转型需求（目标";
  esc(level_name(rules, d.target));
  h += "）</h2>";
  if (d.path.status == PathStatus::already) {
    h += "<p>已达到或超过目标等级。</p>";
  } else if (d.path.status == PathStatus::unreachable) {
    h += "<p class='warn'>无法达到：";
    esc(d.path.reason);
    h += "</p>";
  } else {
    // The path in words; its cost is the search's measure (steps and points), not money, so
    // the page gives the count of changes instead.
    std::size_t raised = 0;
    for (const auto& ch : d.path.changes) raised += ch.kind == Change::Kind::scenario;
    h += "<p id='path'><b>";
    esc(path_sentence(d, rules));
    h += "</b></p><p class='muted'>共 ";
    num(static_cast<int>(d.path.changes.size()));
    h += " 项改造（场景 ";
    num(static_cast<int>(raised));
    h += " 个，指标项 ";
    num(static_cast<int>(d.path.changes.size() - raised));
    h += " 个），为改动最少的路径。共性 = 本行业未达标企业多数共有的需求；个性 = 本企业自身的需求。"
         "</p>";
    h += "<table id='requirements'><thead><tr><th>类别</th><th>优先级</th><th>编号</th><th>名称"
         "</th><th>现状 → 目标</th><th>要达到的程度</th><th>收益</th><th>佐证材料</th></tr>"
         "</thead><tbody>";
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
        h += "级</td><td>";
        esc(r.meaning);
      } else {
        answer_text(h, r.change.from);
        h += " → ";
        answer_text(h, r.change.to);
        h += "</td><td>";
        const Item* item = rules.find_item(r.change.id);
        esc(item ? r.change.code + " " + item_goal(*item, r.change) : r.meaning);
      }
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
    h += "</tbody></table>";
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
  h += section;
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
  esc(rules.meta.title.empty() ? a.provenance.rule_set_id : rules.meta.title);
  h += ' ';
  esc(a.provenance.rule_set_version);
  h += "（校验值 <span class='id'>";
  esc(a.provenance.rule_set_hash);
  h += "</span>），评测引擎 <span class='id'>smedx ";
  esc(a.provenance.engine_version);
  h += "</span></p>";
  signature();  // last: the page is signed under everything it says
  h += "</body></html>";
}

}  // namespace detail

std::string enterprise_html(const Diagnosis& d, const RuleSet& rules) {
  return detail::EnterpriseHtml(rules).render(d);
}

std::string enterprise_html(const Diagnosis& d, const RuleSet& rules,
                            const DiagnosisSigning& signing, std::string_view section) {
  std::string out;
  detail::EnterpriseHtml(rules).render(d, out, signing, section);
  return out;
}

namespace {
std::string esc(std::string_view s) { return detail::html_escape(s); }

using detail::href;

// The percentage of a share, one decimal, exact (rounded half up).
std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return "0%";
  const std::int64_t tenths = (part * 2000 + whole) / (2 * whole);
  return fmt::format("{}.{}%", tenths / 10, tenths % 10);
}
}  // namespace

std::string cohort_html(const Cohort& cohort, const RuleSet& rules, int target) {
  return cohort_html(cohort, rules, target, {});
}

std::string cohort_html(const Cohort& cohort, const RuleSet& rules, int target,
                        const std::vector<RosterEntry>& roster) {
  const std::string target_zh = level_name(rules, target);
  int enterprises = 0;
  for (const auto& [key, g] : cohort.groups()) enterprises += g.enterprises;
  std::string h =
      "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>"
      "企业数字化水平诊断总览</title>" +
      style() + "</head><body><h1>企业数字化水平诊断总览</h1>";
  h += fmt::format(
      "<p>共 {} 家企业，按行业分组；总览目标等级：{}。共性需求 = 同组未达标企业中至少 {} 且不少于 "
      "2 家共有的需求。</p>",
      enterprises, esc(target_zh), percent(cohort.threshold().thousandths(), Decimal::scale));
  const int top = rules.level_rule.top_level();
  std::size_t group_no = 0;
  for (const auto& [key, g] : cohort.groups()) {
    ++group_no;
    // The group by its Chinese name; an industry without a profile as written.
    std::string title = g.zh.empty() ? (g.industry.empty() ? "未填行业" : g.industry) : g.zh;
    if (!g.district.empty()) title += " / " + g.district;
    h += fmt::format("<h2 id='group-{}'>{}</h2>", group_no, esc(title));
    h += fmt::format(
        "<p>企业 {} 家，可评分 {} 家，达到目标等级 {} 家（{}），未达标 <b "
        "id='below-{}'>{}</b> 家</p>",
        g.enterprises, g.scored, g.at_or_above_target, percent(g.at_or_above_target, g.scored),
        group_no, g.below_target());
    // Level distribution as bars, the counts above them (room kept above the tallest).
    int most = 1;
    for (const auto& [level, n] : g.levels) most = std::max(most, n);
    h += fmt::format(
        "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='150' role='img' "
        "aria-label='等级分布'>",
        20 + (top + 1) * 60);
    for (int level = 0; level <= top; ++level) {
      auto it = g.levels.find(level);
      const int n = it == g.levels.end() ? 0 : it->second;
      const int bar = 90 * n / most;
      h += fmt::format(
          "<rect x='{}' y='{}' width='40' height='{}' fill='{}'/><text x='{}' y='{}' "
          "font-size='12' text-anchor='middle'>{}</text><text x='{}' y='140' "
          "font-size='12' text-anchor='middle'>{}级</text>",
          10 + level * 60, 115 - bar, bar, level >= target ? "#3a8f3a" : "#c9a227", 30 + level * 60,
          111 - bar, n, 30 + level * 60, level);
    }
    h += "</svg>";
    h += fmt::format("<h3>共性需求</h3><p>在 {} 家未达标企业中：</p>", g.below_target());
    std::string rows;
    for (const auto& [rk, r] : g.requirements) {
      Requirement probe;
      probe.change.kind = r.kind == "scenario" ? Change::Kind::scenario : Change::Kind::item;
      probe.change.id = r.id;
      if (!cohort.is_common(key, probe)) continue;
      // A scenario's requirement is its level at the target, in full; an item's depends on
      // each enterprise's answers, so the enterprise files give it.
      const Scenario* sc = r.kind == "scenario" ? rules.find_scenario(r.id) : nullptr;
      const std::string meaning = sc ? level_meaning(*sc, target) : std::string{};
      rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                          esc(r.zh), esc(r.code), r.count, percent(r.count, g.below_target()),
                          meaning.empty() ? "见各企业档案" : esc(meaning));
    }
    if (rows.empty()) {
      h += fmt::format(
          "<p id='common-{}'>无（没有需求为未达标企业中至少 {} 且不少于 2 家所共有）</p>", group_no,
          percent(cohort.threshold().thousandths(), Decimal::scale));
    } else {
      h += fmt::format(
          "<table id='common-{}'><thead><tr><th>共性需求</th><th>编号</th><th>企业数</th><th>"
          "占未达标企业</th><th>{}级要求</th></tr></thead><tbody>",
          group_no, target);
      h += rows + "</tbody></table>";
    }
    // The roster: every enterprise of the group, linked to its page.
    std::string list;
    for (const RosterEntry& e : roster) {
      if (e.group != key) continue;
      list += "<tr><td class='id'>" + esc(e.id) + "</td><td>" + esc(e.name) + "</td><td>";
      if (e.scored) {
        list += esc(level_name(rules, e.level)) + "</td><td>" + esc(level_name(rules, e.target)) +
                "</td><td>" + (e.level >= e.target ? "已达标" : "未达标");
      } else {
        list += "—</td><td>" + esc(level_name(rules, e.target)) + "</td><td>问卷有误";
      }
      list += "</td><td>";
      if (!e.file.empty()) list += "<a href='" + esc(href(e.file)) + ".html'>诊断档案</a>";
      list += "</td></tr>";
    }
    if (!list.empty())
      h += fmt::format(
               "<h3>企业名单</h3><table id='roster-{}'><thead><tr><th>企业编号</th><th>企业名称</"
               "th><th>当前等级</th><th>目标等级</th><th>结论</th><th>档案</th></tr></thead>"
               "<tbody>",
               group_no) +
           list + "</tbody></table>";
    if (!g.errors.empty()) {
      h += "<p class='warn'>问卷有误的企业：</p><ul>";
      for (const auto& [id, message] : g.errors)
        h += "<li><span class='id'>" + esc(id) + "</span>：" + esc(message) + "</li>";
      h += "</ul>";
    }
  }
  return h + "</body></html>";
}

}  // namespace smedx
