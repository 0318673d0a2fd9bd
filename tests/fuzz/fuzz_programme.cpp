// Programme reader: any YAML text loads to a programme or to issues, never a crash. The result
// is ok exactly when no issue is an error; every issue names the file and, when it has a line,
// a line of the text; a programme that loads has its numbers in range (whole numbers of at most
// 7 digits, weights summing to 100, batches in calendar order, star grades going down to 0).
// A programme that also fits the national rule set runs the example pilot (pilot_check.h).
#include <algorithm>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pilot_check.h"
#include "smedx/programme.h"

namespace {

using namespace smedx;

constexpr int max_whole = 9'999'999;  // the reader's whole numbers: at most 7 digits

bool whole(int v, int lo = 0) { return v >= lo && v <= max_whole; }

std::string show(int v) { return std::to_string(v); }

void check_numbers(const Programme& p) {
  FUZZ_CHECK(whole(p.target_level, 1), "target_level " + show(p.target_level));
  long long sum = 0;
  std::set<std::string> ids;
  for (const auto& i : p.industries) {
    FUZZ_CHECK(!i.id.empty() && ids.insert(i.id).second, "industry id '" + i.id + "'");
    FUZZ_CHECK(whole(i.target), "industry target " + show(i.target));
    sum += i.target;
  }
  FUZZ_CHECK(sum == p.total_target,
             "total_target " + show(p.total_target) + " is not the sum " + std::to_string(sum));
  ids.clear();
  for (const auto& b : p.batches) {
    FUZZ_CHECK(!b.id.empty() && ids.insert(b.id).second, "batch id '" + b.id + "'");
    FUZZ_CHECK(b.transform_from <= b.transform_to && b.transform_to <= b.acceptance_by &&
                   b.acceptance_from <= b.acceptance_by,
               "batch " + b.id + " out of calendar order");
    FUZZ_CHECK(b.acceptance_from.year() == b.acceptance_by.year() &&
                   b.acceptance_from.month() == b.acceptance_by.month(),
               "batch " + b.id + ": the acceptance month is not one month");
    FUZZ_CHECK(b.transform_from.year() >= 1900 && b.acceptance_by.year() <= 9999,
               "batch " + b.id + " years");
  }
  for (const auto& t : p.targets) {
    FUZZ_CHECK(whole(t.value), "target value " + show(t.value));
    FUZZ_CHECK((t.measure == OtherTarget::Measure::tag) == !t.tag.empty(), "target tag");
  }
  ids.clear();
  for (const auto& e : p.evidence)
    FUZZ_CHECK(!e.id.empty() && ids.insert(e.id).second, "evidence id '" + e.id + "'");
  std::set<AcceptanceCheck::Kind> kinds;
  for (const auto& c : p.acceptance) {
    FUZZ_CHECK(kinds.insert(c.kind).second, "a check listed twice");
    if (c.kind == AcceptanceCheck::Kind::level_at_least)
      FUZZ_CHECK(whole(c.level), "level_at_least level " + show(c.level));
    for (const auto& id : c.evidence)
      FUZZ_CHECK(p.find_evidence(id), "unknown evidence item '" + id + "' in a check");
  }
  FUZZ_CHECK(whole(p.satisfaction_min) && whole(p.satisfaction_max) &&
                 p.satisfaction_min < p.satisfaction_max,
             "satisfaction scale " + show(p.satisfaction_min) + "–" + show(p.satisfaction_max));
  int weights = 0;
  ids.clear();
  for (const auto& s : p.satisfaction) {
    FUZZ_CHECK(!s.id.empty() && ids.insert(s.id).second, "satisfaction item id '" + s.id + "'");
    FUZZ_CHECK(s.weight >= 0 && s.weight <= 100, "satisfaction weight " + show(s.weight));
    weights += s.weight;
  }
  FUZZ_CHECK(weights == 100, "satisfaction weights sum to " + show(weights));
  const ProviderRating& r = p.rating;
  FUZZ_CHECK(whole(r.weight_performance) && whole(r.weight_satisfaction) &&
                 r.weight_performance + r.weight_satisfaction == 100,
             "rating weights");
  FUZZ_CHECK(whole(r.weight_pass_rate) && whole(r.weight_level_gain) && whole(r.weight_on_time) &&
                 r.weight_pass_rate + r.weight_level_gain + r.weight_on_time == 100,
             "performance weights");
  FUZZ_CHECK(r.full_level_gain > Decimal{}, "full_level_gain " + r.full_level_gain.to_string());
  FUZZ_CHECK(r.warn_below >= Decimal{}, "warn_below " + r.warn_below.to_string());
  FUZZ_CHECK(whole(r.min_accepted), "min_accepted " + show(r.min_accepted));
  for (std::size_t k = 0; k < r.stars.size(); ++k) {
    FUZZ_CHECK(whole(r.stars[k].stars) && r.stars[k].min >= Decimal{}, "a star grade");
    if (k > 0)
      FUZZ_CHECK(r.stars[k].stars < r.stars[k - 1].stars && r.stars[k].min < r.stars[k - 1].min,
                 "star grades not going down");
  }
  if (!r.stars.empty()) FUZZ_CHECK(r.stars.back().min == Decimal{}, "the last star grade");
  FUZZ_CHECK(whole(p.cases.target) && whole(p.cases.per_industry), "cases");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ProgrammeLoad loaded = load_programme_from_string(text, "fuzz.yaml", "programmes/fuzz");
  FUZZ_CHECK(loaded.ok() == !has_errors(loaded.issues), "ok() is not 'no error issues'");
  const long long lines = 1 + std::count(text.begin(), text.end(), '\n');
  for (const auto& issue : loaded.issues) {
    FUZZ_CHECK(!issue.message.empty(), "an empty message");
    FUZZ_CHECK(issue.where.file == "fuzz.yaml", "an issue in '" + issue.where.file + "'");
    FUZZ_CHECK(issue.where.line >= 0 && issue.where.line <= lines && issue.where.column >= 0,
               "an issue at " + std::to_string(issue.where.line) + ":" +
                   std::to_string(issue.where.column) + " of a text of " + std::to_string(lines) +
                   " lines: " + issue.message);
    FUZZ_CHECK(issue.source_line.find('\n') == std::string::npos, "a source line of two lines");
  }
  if (!loaded.ok()) return 0;
  const Programme& p = *loaded.programme;
  check_numbers(p);
  // Against the national rule set: a programme that does not fit it is refused (levels it does
  // not have); one that does runs the example pilot, whose outputs must be well formed.
  std::optional<Pilot> pilot;
  try {
    pilot.emplace(p, smedx::fuzz::engine());
  } catch (const std::invalid_argument&) {
    return 0;
  }
  smedx::fuzz::feed(*pilot, std::nullopt);
  smedx::fuzz::outputs(*pilot, pilot->run());
  return 0;
}
