// The catalogue in a pilot: the 产品矩阵 over the cohort's baselines, made by the match room's
// driver (run_match: one implementation of the matrix), and the product rating (以评促建),
// counted with the provider rating's tallies (rating_tally.h: one implementation of its
// arithmetic). Money in integer fen, figures as exact fractions rounded once.
#include <fmt/format.h>

#include "pilot/products_evaluate.h"
#include "pilot/rating_tally.h"

namespace smedx::detail {

std::shared_ptr<const PilotProducts> evaluate_products(const Pilot::State& s,
                                                       const std::vector<AcceptanceRecord>& acc) {
  if (!s.catalogue) return nullptr;
  auto out = std::make_shared<PilotProducts>();
  out->catalogue = s.catalogue;
  out->warnings = s.solution_warnings;
  const Catalogue& cat = *s.catalogue;

  // The plans at the programme's target with one year of fees, over every baseline scored
  // under the programme's rule set (register order), by the register's industry and district.
  MatchOptions options;
  options.target = s.programme.target_level;
  options.years = 1;
  options.batch.threads = s.match_threads;
  out->matcher = std::make_shared<const Matcher>(s.engine, cat, options);
  std::vector<CodedSurvey> surveys;
  for (std::size_t i = 0; i < s.baseline_coded.size() && i < s.enterprises.size(); ++i) {
    if (!s.baseline_coded[i]) continue;
    CodedSurvey c = *s.baseline_coded[i];
    const Enterprise& e = s.enterprises[i];
    auto set = [&](std::string_view key, const std::string& value) {
      for (auto& [k, v] : c.enterprise)
        if (k == key) {
          v = value;
          return;
        }
      c.enterprise.emplace_back(std::string(key), value);
    };
    set("industry", e.industry);
    set("district", e.district);
    surveys.push_back(std::move(c));
  }
  out->matrix = run_match(*out->matcher, std::span<const CodedSurvey>(surveys)).matrix;

  // The rating: the enterprises whose register solutions name each product.
  const std::size_t n = cat.products.size();
  std::vector<OutcomeTally> tally(n);
  std::vector<SatisfactionTally> sats(n);
  out->ratings.resize(n);
  std::vector<std::vector<std::size_t>> used(s.enterprises.size());  // products per enterprise
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const AcceptanceRecord& r = acc[i];
    for (const auto& sol : r.enterprise->solutions) {
      const int k = cat.index_of(sol);
      if (k < 0) continue;  // a warning already (register order)
      const auto p = static_cast<std::size_t>(k);
      tally[p].add(r);
      out->ratings[p].enterprises.push_back(r.enterprise->id);
      used[i].push_back(p);
    }
  }
  // Its satisfaction: the ratings its enterprises gave the product's provider.
  for (const auto& rating : s.ratings)
    for (std::size_t p : used[rating.enterprise])
      if (cat.products[p].provider == s.providers[rating.provider].id)
        sats[p].add(s.programme, rating);
  const Ratio hundred = Ratio::of(100, 1);
  for (std::size_t p = 0; p < n; ++p) {
    ProductRating& x = out->ratings[p];
    const OutcomeTally& t = tally[p];
    const Product& product = cat.products[p];
    x.product = p;
    x.accepted = t.accepted;
    x.passed = t.passed;
    x.failed = t.failed;
    x.incomplete = t.incomplete;
    x.gained = t.n_gain;
    x.level_steps = t.level_gain;
    x.ratings = sats[p].ratings;
    x.cost_fen = product.cost(1) * 100;
    if (const auto pass = t.pass_rate()) x.pass_rate = (*pass * hundred).decimal();
    if (const auto gain = t.mean_level_gain()) x.mean_level_gain = gain->decimal();
    if (t.level_gain > 0)
      x.cost_per_level_step_fen =
          Ratio::of(i128{x.cost_fen} * t.n_gain, i128{t.level_gain}).whole();
    if (const auto mean = sats[p].mean()) {
      x.mean_satisfaction = mean->decimal();
      x.satisfaction = sats[p].score(s.programme)->decimal();
    }
    if (x.enterprises.empty()) {
      x.notes.push_back("登记表中没有企业选用该产品");
      continue;
    }
    if (t.accepted == 0) x.notes.push_back("没有已验收的企业：无通过率");
    if (t.n_gain == 0)
      x.notes.push_back("没有两次评测均计分的已验收企业：无等级提升");
    else if (t.level_gain <= 0)
      x.notes.push_back("等级没有提升：无每提升一级成本");
    if (x.ratings == 0)
      x.notes.push_back(fmt::format("选用企业没有对服务商 {} 的满意度评价", product.provider));
  }
  return out;
}

}  // namespace smedx::detail
