// The catalogue's outputs in a pilot: products.json (the 产品矩阵 as the match room writes it,
// the product rating, the warnings), product_rating.csv, product_matrix.csv and the dashboard's
// section. Money is written from integer fen: JSON as whole fen, CSV and pages as 元 with two
// decimals. Names, not ids, in what people read.
#include <fmt/format.h>

#include <map>

#include "batch/csv_row.h"
#include "common/html_escape.h"
#include "common/json_writer.h"
#include "smedx/pilot_products.h"
#include "smedx/subsidy_rule.h"

namespace smedx {

namespace {

using detail::Writer;

std::string cell(std::string_view s) { return detail::csv_text(s); }
std::string esc(std::string_view s) { return detail::html_escape(s); }
std::string opt(const std::optional<Decimal>& d) { return d ? d->to_string() : "null"; }
std::string blank(const std::optional<Decimal>& d) { return d ? d->to_string() : std::string(); }

// The provider's name from the pilot's providers file, else its id.
std::string provider_name(const PilotResult& result, const std::string& id) {
  for (const auto& p : result.providers)
    if (p.id == id && !p.name.empty()) return p.name;
  return id;
}

std::string industry_zh(const Programme& p, const std::string& id) {
  const ProgrammeIndustry* i = p.find_industry(id);
  return i && !i->zh.empty() ? i->zh : id;
}

// The level conditions of the 产品矩阵's gaps, in Chinese.
std::string_view condition_zh(std::string_view what) {
  if (what == "points") return "总分";
  if (what == "scenarios") return "达到目标等级的场景数";
  if (what == "constraint") return "约束性场景";
  return what;
}

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out;
}

// "化工新材料 3；装备零部件 1": counts by name (industries in Chinese).
template <class Label>
std::string counts(const std::vector<std::pair<std::string, std::size_t>>& pairs, Label label) {
  std::string out;
  for (const auto& [k, n] : pairs)
    out += fmt::format("{}{} {}", out.empty() ? "" : "；", label(k), n);
  return out;
}

}  // namespace

std::string pilot_products_json(const Programme& programme, const PilotProducts& p,
                                const PilotResult& result) {
  (void)programme;
  const Catalogue& cat = *p.catalogue;
  Writer w;
  w.open('{');
  w.str("catalogue", cat.id);
  w.str("title", cat.title);
  w.raw("years", "1");
  w.key("matrix");
  w.out += to_json(p.matrix, *p.matcher);
  w.key("ratings");
  w.open('[');
  for (const ProductRating& x : p.ratings) {
    const Product& product = cat.products[x.product];
    w.item_sep();
    w.out += '\n';
    w.open('{');
    w.str("product", product.id);
    w.str("name", product.name);
    w.str("provider", product.provider);
    w.str("provider_name", provider_name(result, product.provider));
    w.str("category", product.category);
    w.raw("enterprises", std::to_string(x.enterprises.size()));
    w.raw("accepted", std::to_string(x.accepted));
    w.raw("passed", std::to_string(x.passed));
    w.raw("failed", std::to_string(x.failed));
    w.raw("incomplete", std::to_string(x.incomplete));
    w.raw("pass_rate_percent", opt(x.pass_rate));
    w.raw("gained", std::to_string(x.gained));
    w.raw("level_steps", std::to_string(x.level_steps));
    w.raw("mean_level_gain", opt(x.mean_level_gain));
    w.raw("cost_fen", std::to_string(x.cost_fen));
    w.raw("cost_per_level_step_fen",
          x.cost_per_level_step_fen ? std::to_string(*x.cost_per_level_step_fen) : "null");
    w.raw("ratings", std::to_string(x.ratings));
    w.raw("mean_satisfaction", opt(x.mean_satisfaction));
    w.raw("satisfaction", opt(x.satisfaction));
    w.strings("enterprise_ids", x.enterprises);
    w.strings("notes", x.notes);
    w.close('}');
  }
  w.out += '\n';
  w.close(']');
  w.key("warnings");
  w.open('[');
  for (const Issue& i : p.warnings) {
    w.item_sep();
    w.open('{');
    w.str("file", i.where.file);
    w.raw("line", std::to_string(i.where.line));
    w.raw("column", std::to_string(i.where.column));
    w.str("message", i.message);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return w.out + '\n';
}

std::string product_rating_csv(const PilotProducts& p, const PilotResult& result,
                               CsvHeaders headers) {
  const Catalogue& cat = *p.catalogue;
  std::string out =
      headers == CsvHeaders::zh
          ? "产品编号,产品名称,服务商编号,服务商名称,类别,使用企业数,已验收,通过,未通过,待补,"
            "通过率（%）,计入提升企业数,提升等级合计,平均提升等级,产品费用（元）,"
            "每提升一级费用（元）,满意度评价数,平均满意度,企业满意度,使用企业,说明\n"
          : "product,name,provider,provider_name,category,enterprises,accepted,passed,failed,"
            "incomplete,pass_rate_percent,gained,level_steps,mean_level_gain,cost_yuan,"
            "cost_per_level_step_yuan,ratings,mean_satisfaction,satisfaction,enterprise_ids,"
            "notes\n";
  for (const ProductRating& x : p.ratings) {
    const Product& product = cat.products[x.product];
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", cell(product.id),
        cell(product.name), cell(product.provider), cell(provider_name(result, product.provider)),
        cell(product.category), x.enterprises.size(), x.accepted, x.passed, x.failed, x.incomplete,
        blank(x.pass_rate), x.gained, x.level_steps, blank(x.mean_level_gain), yuan(x.cost_fen),
        x.cost_per_level_step_fen ? yuan(*x.cost_per_level_step_fen) : "", x.ratings,
        blank(x.mean_satisfaction), blank(x.satisfaction), cell(joined(x.enterprises, "|")),
        cell(joined(x.notes, "; ")));
  }
  return out;
}

