// 奖补 outputs: subsidy.json (records, totals, fund split), subsidy.csv (one row an enterprise),
// subsidy_ledger.csv (one row an investment line) and the dashboard's section. Money is written
// from integer fen: JSON as whole fen, CSV and pages as 元 with two decimals.
#include <fmt/format.h>

#include "batch/csv_row.h"
#include "common/html_escape.h"
#include "common/json_writer.h"
#include "smedx/subsidy.h"

namespace smedx {

namespace {

using detail::Writer;

std::string cell(std::string_view s) { return detail::csv_text(s); }

std::string esc(std::string_view s) { return detail::html_escape(s); }

std::string industry_zh(const Programme& p, const std::string& id) {
  const ProgrammeIndustry* i = p.find_industry(id);
  return i && !i->zh.empty() ? i->zh : id;
}
std::string batch_zh(const Programme& p, const std::string& id) {
  const Batch* b = p.find_batch(id);
  return b && !b->zh.empty() ? b->zh : id;
}

void money(Writer& w, std::string_view key, std::int64_t fen) { w.raw(key, std::to_string(fen)); }

void total(Writer& w, const SubsidyTotal& t) {
  w.open('{');
  w.str("key", t.key);
  w.str("zh", t.zh);
  w.raw("enterprises", std::to_string(t.enterprises));
  w.raw("with_lines", std::to_string(t.with_lines));
  w.raw("eligible", std::to_string(t.eligible));
  w.raw("pending", std::to_string(t.pending));
  w.raw("ineligible", std::to_string(t.ineligible));
  w.raw("capped", std::to_string(t.capped));
  money(w, "invested_fen", t.invested_fen);
  money(w, "base_fen", t.base_fen);
  money(w, "subsidy_fen", t.subsidy_fen);
  w.close('}');
}

void totals(Writer& w, std::string_view key, const std::vector<SubsidyTotal>& rows) {
  w.key(key);
  w.open('[');
  for (const auto& t : rows) {
    w.item_sep();
    total(w, t);
  }
  w.close(']');
}

}  // namespace

namespace {
std::string subsidy_rows(const Programme* programme, const SubsidyResult& r, CsvHeaders headers);
}  // namespace

std::string subsidy_json(const Programme& programme, const SubsidyResult& r) {
  const SubsidyRule& rule = *programme.subsidy;
  Writer w;
  w.open('{');
  w.raw("example", r.example ? "true" : "false");
  w.str("note", r.note);
  w.key("rule");
  w.first = true;
  w.open('{');
  w.raw("eligible_level", std::to_string(rule.eligible_level));
  w.raw("invoice_required", rule.invoice_required ? "true" : "false");
  w.str("rounding", rule.rounding == SubsidyRule::Rounding::down ? "down" : "half_up");
  w.key("tiers");
  w.open('[');
  for (const auto& t : rule.tiers) {
    w.item_sep();
    w.open('{');
    w.raw("level", std::to_string(t.level));
    w.raw("rate_percent", t.rate_percent.to_string());
    money(w, "cap_fen", t.cap_fen);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  w.key("enterprises");
  w.open('[');
  for (const auto& e : r.enterprises) {
    w.item_sep();
    w.open('{');
    w.str("id", e.enterprise->id);
    w.str("name", e.enterprise->name);
    w.str("industry", e.enterprise->industry);
    w.str("district", e.enterprise->district);
    w.str("batch", e.enterprise->batch);
    w.str("decision", to_string(e.decision));
    if (e.accepted_on)
      w.str("accepted_on", e.accepted_on->to_string());
    else
      w.raw("accepted_on", "null");
    w.raw("level", std::to_string(e.level));
    w.str("status", to_string(e.status));
    w.str("status_zh", status_zh(e.status));
    w.raw("lines", std::to_string(e.lines));
    money(w, "invested_fen", e.invested_fen);
    money(w, "base_fen", e.base_fen);
    if (e.tier) {
      w.raw("tier_level", std::to_string(e.tier->level));
      w.raw("rate_percent", e.tier->rate_percent.to_string());
      money(w, "cap_fen", e.tier->cap_fen);
    } else {
      w.raw("tier_level", "null");
      w.raw("rate_percent", "null");
      w.raw("cap_fen", "null");
    }
    money(w, "computed_fen", e.computed_fen);
    w.raw("capped", e.capped ? "true" : "false");
    money(w, "subsidy_fen", e.subsidy_fen);
    if (e.payout)
      w.str("payout", e.payout->id);
    else
      w.raw("payout", "null");
    w.strings("reasons", e.reasons);
    w.close('}');
  }
  w.close(']');
  w.key("total");
  w.first = true;
  total(w, r.total);
  totals(w, "by_industry", r.by_industry);
  totals(w, "by_district", r.by_district);
  totals(w, "by_batch", r.by_batch);
  totals(w, "by_payout", r.by_payout);
  w.key("fund_split");
  if (r.split) {
    const FundSplit& f = *r.split;
    w.first = true;
    w.open('{');
    money(w, "award_fen", f.award_fen);
    money(w, "planned_fen", f.planned_fen);
    money(w, "enterprise_fen", f.enterprise_fen);
    w.raw("enterprise_percent", f.enterprise_percent.to_string());
    w.raw("min_percent", std::to_string(f.min_percent));
    w.raw("met", f.met ? "true" : "false");
    money(w, "subsidies_fen", f.subsidies_fen);
    w.raw("used_percent", f.used_percent.to_string());
    w.raw("within", f.within ? "true" : "false");
    w.close('}');
  } else {
    w.out += "null";
  }
  w.close('}');
  return w.out + "\n";
}

std::string subsidy_csv(const SubsidyResult& r, CsvHeaders headers) {
  return subsidy_rows(nullptr, r, headers);
}

std::string subsidy_csv(const Programme& programme, const SubsidyResult& r, CsvHeaders headers) {
  return subsidy_rows(&programme, r, headers);
}

namespace {

// Under Chinese headers the values are Chinese too (decision, status, industry, batch, payout,
// 是/否): the file is then for people; under English ones they stay the codes programs read.
std::string subsidy_rows(const Programme* programme, const SubsidyResult& r, CsvHeaders headers) {
  const bool zh = headers == CsvHeaders::zh;
  std::string out =
      headers == CsvHeaders::zh
          ? "企业编号,企业名称,行业,区县,批次,验收结论,验收等级,奖补状态,投入清单条数,投入（元）,"
            "可计入基数（元）,比例（%）,按比例计算（元）,上限（元）,封顶,奖补（元）,兑现批次,说明\n"
          : "id,name,industry,district,batch,decision,level,status,lines,invested_yuan,base_yuan,"
            "rate_percent,computed_yuan,cap_yuan,capped,subsidy_yuan,payout,reasons\n";
  for (const auto& e : r.enterprises) {
    std::string reasons;
    for (const auto& x : e.reasons) reasons += (reasons.empty() ? "" : "；") + x;
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", cell(e.enterprise->id),
        cell(e.enterprise->name),
        cell(zh && programme ? industry_zh(*programme, e.enterprise->industry)
                             : e.enterprise->industry),
        cell(e.enterprise->district),
        cell(zh && programme ? batch_zh(*programme, e.enterprise->batch) : e.enterprise->batch),
        zh ? decision_zh(e.decision) : to_string(e.decision), e.level,
        zh ? status_zh(e.status) : to_string(e.status), e.lines, yuan(e.invested_fen),
        yuan(e.base_fen), e.tier ? e.tier->rate_percent.to_string() : "", yuan(e.computed_fen),
        e.tier ? yuan(e.tier->cap_fen) : "", e.capped ? (zh ? "是" : "yes") : (zh ? "否" : "no"),
        yuan(e.subsidy_fen),
        e.payout ? cell(zh && !e.payout->zh.empty() ? e.payout->zh : e.payout->id) : "",
        cell(reasons));
  }
  return out;
}

}  // namespace

std::string subsidy_ledger_csv(const Programme& programme, const SubsidyResult& r,
                               CsvHeaders headers) {
  const SubsidyRule& rule = *programme.subsidy;
  std::string out =
      headers == CsvHeaders::zh
          ? "文件,行,企业编号,类别代码,类别名称,项目,金额（元）,发票号,计入基数,说明\n"
          : "source,line,enterprise_id,category,category_zh,item,amount_yuan,invoice,"
            "counted,reason\n";
  for (const auto& e : r.ledger) {
    const InvestmentLine& l = *e.line;
    const SubsidyCategory* c = rule.find_category(l.category);
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", cell(l.where.file), l.where.line,
                       cell(r.enterprises[l.enterprise].enterprise->id), cell(l.category),
                       cell(c ? c->zh : ""), cell(l.item), yuan(l.amount_fen), cell(l.invoice),
                       e.counted ? (headers == CsvHeaders::zh ? "是" : "yes")
                                 : (headers == CsvHeaders::zh ? "否" : "no"),
                       cell(e.reason));
  }
  return out;
}

