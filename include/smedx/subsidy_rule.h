// The 奖补 (subsidy) rule of a pilot programme as data: who is eligible, which investment
// counts, the rate and cap (with optional tiers by level), the rounding to the fen, the payout
// batches and the city's fund split. Read from programme.yaml's `subsidy` section; every part
// is documented in docs/programmes.md. Money is held in integer fen (分), never in floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/programme.h"

namespace smedx {

// A category of the 投入清单; only eligible categories make up the subsidy base.
struct SubsidyCategory {
  std::string id, zh;
  bool eligible = true;
};

// A rate and cap from an acceptance level on; the first tier is the base one (level =
// eligible_level), the rest go up in level.
struct SubsidyTier {
  int level = 0;
  Decimal rate_percent;      // of the eligible base, at most 3 decimals
  std::int64_t cap_fen = 0;  // per enterprise
};

// A payout batch takes the eligible enterprises accepted (assessed) on or before accepted_by
// and after the previous batch's accepted_by.
struct PayoutBatch {
  std::string id, zh;
  Date accepted_by;
  std::optional<Date> pay_on;
};

// A line of the city's planned use of the award; `enterprise` lines are enterprise
// transformation (企业数字化改造), the part that must reach enterprise_min_percent.
struct FundLine {
  std::string id, zh;
  std::int64_t amount_fen = 0;
  bool enterprise = false;
};

struct SubsidyRule {
  bool example = false;    // the values are examples, not the city's rule (shown on every page)
  std::string note;        // shown with the figures
  int eligible_level = 0;  // acceptance passed at this level or above
  bool invoice_required = true;  // a line without an invoice number is outside the base
  std::vector<SubsidyCategory> categories;
  std::vector<SubsidyTier> tiers;  // tiers[0]: the base rate and cap
  enum class Rounding { half_up, down } rounding = Rounding::half_up;
  std::vector<PayoutBatch> payouts;
  std::int64_t award_fen = 0;  // 0: no fund split given
  int enterprise_min_percent = 80;
  std::vector<FundLine> fund;

  const SubsidyCategory* find_category(std::string_view id) const noexcept {
    for (const auto& c : categories)
      if (c.id == id) return &c;
    return nullptr;
  }
};

// "12345.67" (元, at most 2 decimals, no sign, at most 13 digits before the point) as fen.
std::optional<std::int64_t> parse_yuan(std::string_view text) noexcept;
// Fen as 元 with two decimals: 1234567 -> "12345.67".
std::string yuan(std::int64_t fen);

}  // namespace smedx
