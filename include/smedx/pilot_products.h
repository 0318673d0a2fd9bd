// The catalogue in a pilot (`smedx pilot --catalogue`): the 产品矩阵 of the cohort (the match
// room's, over the baseline surveys at the programme's target level) and the product rating
// (以评促建): per product, the registered enterprises whose `solutions` name it, their pass
// rate, mean level gain, cost per level step (integer fen) and satisfaction, counted and
// computed as the provider rating is. Formulas: docs/programmes.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smedx/catalogue.h"
#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "smedx/match.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx {

// One product's results in the pilot.
struct ProductRating {
  std::size_t product = 0;               // index into Catalogue::products
  std::vector<std::string> enterprises;  // register order: those whose solutions name it
  // As ProviderScore counts them: accepted are passed or failed (incomplete not judged yet).
  int accepted = 0, passed = 0, failed = 0, incomplete = 0, ratings = 0;
  int gained = 0;       // accepted enterprises with both surveys scored: the gain's denominator
  int level_steps = 0;  // Σ (acceptance level − baseline level) over them
  std::int64_t cost_fen = 0;  // the product's price + one year's annual fee, in fen
  std::optional<Decimal> pass_rate, mean_level_gain;       // percent, levels
  std::optional<Decimal> mean_satisfaction, satisfaction;  // on the scale, 0-100
  // Σ cost over the `gained` enterprises / level_steps, rounded once to the fen (half away
  // from zero); none when no level was gained.
  std::optional<std::int64_t> cost_per_level_step_fen;
  std::vector<std::string> notes;  // why a figure is missing
};

struct PilotProducts {
  std::shared_ptr<const Catalogue> catalogue;
  std::shared_ptr<const Matcher> matcher;  // the programme's target level, one year of fees
  ProductMatrix matrix;                    // over the scored baselines (programme's rule set)
  std::vector<ProductRating> ratings;      // catalogue order
  // A register solution that names no catalogue product: a warning located at the register's
  // `solutions` cell (registers also name solutions in words: 安全生产监测). Not an input error.
  std::vector<Issue> warnings;
};

// products.json: the catalogue, the 产品矩阵 (as `smedx match --matrix` writes it), the rating
// and the warnings.
std::string pilot_products_json(const Programme& programme, const PilotProducts& p,
                                const PilotResult& result);
// CSV without the BOM (the driver writes it); `headers` zh: Chinese column names. Provider names
// from the pilot's providers file where given.
std::string product_rating_csv(const PilotProducts& p, const PilotResult& result,
                               CsvHeaders headers = CsvHeaders::en);
std::string product_matrix_csv(const Programme& programme, const PilotProducts& p,
                               const PilotResult& result, CsvHeaders headers = CsvHeaders::en);
// The dashboard's 产品矩阵与产品评价 section (a fragment of HTML).
std::string products_html_section(const Programme& programme, const PilotProducts& p,
                                  const PilotResult& result);

}  // namespace smedx
