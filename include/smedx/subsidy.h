// 奖补 (subsidy) of a pilot: the 投入清单 lines read, each enterprise's subsidy with its reasons,
// the ledger, totals by industry, district, batch and payout batch, and the city's fund split.
// Money is integer fen throughout; the one rounding step (to the fen) is the rule's, documented
// in docs/programmes.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"
#include "smedx/subsidy_rule.h"

namespace smedx {

// One line of an enterprise's 投入清单, as read.
struct InvestmentLine {
  std::size_t enterprise = 0;  // index in the register
  std::string category, item, invoice;
  std::int64_t amount_fen = 0;
  Location where;
};

// A ledger entry: one investment line and whether it counts towards the base.
struct LedgerEntry {
  const InvestmentLine* line = nullptr;
  bool counted = false;
  std::string reason;  // why not counted (Chinese); empty when counted
};

struct SubsidyRecord {
  const Enterprise* enterprise = nullptr;
  Decision decision = Decision::incomplete;  // the acceptance decision
  std::optional<Date> accepted_on;           // the acceptance survey's date, if any
  // eligible: a subsidy is due; pending: acceptance not (yet) decided in its favour but open
  // (no acceptance, or incomplete); ineligible: failed, or below the level.
  enum class Status { eligible, pending, ineligible } status = Status::pending;
  int level = 0;  // the acceptance level (0: none)
  int lines = 0;
  std::int64_t invested_fen = 0, base_fen = 0;
  const SubsidyTier* tier = nullptr;  // when eligible
  std::int64_t computed_fen = 0;      // base × rate, rounded to the fen
  bool capped = false;
  std::int64_t subsidy_fen = 0;
  const PayoutBatch* payout = nullptr;  // when eligible and a batch takes it
  std::vector<std::string> reasons;     // Chinese, in the order checked
};
std::string_view to_string(SubsidyRecord::Status s) noexcept;
std::string_view status_zh(SubsidyRecord::Status s) noexcept;

struct SubsidyTotal {
  std::string key, zh;
  int enterprises = 0, with_lines = 0, eligible = 0, pending = 0, ineligible = 0, capped = 0;
  std::int64_t invested_fen = 0, base_fen = 0, subsidy_fen = 0;
};

// The city's planned use of the award against the ≥ enterprise_min_percent rule, and the
// subsidies computed against the enterprise part.
struct FundSplit {
  std::int64_t award_fen = 0, planned_fen = 0, enterprise_fen = 0;
  Decimal enterprise_percent;  // of the award, rounded to thousandths
  int min_percent = 0;
  bool met = false;
  std::int64_t subsidies_fen = 0;
  Decimal used_percent;  // subsidies of the enterprise part
  bool within = false;   // subsidies do not exceed the enterprise part
};

struct SubsidyResult {
  bool example = false;
  std::string note;
  std::vector<SubsidyRecord> enterprises;  // register order
  std::vector<LedgerEntry> ledger;         // input order
  SubsidyTotal total;
  std::vector<SubsidyTotal> by_industry, by_district, by_batch, by_payout;
  std::optional<FundSplit> split;
};

std::string subsidy_json(const Programme& programme, const SubsidyResult& r);
// CSV without the BOM (the driver writes it); `headers` zh: Chinese column names.
std::string subsidy_csv(const SubsidyResult& r, CsvHeaders headers = CsvHeaders::en);
// The same; under zh headers the values are for people too (decision, status, industry, batch,
// payout by their Chinese names, 是/否), as the driver writes subsidy.csv.
std::string subsidy_csv(const Programme& programme, const SubsidyResult& r, CsvHeaders headers);
std::string subsidy_ledger_csv(const Programme& programme, const SubsidyResult& r,
                               CsvHeaders headers = CsvHeaders::en);
// The dashboard's 专项资金奖补 section (a fragment of HTML).
std::string subsidy_html_section(const Programme& programme, const SubsidyResult& r);

}  // namespace smedx
