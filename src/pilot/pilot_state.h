// What a Pilot holds between reading its inputs and evaluating them. Shared by the pilot_*.cpp
// files; not API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "smedx/catalogue.h"
#include "smedx/coded_survey.h"
#include "smedx/pilot.h"
#include "smedx/subsidy.h"

namespace smedx {

struct Pilot::State {
  State(const Programme& p, const Engine& e) : programme(p), engine(e) {}
  const Programme& programme;
  const Engine& engine;
  std::vector<Issue> errors;
  PilotCounts counts;

  std::vector<Provider> providers;
  std::unordered_map<std::string, std::size_t> provider_index;
  std::vector<Enterprise> enterprises;
  std::unordered_map<std::string, std::size_t> index;

  // Per enterprise: the evidence items provided (element k: programme.evidence[k]; empty: no
  // record), as many as the programme lists, and where the evidence record is (line 0: none).
  std::vector<std::vector<bool>> evidence;
  std::vector<Location> evidence_where;
  bool provided(std::size_t enterprise, std::size_t item) const noexcept {
    const auto& e = evidence[enterprise];
    return item < e.size() && e[item];
  }

  struct Rating {
    std::size_t enterprise = 0, provider = 0;
    std::vector<std::int64_t> scores;  // per satisfaction item, in thousandths (3.5: 3500)
  };
  std::vector<Rating> ratings;
  // Where each (enterprise, provider) rating is: a second one is an error, not a second vote.
  std::map<std::pair<std::size_t, std::size_t>, Location> rating_where;

  // Per enterprise: where the city's selection of it as a 典型案例 is (line 0: not selected).
  std::vector<Location> selected_where;
  // The 投入清单 (smedx/subsidy.h), when one was added.
  bool investments_given = false;
  std::vector<InvestmentLine> investments;
  // The projects table: per enterprise, the milestone dates (empty: no row), and where.
  bool projects_given = false;
  std::vector<std::vector<std::optional<Date>>> project_dates;
  std::vector<Location> project_where;

  std::vector<std::optional<Snapshot>> baseline, acceptance;

  // With a catalogue (set_catalogue): each scored baseline under the programme's rule set, coded,
  // for the match; and the register's solutions that name no product, as located warnings.
  std::shared_ptr<const Catalogue> catalogue;
  std::vector<std::optional<CodedSurvey>> baseline_coded;
  std::vector<Issue> solution_warnings;
  unsigned match_threads = 0;
  // The baseline surveys scored under the programme's rule set below its target level, as
  // coded (their industry the register's), in the order read, and whose each is: what the
  // 改造需求清单 diagnoses. Only those are held. `threads`: as add_surveys was given.
  std::vector<CodedSurvey> below_coded;
  std::vector<std::size_t> below_who;
  unsigned threads = 0;
  std::optional<Date> latest;  // the latest assessment date seen
};

namespace detail {

// One record of a CSV or JSON Lines table: its fields by name, as text.
struct TableRow {
  int line = 0;
  std::string text;  // the record as written, for the caret line of a message
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<int> columns;  // where each field starts (1-based, code points): a cell's errors
  int column_of(std::string_view name) const noexcept {
    for (std::size_t k = 0; k < fields.size() && k < columns.size(); ++k)
      if (fields[k].first == name) return columns[k];
    return 1;
  }
  const std::string* get(std::string_view name) const noexcept {
    for (const auto& [k, v] : fields)
      if (k == name) return &v;
    return nullptr;
  }
};

__extension__ typedef __int128 i128;  // products of two 64-bit counts stay exact

// Exact fractions for rates and means: a numerator over a positive denominator.
struct Ratio {
  i128 num = 0, den = 1;
  static Ratio of(i128 n, i128 d);
  Ratio operator+(const Ratio& o) const { return of(num * o.den + o.num * den, den * o.den); }
  Ratio operator-(const Ratio& o) const { return of(num * o.den - o.num * den, den * o.den); }
  Ratio operator*(const Ratio& o) const { return of(num * o.num, den * o.den); }
  Ratio operator/(const Ratio& o) const;
  bool operator<(const Ratio& o) const { return num * o.den < o.num * den; }
  bool operator==(const Ratio& o) const { return num * o.den == o.num * den; }
  // Rounded to thousandths, half away from zero: the one rounding step of every figure.
  Decimal decimal() const;
  // Rounded to a whole number, half away from zero (money in fen).
  std::int64_t whole() const;
};

}  // namespace detail
}  // namespace smedx
