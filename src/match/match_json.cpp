// A match and the 产品矩阵 as JSON: what people read in Chinese (`zh`) beside the same facts as
// fields for programs. Money in whole 元 (integers), points as exact decimals in strings.
#include <fmt/format.h>

#include "common/json_writer.h"
#include "smedx/match.h"

namespace smedx {

namespace {

using detail::Writer;

std::string level_zh(const RuleSet& rules, int level) {
  if (level >= 1 && level <= rules.level_rule.top_level())
    return rules.level_rule.levels[static_cast<std::size_t>(level - 1)].zh;
  return rules.level_rule.no_level_zh;
}

void number(Writer& w, std::string_view k, std::int64_t v) { w.raw(k, std::to_string(v)); }

void plan_fields(Writer& w, const Plan& p, const Catalogue& cat) {
  number(w, "cost", p.cost);
  number(w, "price", p.price);
  number(w, "annual", p.annual);
  number(w, "eligible", p.eligible);
  number(w, "weeks", p.weeks);
  w.key("products");
  w.open('[');
  for (std::size_t k : p.products) {
    w.item_sep();
    detail::escape(w.out, cat.products[k].id);
  }
  w.close(']');
}

std::string names(const RuleSet& rules, const std::vector<std::size_t>& scenarios) {
  std::string out;
  for (std::size_t k : scenarios) {
    if (!out.empty()) out += "、";
    out += rules.scenarios[k].zh;
  }
  return out;
}

}  // namespace

std::string to_json(const Match& m, const Matcher& matcher) {
  const RuleSet& rules = matcher.engine().rules();
  const Catalogue& cat = matcher.catalogue();
  Writer w;
  w.open('{');
  w.str("enterprise_id", m.enterprise_id);
  if (!m.industry.empty()) w.str("industry", m.industry);
  if (!m.district.empty()) w.str("district", m.district);
  if (!m.errors.empty()) {
    w.key("error");
    w.open('{');
    w.str("message", m.errors.front().message);
    w.key("issues");
    w.open('[');
    for (const Issue& i : m.errors) {
      w.item_sep();
      w.open('{');
      w.str("message", i.message);
      if (!i.path.empty()) w.str("path", i.path);
      if (!i.where.file.empty()) w.str("file", i.where.file);
      if (i.where.known()) number(w, "line", i.where.line);
      w.close('}');
    }
    w.close(']');
    w.close('}');
    w.str("reason", m.reason);
    w.close('}');
    return std::move(w.out);
  }
  number(w, "level_before", m.level_before);
  number(w, "target", m.target);
  w.raw("reached", m.reached ? "true" : "false");
  w.raw("already", m.already ? "true" : "false");
  number(w, "level_after", m.reached ? m.plan.level_after : m.level_before);
  plan_fields(w, m.plan, cat);
  number(w, "allowed", static_cast<std::int64_t>(m.allowed));
  // What each product closes.
  w.key("explanation");
  w.open('[');
  const std::string target_zh = level_zh(rules, m.target);
  for (const Contribution& c : m.explanation) {
    const Product& p = cat.products[c.product];
    w.item_sep();
    w.open('{');
    w.str("product", p.id);
    w.str("name", p.name);
    w.str("provider", p.provider);
    w.str("provider_name", cat.provider_name(p.provider));
    number(w, "cost", p.cost(matcher.options().years));
    number(w, "weeks", p.weeks);
    w.str("points", c.points.to_string());
    w.key("scenarios");
    w.open('[');
    for (std::size_t k : c.scenarios) {
      w.item_sep();
      detail::escape(w.out, rules.scenarios[k].id);
    }
    w.close(']');
    w.key("constraint");
    w.open('[');
    for (std::size_t k : c.constraint) {
      w.item_sep();
      detail::escape(w.out, rules.scenarios[k].id);
    }
    w.close(']');
    w.key("enables");
    w.open('[');
    for (std::size_t q : c.enables) {
      w.item_sep();
      detail::escape(w.out, cat.products[q].id);
    }
    w.close(']');
    std::vector<std::string> parts;
    if (c.points > Decimal{}) parts.push_back(fmt::format("总分增加{}分", c.points.to_string()));
    if (!c.scenarios.empty())
      parts.push_back(fmt::format("使{}个场景达到{}（{}）", c.scenarios.size(), target_zh,
                                  names(rules, c.scenarios)));
    if (!c.constraint.empty())
      parts.push_back(fmt::format("其中{}个为约束性场景", c.constraint.size()));
    if (!c.enables.empty()) {
      std::string ids;
      for (std::size_t q : c.enables) ids += (ids.empty() ? "" : "、") + cat.products[q].id;
      parts.push_back(fmt::format("是{}的前置条件", ids));
    }
    std::string zh = p.name + "：";
    for (std::size_t k = 0; k < parts.size(); ++k) zh += (k ? "，" : "") + parts[k];
    w.str("zh", zh);
    w.close('}');
  }
  w.close(']');
  // The target level's conditions, before and after.
  w.key("conditions");
  w.open('[');
  for (const ConditionState& c : m.conditions) {
    w.item_sep();
    w.open('{');
    w.str("condition", c.what);
    w.str("required", c.required.to_string());
    w.str("before", c.before.to_string());
    w.str(m.reached ? "after" : "best", c.after.to_string());
    w.raw("covered", c.covered ? "true" : "false");
    w.close('}');
  }
  w.close(']');
  if (!m.alternatives.empty()) {
    w.key("alternatives");
    w.open('[');
    for (const Plan& p : m.alternatives) {
      w.item_sep();
      w.open('{');
      plan_fields(w, p, cat);
      number(w, "level_after", p.level_after);
      w.close('}');
    }
    w.close(']');
  }
  if (!m.alternatives_complete) w.raw("alternatives_complete", "false");
  if (!m.reached) {
    w.strings("gap", m.gap);
    w.str("reason", m.reason);
  }
  w.close('}');
  return std::move(w.out);
}

std::string to_json(const ProductMatrix& x, const Matcher& matcher) {
  const Catalogue& cat = matcher.catalogue();
  Writer w;
  w.open('{');
  w.str("catalogue", cat.id);
  number(w, "target", x.target);
  number(w, "years", matcher.options().years);
  number(w, "enterprises", static_cast<std::int64_t>(x.enterprises));
  number(w, "reached", static_cast<std::int64_t>(x.reached));
  number(w, "already", static_cast<std::int64_t>(x.already));
  number(w, "errors", static_cast<std::int64_t>(x.errors));
  w.key("products");
  w.open('[');
  auto counts = [&](std::string_view k, const auto& pairs) {
    w.key(k);
    w.open('{');
    for (const auto& [name, n] : pairs) number(w, name, static_cast<std::int64_t>(n));
    w.close('}');
  };
  for (const ProductUse& u : x.products) {
    const Product& p = cat.products[u.product];
    w.item_sep();
    w.open('{');
    w.str("product", p.id);
    w.str("name", p.name);
    w.str("provider", p.provider);
    number(w, "plans", static_cast<std::int64_t>(u.plans));
    counts("by_industry", u.by_industry);
    counts("by_district", u.by_district);
    number(w, "revenue", u.revenue);
    number(w, "addressable", static_cast<std::int64_t>(u.addressable));
    w.close('}');
  }
  w.close(']');
  w.key("gaps");
  w.open('[');
  for (const ConditionGap& g : x.gaps) {
    w.item_sep();
    w.open('{');
    w.str("condition", g.what);
    number(w, "count", static_cast<std::int64_t>(g.enterprises.size()));
    w.strings("enterprises", g.enterprises);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return std::move(w.out);
}

}  // namespace smedx
