// Reads the 奖补 rule of a programme: categories, rate and cap with tiers, rounding, payout
// batches and the fund split, every problem located in programme.yaml. Money is read from the
// text as written ("300000", "12.5") straight into fen, never through a floating-point number.
#include "pilot/subsidy_reader.h"

#include <fmt/format.h>

#include <limits>

#include "yaml/walker.h"

namespace smedx {

std::optional<std::int64_t> parse_yuan(std::string_view text) noexcept {
  std::size_t i = 0;
  std::int64_t yuan_part = 0;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (++digits > 13) return std::nullopt;  // 10^13 元 is beyond any fund
    yuan_part = yuan_part * 10 + (text[i] - '0');
    ++i;
  }
  if (digits == 0) return std::nullopt;
  std::int64_t fen = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    const std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    const std::size_t decimals = i - from;
    if (decimals == 0 || decimals > 2 || i != text.size()) return std::nullopt;
    fen = (text[from] - '0') * 10 + (decimals == 2 ? text[from + 1] - '0' : 0);
  }
  return yuan_part * 100 + fen;
}

std::string yuan(std::int64_t fen) {
  const bool negative = fen < 0;
  const std::uint64_t f =
      negative ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  return fmt::format("{}{}.{:02}", negative ? "-" : "", f / 100, f % 100);
}

namespace detail {

namespace {

using Kind = YamlNode::Kind;

class SubsidyReader : Walker {
 public:
  SubsidyReader(std::string file, std::vector<Issue>& issues)
      : Walker(issues, nullptr, std::move(file)) {}

  void read(const YamlNode& n, const Path& p, int target_level, SubsidyRule& out);

