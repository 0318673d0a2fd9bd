// The 改造方案 in each enterprise's diagnosis files (`smedx diagnose --catalogue`): the diagnose
// room asks for it through EnterpriseSection (it cannot include this room); this makes it from
// the plan search, to the enterprise's own diagnosis target.
#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "common/html_escape.h"
#include "smedx/match.h"

namespace smedx {

namespace {

using detail::html_escape;

std::string level_zh(const RuleSet& rules, int level) {
  if (level >= 1 && level <= rules.level_rule.top_level())
    return rules.level_rule.levels[static_cast<std::size_t>(level - 1)].zh;
  return rules.level_rule.no_level_zh;
}

// What one product of the plan closes, in words, with the products' names.
std::string closes(const Contribution& c, const RuleSet& rules, const Catalogue& cat,
                   const std::string& target_zh) {
  std::vector<std::string> parts;
  if (c.points > Decimal{}) parts.push_back("总分增加 " + c.points.to_string() + " 分");
  if (!c.scenarios.empty()) {
    std::string names;
    for (std::size_t k : c.scenarios) names += (names.empty() ? "" : "、") + rules.scenarios[k].zh;
    std::string part =
        fmt::format("使 {} 个场景达到{}（{}）", c.scenarios.size(), target_zh, names);
    if (!c.constraint.empty()) part += fmt::format("，其中 {} 个为约束性场景", c.constraint.size());
    parts.push_back(std::move(part));
  }
  for (std::size_t q : c.enables) parts.push_back("是“" + cat.products[q].name + "”的前置条件");
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) out += (k ? "；" : "") + parts[k];
  return out.empty() ? "与方案中其他产品共同补齐条件" : out;
}

class PlanSection final : public EnterpriseSection {
 public:
  PlanSection(const Engine& engine, const Catalogue& catalogue, MatchOptions options)
      : engine_(engine), catalogue_(catalogue) {
    // One matcher per level: each enterprise is matched to its own diagnosis target.
    for (int level = 1; level <= engine.rules().level_rule.top_level(); ++level) {
      options.target = level;
      matchers_.push_back(std::make_unique<Matcher>(engine, catalogue, options));
    }
  }

  std::string_view key() const noexcept override { return "plan"; }

  Part make(const CodedSurvey& survey, const Diagnosis& d) const override {
    if (d.target < 1 || static_cast<std::size_t>(d.target) > matchers_.size()) return {};
    const Matcher& matcher = *matchers_[static_cast<std::size_t>(d.target - 1)];
    const Match m = matcher.match(survey);
    Part part;
    part.json = to_json(m, matcher);
    if (m.errors.empty()) part.html = html(m, matcher);
    return part;
  }

 private:
  std::string html(const Match& m, const Matcher& matcher) const {
    const RuleSet& rules = engine_.rules();
    const int years = matcher.options().years;
    const std::string target_zh = level_zh(rules, m.target);
    std::string h = "<h2>改造方案（" + html_escape(catalogue_.title) + "）</h2>";
    if (m.already) return h + "<p id='plan'>已达到目标等级，无需采购产品。</p>";
    if (!m.reached) {
      h += "<p class='warn' id='plan'>资源池中的产品不能使本企业达到" + html_escape(target_zh);
      if (m.gap.empty()) return h + "：" + html_escape(m.reason) + "</p>";
      h += "。未能覆盖的条件：</p><ul id='plan-gap'>";
      for (const auto& g : m.gap) h += "<li>" + html_escape(g) + "</li>";
      return h + "</ul>";
    }
    const Plan& p = m.plan;
    h += fmt::format(
        "<p id='plan'>采购以下 {} 项产品，合计 <b id='plan-cost'>{} 元</b>（一次性费用 {} 元，年费 "
        "{} "
        "元/年，按 {} 年计），其中可申请奖补的部分 {} 元；最长实施周期 {} 周。实施后达到<b>{}</b>。"
        "</p>",
        p.products.size(), p.cost, p.price, p.annual, years, p.eligible, p.weeks,
        html_escape(level_zh(rules, p.level_after)));
    h +=
        "<table id='plan-products'><thead><tr><th>产品</th><th>提供商</th><th>一次性费用（元）"
        "</th><th>年费（元/年）</th><th>实施周期（周）</th><th>补齐的条件</th></tr></thead><tbody>";
    for (const Contribution& c : m.explanation) {
      const Product& product = catalogue_.products[c.product];
      // By name when the catalogue names the provider, its id beside it for the pilot's files.
      const std::string_view name = catalogue_.provider_name(product.provider);
      const std::string provider =
          name.empty() ? "<span class='id'>" + html_escape(product.provider) + "</span>"
                       : html_escape(name) + "（<span class='id'>" + html_escape(product.provider) +
                             "</span>）";
      h +=
          fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                      html_escape(product.name), provider, product.price, product.annual,
                      product.weeks, html_escape(closes(c, rules, catalogue_, target_zh)));
    }
    return h + "</tbody></table>";
  }

  const Engine& engine_;
  const Catalogue& catalogue_;
  std::vector<std::unique_ptr<Matcher>> matchers_;
};

}  // namespace

std::shared_ptr<const EnterpriseSection> make_plan_section(const Engine& engine,
                                                           const Catalogue& catalogue,
                                                           const MatchOptions& options) {
  return std::make_shared<const PlanSection>(engine, catalogue, options);
}

}  // namespace smedx
