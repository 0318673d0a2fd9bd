// The pilot's 共性+个性 改造需求清单: the below-target baselines diagnosed by the library's cohort
// driver (CohortDiagnoser), which counts 共性 among exactly those enterprises, then laid out per
// programme industry, with its JSON, CSV files and dashboard section.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <span>

#include "batch/csv_row.h"
#include "common/html_escape.h"
#include "common/json_writer.h"
#include "pilot/needs_evaluate.h"
#include "smedx/diagnose_cohort.h"
#include "smedx/pilot_needs.h"

namespace smedx {

std::string_view need_kind_zh(std::string_view kind) noexcept {
  return kind == "scenario" ? "场景" : "指标项";
}

std::string_view need_priority_zh(std::string_view priority) noexcept {
  return priority == "high" ? "高" : priority == "medium" ? "中" : "一般";
}

std::string need_change_text(const Change& c) {
  if (c.kind == Change::Kind::scenario) return fmt::format("{}级→{}级", c.from_level, c.to_level);
  auto letters = [](const std::vector<char>& v) {
    std::string s;
    for (const char x : v) s += (s.empty() ? "" : "、") + std::string(1, x);
    return s.empty() ? std::string("无") : s;
  };
  return letters(c.from) + "→" + letters(c.to);
}

NeedText need_text(const RuleSet& rules, const NeedRow& row) {
  NeedText t;
  Change c;
  if (!row.item) {
    const Scenario& sc = rules.scenarios[row.index];
    t.kind = "scenario";
    t.id = sc.id;
    t.code = sc.code;
    t.zh = sc.zh;
    t.constraint = sc.constraint;
    c.kind = Change::Kind::scenario;
    c.from_level = static_cast<int>(row.from);
    c.to_level = static_cast<int>(row.to);
    if (row.to >= 1 && row.to <= sc.levels.size()) t.meaning = sc.levels[row.to - 1].zh;
  } else {
    const Item& item = *rules.items()[row.index];
    t.kind = "item";
    t.id = item.id;
    t.code = item.code;
    t.zh = item.zh;
    c.kind = Change::Kind::item;
    for (std::uint32_t k = 0; k < 32; ++k) {
      const char letter = static_cast<char>('A' + k);
      if (row.from >> k & 1u) c.from.push_back(letter);
      if (!(row.to >> k & 1u)) continue;
      c.to.push_back(letter);
      // As the diagnosis words it: each option gained, with its text.
      if (row.from >> k & 1u) continue;
      const auto* option = item.find_option(letter);
      t.meaning += (t.meaning.empty() ? "" : "；") + std::string(1, letter) + " " +
                   (option ? option->zh : std::string());
    }
  }
  t.change = need_change_text(c);
  t.priority = row.priority == 'h' ? "high" : row.priority == 'm' ? "medium" : "normal";
  return t;
}

namespace detail {

namespace {

NeedRow row_of(const RuleSet& rules, const std::vector<const Item*>& items, const Requirement& r) {
  NeedRow row;
  row.common = r.common;
  row.priority = r.priority == "high" ? 'h' : r.priority == "medium" ? 'm' : 'n';
  if (r.change.kind == Change::Kind::scenario) {
    for (std::size_t k = 0; k < rules.scenarios.size(); ++k)
      if (rules.scenarios[k].id == r.change.id) row.index = static_cast<std::uint32_t>(k);
    row.from = static_cast<std::uint32_t>(r.change.from_level);
    row.to = static_cast<std::uint32_t>(r.change.to_level);
    return row;
  }
  row.item = true;
  for (std::size_t k = 0; k < items.size(); ++k)
    if (items[k]->id == r.change.id) row.index = static_cast<std::uint32_t>(k);
  for (const char c : r.change.from) row.from |= 1u << (c - 'A');
  for (const char c : r.change.to) row.to |= 1u << (c - 'A');
  return row;
}

}  // namespace

std::shared_ptr<const PilotNeeds> evaluate_needs(const Pilot::State& s) {
  const RuleSet& rules = s.engine.rules();
  if (!rules.diagnosis.present) return nullptr;
  auto out = std::make_shared<PilotNeeds>();
  PilotNeeds& n = *out;
  n.rules = &rules;
  n.target = s.programme.target_level;
  n.threshold = rules.diagnosis.common_threshold;
  std::map<std::string, std::size_t> at;  // programme industry id -> place in n.industries
  for (const auto& ind : s.programme.industries) {
    at.emplace(ind.id, n.industries.size());
    IndustryNeeds g;
    g.industry = ind.id;
    g.zh = ind.zh;
    n.industries.push_back(std::move(g));
  }
  auto industry = [&](const std::string& id) -> IndustryNeeds& {
    auto it = at.find(id);
    if (it == at.end()) {  // the register names only the programme's industries; kept whole
      it = at.emplace(id, n.industries.size()).first;
      IndustryNeeds g;
      g.industry = g.zh = id;
      n.industries.push_back(std::move(g));
    }
    return n.industries[it->second];
  };
  for (std::size_t i = 0; i < s.enterprises.size(); ++i) {
    if (i >= s.baseline.size() || !s.baseline[i]) continue;
    const Snapshot* b = &*s.baseline[i];
    if (!b->ok()) {
      ++n.unscored;
      continue;
    }
    const RuleSet& own = b->engine->rules();
    if (b->engine != &s.engine &&
        (own.meta.id != rules.meta.id || own.meta.version != rules.meta.version)) {
      ++n.other_rule_set;
      continue;
    }
    IndustryNeeds& g = industry(s.enterprises[i].industry);
    ++g.baseline;
    if (b->level >= n.target)
      ++g.at_or_above;
    else
      ++g.below;  // held in s.below_coded since add_surveys
  }
  // Only the below-target enterprises go in: the 共性 share is theirs. The cohort is counted
  // without keeping its diagnoses (memory stays flat however large the pilot); each enterprise
  // is then diagnosed again, tagged against the cohort, and only its list kept.
  const CohortDiagnoser diagnoser(s.engine, n.target);
  CohortOptions options;
  options.batch.threads = s.threads;
  options.keep = false;
  const CohortRun run = diagnoser.run(std::span<const CodedSurvey>(s.below_coded), options);
  std::vector<std::size_t> by_register(s.below_who.size());
  for (std::size_t k = 0; k < by_register.size(); ++k) by_register[k] = k;
  std::sort(by_register.begin(), by_register.end(),
            [&](std::size_t a, std::size_t b) { return s.below_who[a] < s.below_who[b]; });
  n.enterprises.reserve(by_register.size());
  const auto items = rules.items();
  for (const std::size_t k : by_register) {
    Diagnosis d = diagnoser.diagnoser().diagnose(s.below_coded[k], n.target);
    run.cohort.tag(d);
    EnterpriseNeeds e;
    e.enterprise = &s.enterprises[s.below_who[k]];
    e.level = d.assessment.level;
    e.status = d.path.status;
    e.reason = d.path.reason;
    e.requirements.reserve(d.requirements.size());
    for (const auto& r : d.requirements) e.requirements.push_back(row_of(rules, items, r));
    IndustryNeeds& g = industry(e.enterprise->industry);
    if (e.status == PathStatus::unreachable) ++g.unreachable;
    for (const auto& r : e.requirements) g.individual += !r.common;
    n.enterprises.push_back(std::move(e));
  }
  // The common requirements of each group, by the cohort's own rule (Cohort::is_common).
  for (const auto& [key, group] : run.cohort.groups()) {
    IndustryNeeds& g = industry(group.industry);
    for (const auto& [rk, cr] : group.requirements) {
      Requirement probe;
      probe.change.kind = cr.kind == "scenario" ? Change::Kind::scenario : Change::Kind::item;
      probe.change.id = cr.id;
      if (!run.cohort.is_common(key, probe)) continue;
      CommonNeed c;
      c.kind = cr.kind;
      c.id = cr.id;
      c.code = cr.code;
      c.zh = cr.zh;
      c.count = cr.count;
      c.enterprises = cr.enterprises;
      if (const Scenario* sc = cr.kind == "scenario" ? rules.find_scenario(cr.id) : nullptr)
        c.constraint = sc->constraint;
      // count / below as a percent, rounded half up to thousandths.
      const std::int64_t den = std::max(1, group.scored);
      c.share_percent =
          Decimal::from_thousandths((std::int64_t{c.count} * 200'000 + den) / (2 * den));
      g.common.push_back(std::move(c));
    }
  }
  // Most needed first; among equals the rule set's order (scenarios, then items, by code).
  auto order = [&](const CommonNeed& c) {
    if (c.kind == "scenario") {
      for (std::size_t k = 0; k < rules.scenarios.size(); ++k)
        if (rules.scenarios[k].id == c.id) return k;
      return rules.scenarios.size();
    }
    const auto items = rules.items();
    for (std::size_t k = 0; k < items.size(); ++k)
      if (items[k]->id == c.id) return rules.scenarios.size() + k;
    return rules.scenarios.size() + items.size();
  };
  for (auto& g : n.industries)
    std::stable_sort(g.common.begin(), g.common.end(),
                     [&](const CommonNeed& a, const CommonNeed& b) {
                       return a.count != b.count ? a.count > b.count : order(a) < order(b);
                     });
  return out;
}

}  // namespace detail

namespace {

std::string cell(std::string_view s) { return detail::csv_text(s); }
std::string esc(std::string_view s) { return detail::html_escape(s); }

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(sep)) + x;
  return s;
}

const IndustryNeeds* industry_of(const PilotNeeds& n, const std::string& id) {
  for (const auto& g : n.industries)
    if (g.industry == id) return &g;
  return nullptr;
}

}  // namespace

std::string needs_json(const PilotNeeds& n) {
  std::string whole;
  detail::needs_json_chunks(n, [&](std::string& part) {
    whole += part;
    part.clear();
  });
  return whole;
}

void detail::needs_json_chunks(const PilotNeeds& n,
                               const std::function<void(std::string&)>& flush) {
  detail::Writer w;
  w.open('{');
  w.raw("target_level", std::to_string(n.target));
  w.raw("common_threshold", n.threshold.to_string());
  w.raw("other_rule_set", std::to_string(n.other_rule_set));
  w.raw("unscored", std::to_string(n.unscored));
  w.key("industries");
  w.open('[');
  for (const auto& g : n.industries) {
    w.item_sep();
    w.open('{');
    w.str("industry", g.industry);
    w.str("zh", g.zh);
    w.raw("baseline", std::to_string(g.baseline));
    w.raw("at_or_above_target", std::to_string(g.at_or_above));
    w.raw("below_target", std::to_string(g.below));
    w.raw("unreachable", std::to_string(g.unreachable));
    w.raw("individual", std::to_string(g.individual));
    w.key("common");
    w.open('[');
    for (const auto& c : g.common) {
      w.item_sep();
      w.open('{');
      w.str("kind", c.kind);
      w.str("id", c.id);
      w.str("code", c.code);
      w.str("zh", c.zh);
      w.raw("constraint", c.constraint ? "true" : "false");
      w.raw("count", std::to_string(c.count));
      w.raw("share_percent", c.share_percent.to_string());
      w.strings("enterprises", c.enterprises);
      w.close('}');
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.key("enterprises");
  w.open('[');
  for (const auto& e : n.enterprises) {
    w.item_sep();
    w.open('{');
    w.str("id", e.enterprise->id);
    w.str("industry", e.enterprise->industry);
    w.raw("level", std::to_string(e.level));
    w.str("path", to_string(e.status));
    if (!e.reason.empty()) w.str("reason", e.reason);
    w.key("requirements");
    w.open('[');
    for (const auto& r : e.requirements) {
      const NeedText t = need_text(*n.rules, r);
      w.item_sep();
      w.open('{');
      w.str("kind", t.kind);
      w.str("id", t.id);
      w.str("code", t.code);
      w.str("zh", t.zh);
      w.str("change", t.change);
      w.raw("common", r.common ? "true" : "false");
      w.str("priority", t.priority);
      w.close('}');
    }
    w.close(']');
    w.close('}');
    if (w.out.size() >= (1u << 20)) flush(w.out);  // a chunk at a time: memory stays flat
  }
  w.close(']');
  w.close('}');
  w.out += '\n';
  flush(w.out);
}

std::string needs_common_csv(const PilotNeeds& n, CsvHeaders headers) {
  std::string out =
      headers == CsvHeaders::zh
          ? "行业,类型,编号,名称,约束性场景,需要的企业数,低于目标等级企业数,占比（%）,"
            "企业编号,行业代码,类型代码,指标代码\n"
          : "industry_zh,kind_zh,code,zh,constraint,count,below_target,"
            "share_percent,enterprises,industry,kind,id\n";
  for (const auto& g : n.industries)
    for (const auto& c : g.common)
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", cell(g.zh), need_kind_zh(c.kind),
                         cell(c.code), cell(c.zh), c.constraint ? "是" : "否", c.count, g.below,
                         c.share_percent.to_string(), cell(joined(c.enterprises, "|")),
                         cell(g.industry), c.kind, cell(c.id));
  return out;
}

std::string needs_individual_csv(const PilotNeeds& n, CsvHeaders headers) {
  std::string whole;
  detail::needs_individual_chunks(n, headers, [&](std::string& part) {
    whole += part;
    part.clear();
  });
  return whole;
}

void detail::needs_individual_chunks(const PilotNeeds& n, CsvHeaders headers,
                                     const std::function<void(std::string&)>& flush) {
  std::string out = headers == CsvHeaders::zh
                        ? "企业编号,企业名称,行业,区县,基线等级,目标等级,类型,编号,名称,改造内容,"
                          "共性或个性,优先级,说明,行业代码,类型代码,指标代码\n"
                        : "id,name,industry_zh,district,level,target_level,kind_zh,code,zh,change,"
                          "common_zh,priority_zh,meaning,industry,kind,item_id\n";
  for (const auto& e : n.enterprises) {
    const Enterprise& x = *e.enterprise;
    const IndustryNeeds* g = industry_of(n, x.industry);
    const std::string ind = g ? g->zh : x.industry;
    if (e.requirements.empty()) {
      // No path: a row that says so, so that every below-target enterprise is in the file.
      out += fmt::format("{},{},{},{},{},{},,,,,,,{},{},,\n", cell(x.id), cell(x.name), cell(ind),
                         cell(x.district), e.level, n.target,
                         cell(e.status == PathStatus::unreachable ? "无法达到目标等级" : ""),
                         cell(x.industry));
      continue;
    }
    for (const auto& r : e.requirements) {
      const NeedText t = need_text(*n.rules, r);
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", cell(x.id),
                         cell(x.name), cell(ind), cell(x.district), e.level, n.target,
                         need_kind_zh(t.kind), cell(t.code), cell(t.zh), cell(t.change),
                         r.common ? "共性" : "个性", need_priority_zh(t.priority), cell(t.meaning),
                         cell(x.industry), t.kind, cell(t.id));
    }
    if (out.size() >= (1u << 20)) flush(out);  // a chunk at a time: memory stays flat
  }
  flush(out);
}

std::string needs_html_section(const PilotNeeds& n) {
  std::string h = fmt::format(
      "<h2>共性+个性改造需求清单（基线评测，目标 {}级）</h2><p class='muted' id='needs-rule'>"
      "共性：某行业基线低于目标等级的企业中，至少 {}% 且不少于 2 家需要的改造项；个性：各企业"
      "达到目标等级所需的全部改造项，见随附的个性需求清单（每家企业每项一行）。",
      n.target, Decimal::from_thousandths(n.threshold.thousandths() * 100).to_string());
  if (n.other_rule_set || n.unscored)
    h += fmt::format("另有 {} 家基线按其他规则集评测、{} 家基线无法评分，未列入。",
                     n.other_rule_set, n.unscored);
  h += "</p>";
  h += "<table id='needs-industries'><thead><tr><th>行业</th><th>基线评测</th><th>已达目标</th>"
       "<th>低于目标</th><th>无法达到</th><th>共性需求</th><th>个性需求</th></tr></thead><tbody>";
  for (const auto& g : n.industries)
    h += fmt::format(
        "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n' "
        "id='needs-below-{}'>{}</td><td class='n'>{}</td><td class='n'>{}</td><td "
        "class='n'>{}</td></tr>",
        esc(g.zh), g.baseline, g.at_or_above, esc(g.industry), g.below, g.unreachable,
        g.common.size(), g.individual);
  h += "</tbody></table>";
  for (const auto& g : n.industries) {
    if (g.below == 0) continue;
    h += fmt::format("<h3>{}：共性需求（在 {} 家低于目标等级的企业中）</h3>", esc(g.zh), g.below);
    if (g.common.empty()) {
      h += "<p class='muted'>无共性需求。</p>";
      continue;
    }
    h += fmt::format(
        "<table id='needs-{}'><thead><tr><th>类型</th><th>编号</th><th>名称</th>"
        "<th>需要的企业</th><th>占比</th></tr></thead><tbody>",
        esc(g.industry));
    for (const auto& c : g.common)
      h += fmt::format(
          "<tr><td>{}</td><td class='id'>{}</td><td>{}{}</td><td class='n'>{} / {}</td><td "
          "class='n'>{}%</td></tr>",
          need_kind_zh(c.kind), esc(c.code), esc(c.zh), c.constraint ? "★" : "", c.count, g.below,
          c.share_percent.to_string());
    h += "</tbody></table>";
  }
  return h;
}

}  // namespace smedx