 private:
  std::optional<std::int64_t> money(const YamlNode& map, std::string_view key, const Path& p) {
    const YamlNode* v = field(map, key, p);
    if (!v) return std::nullopt;
    auto fen = v->kind == Kind::scalar && !v->quoted ? parse_yuan(v->value) : std::nullopt;
    if (!fen)
      error(*v, p.key(key),
            fmt::format("expected an amount in 元 for '{}' (digits, at most 2 decimals), got {}",
                        key, describe(*v)));
    return fen;
  }
  std::optional<Decimal> percent(const YamlNode& map, std::string_view key, const Path& p) {
    auto r = non_negative_number(map, key, p);
    if (r && *r > Decimal::from_int(100)) {
      error(*map.find(key), p.key(key),
            fmt::format("'{}' is {}, more than 100 percent", key, r->to_string()));
      return std::nullopt;
    }
    return r;
  }
  std::optional<Date> date(const YamlNode& map, std::string_view key, const Path& p) {
    const YamlNode* v = field(map, key, p);
    if (!v) return std::nullopt;
    auto d = v->kind == Kind::scalar ? parse_date(v->value) : std::nullopt;
    if (!d)
      error(*v, p.key(key),
            fmt::format("expected a date yyyy-mm-dd for '{}', got {}", key, describe(*v)));
    return d;
  }
  void read_fund(const YamlNode& n, const Path& p, SubsidyRule& out);
};

void SubsidyReader::read(const YamlNode& n, const Path& p, int target_level, SubsidyRule& out) {
  if (!check_map(n, p, "subsidy",
                 {"example", "note", "eligible_level", "invoice_required", "categories",
                  "rate_percent", "cap", "tiers", "rounding", "payouts", "fund"},
                 {"categories", "rate_percent", "cap"}))
    return;
  out.example = boolean(n, "example", p);
  out.note = nonempty_text(n, "note", p);
  out.eligible_level = target_level;
  if (auto l = whole(n, "eligible_level", p, 2)) {
    if (*l < 1)
      error(*n.find("eligible_level"), p.key("eligible_level"), "eligible_level must be 1 or more");
    out.eligible_level = *l;
  }
  out.invoice_required = n.find("invoice_required") ? boolean(n, "invoice_required", p) : true;
  IdSet ids{{}, true};
  each_in(
      n, "categories", p, "categories", "category", &ids, [&](const YamlNode& e, const Path& ep) {
        if (!check_map(e, ep, "a category", {"id", "zh", "eligible"}, {"id", "zh", "eligible"}))
          return;
        out.categories.push_back(
            {nonempty_text(e, "id", ep), nonempty_text(e, "zh", ep), boolean(e, "eligible", ep)});
      });
  SubsidyTier base;
  base.level = out.eligible_level;
  base.rate_percent = percent(n, "rate_percent", p).value_or(Decimal{});
  base.cap_fen = money(n, "cap", p).value_or(0);
  out.tiers.push_back(base);
  if (const YamlNode* t = field(n, "tiers", p); t && is_sequence(*t, "tiers", p.key("tiers"))) {
    for (std::size_t i = 0; i < t->items.size(); ++i) {
      const YamlNode& e = t->items[i];
      const Path ep = p.key("tiers").element("", i);
      if (!check_map(e, ep, "a tier", {"level", "rate_percent", "cap"},
                     {"level", "rate_percent", "cap"}))
        continue;
      SubsidyTier tier;
      tier.level = whole(e, "level", ep, 2).value_or(0);
      tier.rate_percent = percent(e, "rate_percent", ep).value_or(Decimal{});
      tier.cap_fen = money(e, "cap", ep).value_or(0);
      // Higher levels, each above the one before: which tier applies is then never in doubt.
      if (tier.level <= out.tiers.back().level)
        error(*e.find("level"), ep.key("level"),
              fmt::format("tier level {} must be above {} (eligible_level and the tiers before, "
                          "in order)",
                          tier.level, out.tiers.back().level));
      out.tiers.push_back(tier);
    }
  }
  if (const YamlNode* r = field(n, "rounding", p)) {
    const std::string how = nonempty_text(n, "rounding", p);
    if (how == "down")
      out.rounding = SubsidyRule::Rounding::down;
    else if (how != "half_up" && !how.empty())
      error(*r, p.key("rounding"),
            fmt::format("expected 'half_up' or 'down' for 'rounding', got '{}'", how));
  }
  IdSet payout_ids{{}, true};
  each_in(n, "payouts", p, "payouts", "payout batch", &payout_ids,
          [&](const YamlNode& e, const Path& ep) {
            if (!check_map(e, ep, "a payout batch", {"id", "zh", "accepted_by", "pay_on"},
                           {"id", "zh", "accepted_by"}))
              return;
            PayoutBatch b;
            b.id = nonempty_text(e, "id", ep);
            b.zh = nonempty_text(e, "zh", ep);
            const auto by = date(e, "accepted_by", ep);
            if (by) b.accepted_by = *by;
            b.pay_on = date(e, "pay_on", ep);
            if (by && !out.payouts.empty() && !(out.payouts.back().accepted_by < *by))
              error(*e.find("accepted_by"), ep.key("accepted_by"),
                    fmt::format("accepted_by {} is not after the batch before ({})",
                                by->to_string(), out.payouts.back().accepted_by.to_string()));
            if (by && b.pay_on && *b.pay_on < *by)
              error(*e.find("pay_on"), ep.key("pay_on"),
                    fmt::format("pay_on {} is before accepted_by {}", b.pay_on->to_string(),
                                by->to_string()));
            out.payouts.push_back(std::move(b));
          });
  if (const YamlNode* f = n.find("fund")) read_fund(*f, p.key("fund"), out);
}

void SubsidyReader::read_fund(const YamlNode& n, const Path& p, SubsidyRule& out) {
  if (!check_map(n, p, "fund", {"award", "enterprise_min_percent", "lines"}, {"award", "lines"}))
    return;
  out.award_fen = money(n, "award", p).value_or(0);
  if (auto m = whole(n, "enterprise_min_percent", p, 3)) {
    if (*m > 100)
      error(*n.find("enterprise_min_percent"), p.key("enterprise_min_percent"),
            fmt::format("enterprise_min_percent is {}, more than 100", *m));
    out.enterprise_min_percent = *m;
  }
  std::int64_t planned = 0;  // each line under 10^15 fen: no sum of a few thousand can wrap
  bool any_enterprise = false;
  IdSet ids{{}, true};
  each_in(n, "lines", p, "lines", "fund line", &ids, [&](const YamlNode& e, const Path& ep) {
    if (!check_map(e, ep, "a fund line", {"id", "zh", "amount", "enterprise"},
                   {"id", "zh", "amount"}))
      return;
    FundLine l;
    l.id = nonempty_text(e, "id", ep);
    l.zh = nonempty_text(e, "zh", ep);
    l.amount_fen = money(e, "amount", ep).value_or(0);
    l.enterprise = boolean(e, "enterprise", ep);
    any_enterprise = any_enterprise || l.enterprise;
    planned += l.amount_fen;
    out.fund.push_back(std::move(l));
  });
  if (const YamlNode* lines = n.find("lines"); lines && lines->kind == Kind::sequence) {
    if (planned > out.award_fen)
      error(*lines, p.key("lines"),
            fmt::format("the fund lines sum to {} 元, more than the award ({} 元)", yuan(planned),
                        yuan(out.award_fen)));
    if (!any_enterprise && !lines->items.empty())
      error(*lines, p.key("lines"),
            "no fund line is marked 'enterprise: true' (enterprise transformation)");
  }
}

}  // namespace

void read_subsidy(const YamlNode& n, const Path& p, std::string file, std::vector<Issue>& issues,
                  int target_level, SubsidyRule& out) {
  SubsidyReader(std::move(file), issues).read(n, p, target_level, out);
}

}  // namespace detail
}  // namespace smedx