std::string product_matrix_csv(const Programme& programme, const PilotProducts& p,
                               const PilotResult& result, CsvHeaders headers) {
  const Catalogue& cat = *p.catalogue;
  std::string out = headers == CsvHeaders::zh
                        ? "产品编号,产品名称,服务商编号,服务商名称,类别,方案采用企业数,按行业,"
                          "按区县,方案中费用（元）,可满足需求企业数\n"
                        : "product,name,provider,provider_name,category,plans,by_industry,"
                          "by_district,revenue_yuan,addressable\n";
  for (const ProductUse& u : p.matrix.products) {
    const Product& product = cat.products[u.product];
    out +=
        fmt::format("{},{},{},{},{},{},{},{},{},{}\n", cell(product.id), cell(product.name),
                    cell(product.provider), cell(provider_name(result, product.provider)),
                    cell(product.category), u.plans,
                    cell(counts(u.by_industry,
                                [&](const std::string& k) { return industry_zh(programme, k); })),
                    cell(counts(u.by_district, [](const std::string& k) { return k; })),
                    yuan(u.revenue * 100), u.addressable);
  }
  return out;
}

std::string products_html_section(const Programme& programme, const PilotProducts& p,
                                  const PilotResult& result) {
  const Catalogue& cat = *p.catalogue;
  const ProductMatrix& x = p.matrix;
  std::map<std::string, std::string> names;  // enterprise id → name, for the gaps
  for (const auto& r : result.acceptance) names[r.enterprise->id] = r.enterprise->name;
  std::string h = "<section id='products'><h2>产品矩阵（" + esc(cat.title) + "）</h2>";
  h += fmt::format(
      "<p id='products-summary'>按基线评测匹配目录产品（目标{}级，费用含一次性价格和一年年费）：{}"
      "家企业中，{}家可用目录产品达到目标，{}家已达到目标，{}家目录产品无法使其达到目标。</p>",
      x.target, x.enterprises, x.reached, x.already,
      x.enterprises - x.reached - x.already - x.errors);
  h += "<table id='product-matrix'><thead><tr><th>产品</th><th>服务商</th><th>方案采用</th>"
       "<th>按行业</th><th>按区县</th><th>方案中费用（元）</th><th>可满足需求企业</th></tr>"
       "</thead><tbody>";
  // The products some plan uses; the rest (their demand too) are in the CSV and JSON.
  std::size_t unused = 0;
  for (const ProductUse& u : x.products) {
    if (u.plans == 0) {
      ++unused;
      continue;
    }
    const Product& product = cat.products[u.product];
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class='n'>{}</td><td>{}</td><td>{}</td>"
        "<td class='n'>{}</td><td class='n'>{}</td></tr>",
        esc(product.name), esc(provider_name(result, product.provider)), u.plans,
        esc(counts(u.by_industry, [&](const std::string& k) { return industry_zh(programme, k); })),
        esc(counts(u.by_district, [](const std::string& k) { return k; })), yuan(u.revenue * 100),
        u.addressable);
  }
  h += "</tbody></table>";
  if (unused > 0)
    h += fmt::format("<p class='muted'>其余{}个目录产品未进入任何企业的方案。</p>", unused);
  h += "<table id='product-gaps'><thead><tr><th>目标等级条件</th><th>目录产品无法达到的企业数"
       "</th><th>企业</th></tr></thead><tbody>";
  for (const ConditionGap& g : x.gaps) {
    std::vector<std::string> shown;
    for (const auto& id : g.enterprises) {
      if (shown.size() == 20) {
        shown.push_back(fmt::format("等{}家（见 products.json）", g.enterprises.size()));
        break;
      }
      const auto it = names.find(id);
      shown.push_back(it != names.end() && !it->second.empty() ? it->second : id);
    }
    h += fmt::format("<tr><td>{}</td><td class='n'>{}</td><td>{}</td></tr>", condition_zh(g.what),
                     g.enterprises.size(), esc(joined(shown, "、")));
  }
  h += "</tbody></table>";

  h += "<h2>产品评价（以评促建）</h2><table id='product-rating'><thead><tr><th>产品</th>"
       "<th>服务商</th><th>使用企业</th><th>已验收</th><th>通过率（%）</th><th>平均提升（级）</th>"
       "<th>每提升一级费用（元）</th><th>企业满意度</th></tr></thead><tbody>";
  for (const ProductRating& r : p.ratings) {
    if (r.enterprises.empty()) continue;
    const Product& product = cat.products[r.product];
    auto d = [](const std::optional<Decimal>& v) { return v ? v->to_string() : std::string("—"); };
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}"
        "</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td></tr>",
        esc(product.name), esc(provider_name(result, product.provider)), r.enterprises.size(),
        r.accepted, d(r.pass_rate), d(r.mean_level_gain),
        r.cost_per_level_step_fen ? yuan(*r.cost_per_level_step_fen) : "—", d(r.satisfaction));
  }
  h += "</tbody></table>";
  if (!p.warnings.empty())
    h += fmt::format(
        "<p class='muted' id='product-warnings'>备案中有{}项改造方案不是目录产品编号，未计入产品"
        "评价（见 products.json 的 warnings）。</p>",
        p.warnings.size());
  return h + "</section>";
}

}  // namespace smedx
