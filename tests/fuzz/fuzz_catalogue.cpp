// Catalogue reader: any YAML text loads to a catalogue or to issues, never a crash. The result
// is ok exactly when no issue is an error; every issue names the file and a line of the text; a
// catalogue that loads is resolved within the rule set (indices in range, no outcome item, one
// option for single-choice and band items, no 'none' option delivered, every product delivering
// something), its money whole and eligible ≤ price; and applying its products to a survey
// scores within the rule set's bounds, the same in either order.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "smedx/block.h"
#include "smedx/catalogue.h"

namespace {

using namespace smedx;

void check_effects(const RuleSet& rules, const std::vector<const Item*>& items,
                   const ProductEffects& e, bool delivers, const std::string& id) {
  const int top = rules.level_rule.top_level();
  for (const auto& s : e.scenarios) {
    FUZZ_CHECK(s.scenario >= 0 && static_cast<std::size_t>(s.scenario) < rules.scenarios.size(),
               id + ": scenario index " + std::to_string(s.scenario));
    FUZZ_CHECK(s.level >= 1 && s.level <= top, id + ": level " + std::to_string(s.level));
  }
  for (const auto& i : e.items) {
    FUZZ_CHECK(i.item >= 0 && static_cast<std::size_t>(i.item) < items.size(),
               id + ": item index " + std::to_string(i.item));
    const Item& item = *items[static_cast<std::size_t>(i.item)];
    FUZZ_CHECK(!delivers || item.kind != ItemKind::trend, id + ": delivers outcome " + item.id);
    FUZZ_CHECK(i.multi == (item.kind == ItemKind::multi), id + ": multi flag of " + item.id);
    const std::uint32_t all = item.options.size() >= 32
                                  ? ~std::uint32_t{0}
                                  : (std::uint32_t{1} << item.options.size()) - 1;
    FUZZ_CHECK(i.options != 0 && (i.options & ~all) == 0, id + ": options of " + item.id);
    FUZZ_CHECK(static_cast<std::size_t>(std::popcount(i.options)) == i.letters.size(),
               id + ": letters and options of " + item.id);
    if (!i.multi) FUZZ_CHECK(std::popcount(i.options) == 1, id + ": one option for " + item.id);
    for (std::size_t k = 0; k < item.options.size(); ++k)
      if (item.options[k].none)
        FUZZ_CHECK((i.options & (std::uint32_t{1} << k)) == 0, id + ": none option " + item.id);
    FUZZ_CHECK((i.mask & ~all) == 0, id + ": mask of " + item.id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Engine& engine = smedx::fuzz::engine();
  const RuleSet& rules = engine.rules();
  const CatalogueLoad loaded = load_catalogue_from_string(text, rules, "fuzz.yaml");
  FUZZ_CHECK(loaded.ok() == !has_errors(loaded.issues), "ok() is not 'no error issues'");
  const long long lines = 1 + std::count(text.begin(), text.end(), '\n');
  for (const auto& issue : loaded.issues) {
    FUZZ_CHECK(!issue.message.empty(), "an empty message");
    FUZZ_CHECK(issue.where.file == "fuzz.yaml", "an issue in '" + issue.where.file + "'");
    FUZZ_CHECK(issue.where.line >= 0 && issue.where.line <= lines && issue.where.column >= 0,
               "an issue at " + std::to_string(issue.where.line) + ":" +
                   std::to_string(issue.where.column) + ": " + issue.message);
    FUZZ_CHECK(issue.source_line.find('\n') == std::string::npos, "a source line of two lines");
  }
  if (!loaded.ok()) return 0;
  const Catalogue& c = *loaded.catalogue;
  const auto items = rules.items();
  std::set<std::string> ids;
  for (const auto& p : c.products) {
    FUZZ_CHECK(!p.id.empty() && ids.insert(p.id).second, "product id '" + p.id + "'");
    FUZZ_CHECK(p.price >= 0 && p.annual >= 0 && p.eligible >= 0 && p.eligible <= p.price,
               p.id + ": money");
    FUZZ_CHECK(p.weeks >= 0 && p.weeks <= 520, p.id + ": weeks");
    FUZZ_CHECK(!p.delivers.empty(), p.id + ": delivers nothing");
    FUZZ_CHECK(
        std::find(c.categories.begin(), c.categories.end(), p.category) != c.categories.end(),
        p.id + ": category");
    for (const auto& ind : p.industries)
      FUZZ_CHECK(rules.find_profile(ind) && ind != "default", p.id + ": industry " + ind);
    check_effects(rules, items, p.delivers, true, p.id);
    check_effects(rules, items, p.prerequisites, false, p.id);
  }
  // Every product on a survey of nothing, forwards and backwards.
  CodedSurvey none;
  none.enterprise_id = "fuzz";
  none.selected.assign(items.size(), 1);  // option A
  none.levels.assign(rules.scenarios.size(), 0);
  std::vector<std::size_t> order(c.products.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  CodedSurvey fwd = none, back = none;
  apply_products(fwd, c, order);
  std::reverse(order.begin(), order.end());
  apply_products(back, c, order);
  for (const auto& p : c.products) (void)meets_requirements(fwd, p);
  FUZZ_CHECK(fwd.levels == back.levels, "levels depend on the order of products");
  std::vector<CodedSurvey> block{none, fwd, back};
  BlockScores scores;
  engine.score_block(block, scores);
  FUZZ_CHECK(scores.total[1] == scores.total[2], "the score depends on the order of products");
  FUZZ_CHECK(scores.total[1] >= scores.total[0], "products lowered the score");
  FUZZ_CHECK(scores.total[1] <= rules.max_points().thousandths(), "a score above the maximum");
  FUZZ_CHECK(scores.level[1] >= 0 && scores.level[1] <= rules.level_rule.top_level(), "level");
  return 0;
}
