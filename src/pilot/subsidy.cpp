// 奖补: reads the 投入清单 and computes each enterprise's subsidy from its acceptance and its
// eligible investment, exactly in fen. The rule (docs/programmes.md, "subsidy"):
//   eligible  = acceptance passed, at eligible_level or above;
//   base      = the sum of the lines in an eligible category (with an invoice number when the
//               rule asks for one);
//   tier      = the highest tier whose level the acceptance level reaches (the first: the base);
//   computed  = base × rate_percent / 100, rounded once to the fen (half_up or down);
//   subsidy   = min(computed, the tier's cap);
//   payout    = the first payout batch whose accepted_by is on or after the acceptance date.
#include <fmt/format.h>

#include <map>
#include <set>
#include <stdexcept>

#include "common/did_you_mean.h"
#include "pilot/pilot_table.h"
#include "pilot/subsidy_evaluate.h"
#include "smedx/subsidy.h"

namespace smedx {

std::string_view to_string(SubsidyRecord::Status s) noexcept {
  switch (s) {
    case SubsidyRecord::Status::eligible:
      return "eligible";
    case SubsidyRecord::Status::pending:
      return "pending";
    case SubsidyRecord::Status::ineligible:
      return "ineligible";
  }
  return "";
}

std::string_view status_zh(SubsidyRecord::Status s) noexcept {
  switch (s) {
    case SubsidyRecord::Status::eligible:
      return "予以奖补";
    case SubsidyRecord::Status::pending:
      return "暂缓（待验收或待补）";
    case SubsidyRecord::Status::ineligible:
      return "不予奖补";
  }
  return "";
}

void Pilot::add_investments(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  if (!s.programme.subsidy)
    throw std::invalid_argument("the programme has no subsidy rule: a 投入清单 has no use");
  const SubsidyRule& rule = *s.programme.subsidy;
  s.investments_given = true;
  const std::size_t first_error = s.errors.size();
  int header_line = 0;
  std::vector<std::string_view> categories;
  for (const auto& c : rule.categories) categories.push_back(c.id);
  // Who claimed each invoice first: one invoice cannot be paid to two enterprises.
  std::map<std::string, std::pair<std::size_t, int>> invoices;
  // A line given twice would count twice in the base.
  std::map<std::tuple<std::size_t, std::string, std::string, std::int64_t, std::string>, int> seen;
  detail::read_pilot_table(
      in, source, format, "the investments",
      {"enterprise_id", "category", "item", "amount", "invoice"}, s.errors,
      s.counts.investment_rows, header_line, [&](const detail::TableRow& row) {
        std::vector<Issue> problems;
        auto fail = [&](std::string message) {
          problems.push_back(Issue{Severity::error, std::move(message), "",
                                   Location{std::string(source), row.line, 1}, row.text});
        };
        auto get = [&](std::string_view name) {
          const std::string* v = row.get(name);
          return v ? *v : std::string();
        };
        InvestmentLine line;
        const std::string id = get("enterprise_id");
        line.category = get("category");
        line.item = get("item");
        line.invoice = get("invoice");
        const std::string amount = get("amount");
        auto it = s.index.end();
        if (id.empty())
          fail("missing enterprise_id");
        else if (it = s.index.find(id); it == s.index.end())
          fail(fmt::format("an investment of enterprise '{}', which is not in the register", id));
        if (line.category.empty()) {
          fail("missing category");
        } else if (!rule.find_category(line.category)) {
          const std::string hint = detail::nearest(line.category, categories);
          fail(fmt::format("unknown category '{}'{}", line.category,
                           hint.empty() ? fmt::format(" (expected one of the programme's: {})",
                                                      fmt::join(categories, ", "))
                                        : fmt::format(" (did you mean '{}'?)", hint)));
        }
        if (amount.empty()) {
          fail("missing amount");
        } else if (auto fen = parse_yuan(amount)) {
          line.amount_fen = *fen;
        } else {
          fail(fmt::format("amount '{}' is not an amount in 元 (digits, at most 2 decimals)",
                           amount));
        }
        if (it != s.index.end()) {
          line.enterprise = it->second;
          if (!line.invoice.empty()) {
            auto [at, fresh] = invoices.emplace(line.invoice, std::pair{it->second, row.line});
            if (!fresh && at->second.first != it->second)
              fail(fmt::format("invoice '{}' is claimed by enterprise '{}' too (line {})",
                               line.invoice, s.enterprises[at->second.first].id,
                               at->second.second));
          }
          auto key =
              std::tuple{it->second, line.category, line.item, line.amount_fen, line.invoice};
          if (problems.empty()) {
            if (auto [at, fresh] = seen.emplace(key, row.line); !fresh)
              fail(
                  fmt::format("the same line as line {} (enterprise, category, item, amount and "
                              "invoice): it would count twice",
                              at->second));
          }
        }
        if (!problems.empty()) {
          for (auto& p : problems) s.errors.push_back(std::move(p));
          return;
        }
        line.where = Location{std::string(source), row.line, 1};
        s.investments.push_back(std::move(line));
      });
  s.counts.error_records += detail::error_records_among(s.errors, first_error, header_line);
}

namespace detail {

namespace {

// base × rate / 100, the rate in thousandths of a percent: fen × thousandths / 100000, rounded
// once. 128 bits: 10^15 fen × 10^5 does not fit 64.
std::int64_t apply_rate(std::int64_t base_fen, Decimal rate, SubsidyRule::Rounding how) {
  const i128 num = static_cast<i128>(base_fen) * rate.thousandths();
  const i128 den = 100000;
  const i128 q = how == SubsidyRule::Rounding::down ? num / den : (2 * num + den) / (2 * den);
  return static_cast<std::int64_t>(q);
}

void add(SubsidyTotal& t, const SubsidyRecord& r) {
  ++t.enterprises;
  t.with_lines += r.lines > 0;
  t.eligible += r.status == SubsidyRecord::Status::eligible;
  t.pending += r.status == SubsidyRecord::Status::pending;
  t.ineligible += r.status == SubsidyRecord::Status::ineligible;
  t.capped += r.capped;
  t.invested_fen += r.invested_fen;
  t.base_fen += r.base_fen;
  t.subsidy_fen += r.subsidy_fen;
}

}  // namespace

std::shared_ptr<const SubsidyResult> evaluate_subsidy(const Pilot::State& s,
                                                      const std::vector<AcceptanceRecord>& acc) {
  if (!s.programme.subsidy || !s.investments_given) return nullptr;
  const Programme& prog = s.programme;
  const SubsidyRule& rule = *prog.subsidy;
  auto out = std::make_shared<SubsidyResult>();
  out->example = rule.example;
  out->note = rule.note;
  // The ledger first: whether each line counts does not depend on the acceptance.
  std::vector<std::vector<std::size_t>> lines_of(s.enterprises.size());
  for (const auto& line : s.investments) {
    LedgerEntry e;
    e.line = &line;
    const SubsidyCategory* c = rule.find_category(line.category);
    if (!c->eligible)
      e.reason = fmt::format("{}不在奖补范围", c->zh);
    else if (rule.invoice_required && line.invoice.empty())
      e.reason = "无发票号";
    else
      e.counted = true;
    lines_of[line.enterprise].push_back(out->ledger.size());
    out->ledger.push_back(std::move(e));
  }
  using Status = SubsidyRecord::Status;
  for (std::size_t i = 0; i < s.enterprises.size(); ++i) {
    const AcceptanceRecord& a = acc[i];
    SubsidyRecord r;
    r.enterprise = &s.enterprises[i];
    r.decision = a.decision;
    if (a.acceptance) r.accepted_on = a.acceptance->assessed_on;
    r.level = a.acceptance && a.acceptance->ok() ? a.level_after() : 0;
    for (std::size_t k : lines_of[i]) {
      const LedgerEntry& e = out->ledger[k];
      ++r.lines;
      r.invested_fen += e.line->amount_fen;
      if (e.counted) r.base_fen += e.line->amount_fen;
    }
    if (a.decision == Decision::passed && r.level >= rule.eligible_level) {
      r.status = Status::eligible;
    } else if (a.decision == Decision::passed) {
      r.status = Status::ineligible;
      r.reasons.push_back(
          fmt::format("验收等级{}级，低于奖补要求的{}级", r.level, rule.eligible_level));
    } else if (a.decision == Decision::failed) {
      r.status = Status::ineligible;
      r.reasons.push_back("验收未通过");
    } else {
      r.status = Status::pending;
      r.reasons.push_back(a.acceptance ? "验收材料或评测不全，补齐后再核" : "尚未验收");
    }
    if (r.lines == 0)
      r.reasons.push_back("无投入清单");
    else if (r.base_fen == 0)
      r.reasons.push_back("投入清单中无可计入奖补基数的投入");
    if (r.status == Status::eligible) {
      for (const auto& t : rule.tiers)
        if (r.level >= t.level) r.tier = &t;
      r.computed_fen = apply_rate(r.base_fen, r.tier->rate_percent, rule.rounding);
      r.subsidy_fen = std::min(r.computed_fen, r.tier->cap_fen);
      r.capped = r.computed_fen > r.tier->cap_fen;
      r.reasons.push_back(fmt::format("验收通过，{}级；可计入投入 {} 元 × {}% = {} 元", r.level,
                                      yuan(r.base_fen), r.tier->rate_percent.to_string(),
                                      yuan(r.computed_fen)));
      if (r.capped)
        r.reasons.push_back(fmt::format("超过每户上限，按 {} 元封顶", yuan(r.tier->cap_fen)));
      for (const auto& b : rule.payouts)
        if (r.accepted_on && *r.accepted_on <= b.accepted_by) {
          r.payout = &b;
          break;
        }
      if (!rule.payouts.empty() && !r.payout)
        r.reasons.push_back("验收日期晚于各兑现批次的截止日期，待排批次");
    }
    out->enterprises.push_back(std::move(r));
  }
  // Totals: every row of a breakdown in the programme's order, then any other value seen.
  auto breakdown = [&](std::vector<SubsidyTotal>& rows, auto key_of,
                       std::vector<std::pair<std::string, std::string>> known) {
    std::map<std::string, std::size_t> at;
    for (auto& [k, zh] : known) {
      at.emplace(k, rows.size());
      rows.push_back(SubsidyTotal{k, zh});
    }
    for (const auto& r : out->enterprises) {
      const auto [k, zh] = key_of(r);
      auto [it, fresh] = at.emplace(k, rows.size());
      if (fresh) rows.push_back(SubsidyTotal{k, zh});
      add(rows[it->second], r);
    }
  };
  std::vector<std::pair<std::string, std::string>> industries, batches, payouts;
  for (const auto& ind : prog.industries) industries.emplace_back(ind.id, ind.zh);
  for (const auto& b : prog.batches) batches.emplace_back(b.id, b.zh);
  for (const auto& b : rule.payouts) payouts.emplace_back(b.id, b.zh);
  using Pair = std::pair<std::string, std::string>;
  breakdown(
      out->by_industry,
      [](const SubsidyRecord& r) {
        return Pair{r.enterprise->industry, ""};
      },
      industries);
  breakdown(out->by_district,
            [](const SubsidyRecord& r) {
              return Pair{r.enterprise->district, r.enterprise->district};
            },
            {});
  breakdown(
      out->by_batch,
      [](const SubsidyRecord& r) {
        return Pair{r.enterprise->batch, ""};
      },
      batches);
  // Only the eligible are paid, so only they fall in a payout batch (or none yet).
  {
    std::vector<SubsidyTotal> rows;
    std::map<std::string, std::size_t> at;
    for (auto& [k, zh] : payouts) {
      at.emplace(k, rows.size());
      rows.push_back(SubsidyTotal{k, zh});
    }
    for (const auto& r : out->enterprises) {
      if (r.status != Status::eligible) continue;
      const std::string k = r.payout ? r.payout->id : "";
      auto [it, fresh] = at.emplace(k, rows.size());
      if (fresh) rows.push_back(SubsidyTotal{k, "待排批次"});
      add(rows[it->second], r);
    }
    out->by_payout = std::move(rows);
  }
  out->total.key = "total";
  out->total.zh = "合计";
  for (const auto& r : out->enterprises) add(out->total, r);
  if (rule.award_fen > 0 || !rule.fund.empty()) {
    FundSplit f;
    f.award_fen = rule.award_fen;
    for (const auto& l : rule.fund) {
      f.planned_fen += l.amount_fen;
      if (l.enterprise) f.enterprise_fen += l.amount_fen;
    }
    f.min_percent = rule.enterprise_min_percent;
    // enterprise / award ≥ min / 100, compared in whole numbers.
    f.met =
        static_cast<i128>(f.enterprise_fen) * 100 >= static_cast<i128>(f.award_fen) * f.min_percent;
    if (f.award_fen > 0)
      f.enterprise_percent =
          Ratio::of(static_cast<i128>(f.enterprise_fen) * 100, f.award_fen).decimal();
    f.subsidies_fen = out->total.subsidy_fen;
    if (f.enterprise_fen > 0)
      f.used_percent =
          Ratio::of(static_cast<i128>(f.subsidies_fen) * 100, f.enterprise_fen).decimal();
    f.within = f.subsidies_fen <= f.enterprise_fen;
    out->split = f;
  }
  return out;
}

}  // namespace detail
}  // namespace smedx
