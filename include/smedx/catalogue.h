// A solution catalogue (小快轻准产品和解决方案资源池) as data: products with their price in 元,
// what each delivers in a rule set's terms (scenario levels, item options) and what it requires.
// Read from catalogues/<id>/catalogue.yaml against a loaded rule set, with the same located
// diagnostics as rule sets and programmes; docs/catalogues.md describes every key.
//
// For the matcher (src/match/), what it may rely on and what stays stable:
//  - A Catalogue from an ok() CatalogueLoad is fully resolved against the rule set it was loaded
//    with: every ScenarioEffect::scenario is an index into RuleSet::scenarios (= CodedSurvey::
//    levels), every ItemEffect::item an index into RuleSet::items() (= CodedSurvey::selected),
//    every option a bit (bit k = option 'A' + k, as in CodedSurvey::selected). Text ids are kept
//    beside the indices for messages.
//  - No delivered item is an outcome (trend) item; no product delivers nothing; single-choice and
//    band items are delivered and required as exactly one option; levels are in 1..top level.
//  - apply_product / apply_products encode the application rule (below) and need no rule set:
//    the masks they use are precomputed at load. meets_requirements says whether a survey (with
//    products already applied) satisfies a product's `requires` (Product::prerequisites).
//  - Money is whole 元 in std::int64_t: exact, no floating point.
// Fields and functions are added, never renamed.
//
// The application rule: a scenario is raised to max(current, delivered); a multi-choice item
// gains the delivered options and loses its "none" option; a single-choice or band item takes
// the delivered option when that scores more than the current one. Outcome items are never
// delivered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/coded_survey.h"
#include "smedx/diagnostics.h"
#include "smedx/rules.h"

namespace smedx {

// How a product is deployed. YAML: saas | private | hybrid | device.
enum class Deployment { saas, on_premises, hybrid, device };

std::string_view to_string(Deployment d) noexcept;  // "saas", "private", "hybrid", "device"

// A scenario level a product brings (delivers) or needs (requires).
struct ScenarioEffect {
  std::string scenario_id;  // as written (id or code)
  int scenario = -1;        // index into RuleSet::scenarios and CodedSurvey::levels
  int level = 0;            // 1..the rule set's top level
};

// Options of one item a product brings (delivers) or needs (requires).
struct ItemEffect {
  std::string item_id;        // as written (id or code)
  int item = -1;              // index into RuleSet::items() and CodedSurvey::selected
  bool multi = false;         // a multi-choice item (else single-choice or band)
  std::vector<char> letters;  // as written; one letter for single-choice and band items
  std::uint32_t options = 0;  // bit k = option 'A' + k: the options named
  // Delivers: multi — the item's "none" options, dropped when the options are gained;
  //           single/band — the options scoring less than the delivered one, which it replaces.
  // Requires: multi — equal to `options` (every named option must be held);
  //           single/band — the options scoring at least as much as the named one (any will do).
  std::uint32_t mask = 0;
};

struct ProductEffects {
  std::vector<ScenarioEffect> scenarios;
  std::vector<ItemEffect> items;
  bool empty() const noexcept { return scenarios.empty() && items.empty(); }
};

// A 样板项目: where the product was used before, and the level it brought.
struct ProductReference {
  std::string enterprise;
  int level_before = -1;  // -1: not given
  int level_after = -1;
};

struct Product {
  std::string id;
  std::string name;
  std::string provider;                 // a provider id (the pilot's providers file)
  std::string category;                 // one of Catalogue::categories
  std::vector<std::string> industries;  // profile ids of the rule set; empty: every industry
  Deployment deployment = Deployment::saas;
  std::int64_t price = 0;     // 元, one-off (implementation, licences, devices)
  std::int64_t annual = 0;    // 元 per year (subscription, cloud); 0 when not given
  std::int64_t eligible = 0;  // 元 of `price` that counts for 奖补; 0 when not given
  int weeks = 0;              // implementation period
  ProductEffects delivers;
  ProductEffects prerequisites;  // YAML `requires` (a C++20 keyword)
  std::optional<ProductReference> reference;
  Location where;  // the product's entry in the catalogue file