std::string subsidy_html_section(const Programme& programme, const SubsidyResult& r) {
  std::string h = "<h2>专项资金奖补</h2>";
  if (r.example)
    h += "<p class='failed' id='subsidy-example'><b>示例参数：</b>" + esc(r.note) + "</p>";
  else if (!r.note.empty())
    h += "<p class='muted'>" + esc(r.note) + "</p>";
  const SubsidyTotal& t = r.total;
  h += fmt::format(
      "<p id='subsidy-total'>予以奖补 {} 家，暂缓 {} 家，不予奖补 {} 家；投入 {} 元，可计入基数 "
      "{} 元，奖补合计 <b>{}</b> 元（{} 家按上限封顶）。</p>",
      t.eligible, t.pending, t.ineligible, yuan(t.invested_fen), yuan(t.base_fen),
      yuan(t.subsidy_fen), t.capped);
  auto table = [&](std::string_view id, std::string_view head,
                   const std::vector<SubsidyTotal>& rows, auto label) {
    h += fmt::format(
        "<table id='{}'><thead><tr><th>{}</th><th>企业</th><th>予以奖补</th><th>暂缓</th>"
        "<th>不予奖补</th><th>投入（元）</th><th>可计入基数（元）</th><th>奖补（元）</th></tr>"
        "</thead><tbody>",
        id, head);
    for (const auto& row : rows)
      h += fmt::format(
          "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td>"
          "<td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td>"
          "</tr>",
          esc(label(row)), row.enterprises, row.eligible, row.pending, row.ineligible,
          yuan(row.invested_fen), yuan(row.base_fen), yuan(row.subsidy_fen));
    h += "</tbody></table>";
  };
  table("subsidy-by-industry", "行业", r.by_industry,
        [&](const SubsidyTotal& x) { return industry_zh(programme, x.key); });
  table("subsidy-by-district", "区县", r.by_district, [](const SubsidyTotal& x) { return x.zh; });
  table("subsidy-by-batch", "批次", r.by_batch,
        [&](const SubsidyTotal& x) { return batch_zh(programme, x.key); });
  table("subsidy-by-payout", "兑现批次", r.by_payout, [](const SubsidyTotal& x) { return x.zh; });
  if (r.split) {
    const FundSplit& f = *r.split;
    h += fmt::format(
        "<p id='subsidy-split' class='{}'>资金安排：奖励资金 {} 元，其中企业数字化改造 {} 元，占 "
        "{}%（要求不低于 {}%）：{}。已核定企业奖补 {} 元，占企业改造资金的 {}%{}。</p>",
        f.met && f.within ? "passed" : "failed", yuan(f.award_fen), yuan(f.enterprise_fen),
        f.enterprise_percent.to_string(), f.min_percent, f.met ? "符合" : "不符合",
        yuan(f.subsidies_fen), f.used_percent.to_string(), f.within ? "" : "，超出安排");
  }
  return h;
}

}  // namespace smedx
