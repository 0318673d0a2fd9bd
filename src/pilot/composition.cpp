// Composition and coverage: counts the programme's composition targets over the register and the
// surveys, and the 规上 share per industry. An enterprise's level here is its latest scored one
// (the acceptance survey's, else the baseline's), as progress counts `at_or_above_target`.
#include <fmt/format.h>

#include <algorithm>

#include "common/html_escape.h"
#include "common/json_writer.h"
#include "pilot/composition_evaluate.h"
#include "smedx/composition.h"

namespace smedx {

namespace {

const Snapshot* latest(const AcceptanceRecord& r) {
  if (r.acceptance && r.acceptance->ok()) return r.acceptance;
  if (r.baseline && r.baseline->ok()) return r.baseline;
  return nullptr;
}

// `tag` plain, or `tag@yyyy-mm-dd`: the date it was granted.
bool has_tag(const Enterprise& e, const CompositionTarget& t, Date as_of) {
  for (const auto& x : e.tags) {
    const auto at = x.find('@');
    const std::string_view name = std::string_view(x).substr(0, at);
    if (name != t.tag) continue;
    if (!t.since) return true;
    if (at == std::string::npos) continue;  // undated: not known to be new
    const auto d = parse_date(std::string_view(x).substr(at + 1));
    if (d && *t.since <= *d && *d <= as_of) return true;
  }
  return false;
}

std::string_view basis_zh(std::string_view b) {
  if (b == "survey") return "依据评测问卷";
  if (b == "dated_tag") return "依据带日期的企业标签";
  return "依据企业标签";
}

}  // namespace

namespace detail {

std::shared_ptr<const CompositionResult> evaluate_composition(
    const Pilot::State& s, const std::vector<AcceptanceRecord>& acc, Date as_of) {
  if (!s.programme.composition) return nullptr;
  const CompositionRule& rule = *s.programme.composition;
  const int target = s.programme.target_level;
  auto out = std::make_shared<CompositionResult>();
  for (const auto& t : rule.targets) {
    CompositionCount c;
    c.target = &t;
    // The survey can tell only when the rule set has the item: else the tags, and it says so.
    std::optional<std::size_t> item;
    if (!t.survey_item.empty()) {
      const auto items = s.engine.rules().items();
      for (std::size_t k = 0; k < items.size(); ++k)
        if (items[k]->id == t.survey_item) item = k;
    }
    c.basis = item ? "survey" : t.since ? "dated_tag" : "tag";
    for (std::size_t i = 0; i < s.enterprises.size(); ++i) {
      const Snapshot* snap = latest(acc[i]);
      if (t.at_level && !(snap && snap->level >= target)) continue;
      if (item) {
        // Only a survey under the programme's rule set: another's items are in another order.
        if (snap && snap->engine == &s.engine && *item < snap->items.size() &&
            !(snap->items[*item] < t.survey_min_points))
          ++c.actual;
      } else if (has_tag(s.enterprises[i], t, as_of)) {
        ++c.actual;
      }
    }
    if (t.value > 0)
      c.percent = detail::Ratio::of(static_cast<i128>(c.actual) * 100, t.value).decimal();
    out->targets.push_back(std::move(c));
  }
  if (!rule.above_scale_tag.empty()) {
    out->above_scale_target = rule.above_scale_percent;
    out->above_scale_level = rule.above_scale_level;
    for (const auto& ind : s.programme.industries) {
      AboveScaleShare a;
      a.industry = ind.id;
      a.zh = ind.zh;
      for (std::size_t i = 0; i < s.enterprises.size(); ++i) {
        const Enterprise& e = s.enterprises[i];
        if (e.industry != ind.id) continue;
        if (std::find(e.tags.begin(), e.tags.end(), rule.above_scale_tag) == e.tags.end()) continue;
        ++a.above_scale;
        const Snapshot* snap = latest(acc[i]);
        a.at_level += snap && snap->level >= rule.above_scale_level;
      }
      if (a.above_scale > 0)
        a.share_percent =
            detail::Ratio::of(static_cast<i128>(a.at_level) * 100, a.above_scale).decimal();
      // Exactly: at_level / above_scale ≥ percent / 100, the percent in thousandths.
      a.met = a.above_scale > 0 &&
              static_cast<i128>(a.at_level) * 100000 >=
                  static_cast<i128>(a.above_scale) * rule.above_scale_percent.thousandths();
      out->above_scale.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace detail

std::string composition_json(const CompositionResult& r) {
  detail::Writer w;
  w.open('{');
  w.key("targets");
  w.open('[');
  for (const auto& c : r.targets) {
    w.item_sep();
    w.open('{');
    w.str("id", c.target->id);
    w.str("zh", c.target->zh);
    w.raw("value", std::to_string(c.target->value));
    w.raw("actual", std::to_string(c.actual));
    w.raw("percent", c.percent.to_string());
    w.str("basis", c.basis);
    w.str("basis_zh", basis_zh(c.basis));
    w.close('}');
  }
  w.close(']');
  w.key("above_scale");
  w.open('[');
  for (const auto& a : r.above_scale) {
    w.item_sep();
    w.open('{');
    w.str("industry", a.industry);
    w.str("zh", a.zh);
    w.raw("above_scale", std::to_string(a.above_scale));
    w.raw("at_level", std::to_string(a.at_level));
    w.raw("share_percent", a.share_percent.to_string());
    w.raw("met", a.met ? "true" : "false");
    w.close('}');
  }
  w.close(']');
  w.raw("above_scale_level", std::to_string(r.above_scale_level));
  w.raw("above_scale_target_percent", r.above_scale_target.to_string());
  w.close('}');
  return w.out + "\n";
}

std::string composition_html_section(const CompositionResult& r) {
  auto esc = [](std::string_view s) { return detail::html_escape(s); };
  std::string h =
      "<h2>试点企业构成与覆盖</h2><table id='composition'><thead><tr><th>指标</th><th>目标</th>"
      "<th>完成</th><th>完成率</th><th>统计依据</th></tr></thead><tbody>";
  for (const auto& c : r.targets)
    h += fmt::format(
        "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}%</td>"
        "<td>{}</td></tr>",
        esc(c.target->zh), c.target->value, c.actual, c.percent.to_string(), basis_zh(c.basis));
  h += "</tbody></table>";
  if (!r.above_scale.empty()) {
    h += fmt::format(
        "<table id='above-scale'><thead><tr><th>行业</th><th>规上企业</th><th>达到{}级及以上</th>"
        "<th>占比</th><th>目标（不低于 {}%）</th></tr></thead><tbody>",
        r.above_scale_level, r.above_scale_target.to_string());
    for (const auto& a : r.above_scale)
      h += fmt::format(
          "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}%</td>"
          "<td class='{}'>{}</td></tr>",
          esc(a.zh), a.above_scale, a.at_level, a.share_percent.to_string(),
          a.met ? "passed" : "failed", a.met ? "达到" : "未达到");
    h += "</tbody></table>";
  }
  return h;
}

}  // namespace smedx