  // Whether an enterprise of `industry` may be offered the product.
  bool allowed_for(std::string_view industry) const noexcept;
  // price + annual × years, exactly.
  std::int64_t cost(int years) const noexcept { return price + annual * years; }
};

struct Catalogue {
  std::string id;
  std::string title;
  std::string rule_set_id;
  std::string rule_set_version;         // empty: any version
  std::filesystem::path rule_set_path;  // resolved against the catalogue folder; may be empty
  std::vector<std::string> categories;  // the business areas products are filed under
  std::vector<Product> products;        // in file order
  // Provider id → name (YAML `providers`), for pages that show a provider by name; empty when
  // the catalogue names none (then a product's provider is any id).
  std::map<std::string, std::string, std::less<>> providers;
  std::string origin;  // the file it was read from

  const Product* find_product(std::string_view id) const noexcept;
  // A provider's name, or "" when the catalogue does not name it.
  std::string_view provider_name(std::string_view id) const noexcept;
  // The index of a product in `products`, or -1.
  int index_of(std::string_view id) const noexcept;
};

struct CatalogueLoad {
  std::optional<Catalogue> catalogue;  // set when there are no errors
  std::vector<Issue> issues;
  bool ok() const noexcept { return catalogue.has_value(); }
};

// Loads catalogues/<id>/ (its catalogue.yaml) or a catalogue YAML file, checked against `rules`
// (which must be valid: from an ok() LoadResult).
CatalogueLoad load_catalogue(const std::filesystem::path& folder_or_file, const RuleSet& rules);
// From YAML text; `name` stands for the file in diagnostics, `base` resolves rule_set.path.
CatalogueLoad load_catalogue_from_string(std::string_view yaml, const RuleSet& rules,
                                         std::string_view name = "<string>",
                                         const std::filesystem::path& base = {});

// The rule set a catalogue names, without reading its products: rule_set.path resolved against
// the catalogue's folder when given, else the first of <folder>/../../indicators/<id> and the
// installed indicators/<id> that exists. Empty with an issue when it cannot be found.
struct CatalogueRuleSetRef {
  std::string id;
  std::string version;
  std::filesystem::path path;
  std::vector<Issue> issues;
};
CatalogueRuleSetRef find_catalogue_rule_set(const std::filesystem::path& folder_or_file);

// The lint job: finds the rule set (or takes `rules_path` when not empty), loads it, then the
// catalogue against it; every issue of both, located. ok() when neither has an error.
struct CatalogueLint {
  std::vector<Issue> issues;
  std::optional<Catalogue> catalogue;
  // When ok(): what a reader checks at a glance — products by category, price range, and the
  // scenarios and items no product delivers (the catalogue's gaps), laid out as the rule-set
  // summary of `smedx lint` is.
  std::string summary;
  bool ok() const noexcept { return catalogue.has_value(); }
};
CatalogueLint lint_catalogue(const std::filesystem::path& folder_or_file,
                             const std::filesystem::path& rules_path = {});

// Whether `path` is a catalogue: a folder holding catalogue.yaml, a file named catalogue.yaml,
// or a YAML file whose first top-level key is `catalogue`. For doors that take either a rule set
// or a catalogue (`smedx lint`).
bool is_catalogue_path(const std::filesystem::path& path);

// The application rule for one item, on its options as bits: the answer the item holds once a
// product delivers `e`, from the answer `held`. A multi-choice item gains the options (its
// "none" option no longer holds); a single-choice or band item takes the delivered option when
// it is unanswered or holds one scoring less (mask: the options below it). Inline: the plan
// search applies it millions of times.
inline std::uint32_t delivered_answer(const ItemEffect& e, std::uint32_t held) noexcept {
  if (e.multi) return (held & ~e.mask) | e.options;
  return held == 0 || (held & e.mask) != 0 ? e.options : held;
}
// Whether the answer `held` meets a `requires` item `e`: a multi-choice item holding every named
// option (mask == options), a single-choice or band item an option scoring at least the named
// one (mask: those options).
inline bool meets_answer(const ItemEffect& e, std::uint32_t held) noexcept {
  return e.multi ? (held & e.mask) == e.mask : (held & e.mask) != 0;
}

// Applies one product's `delivers` to a coded survey (the application rule above).
void apply_product(CodedSurvey& survey, const Product& product) noexcept;
// Applies several products of `catalogue` by index; the order does not change the score.
void apply_products(CodedSurvey& survey, const Catalogue& catalogue,
                    std::span<const std::size_t> products) noexcept;
// Whether the survey meets every `requires` of the product: each scenario at or above its
// level, each multi-choice item holding every named option, each single/band item at an option
// scoring at least the named one.
bool meets_requirements(const CodedSurvey& survey, const Product& product) noexcept;

}  // namespace smedx
