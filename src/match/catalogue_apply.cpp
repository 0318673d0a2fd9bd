// The application rule of a catalogue (docs/catalogues.md): what a survey holds once products
// are in place, and whether it holds what a product needs. Plain bit arithmetic on the masks the
// reader resolved, so the plan search can apply products millions of times.
#include <algorithm>

#include "smedx/catalogue.h"

namespace smedx {

void apply_product(CodedSurvey& survey, const Product& product) noexcept {
  for (const auto& s : product.delivers.scenarios) {
    const auto i = static_cast<std::size_t>(s.scenario);
    if (i < survey.levels.size() && survey.levels[i] < s.level)
      survey.levels[i] = static_cast<std::int8_t>(s.level);
  }
  for (const auto& e : product.delivers.items) {
    const auto i = static_cast<std::size_t>(e.item);
    if (i >= survey.selected.size()) continue;
    survey.selected[i] = delivered_answer(e, survey.selected[i]);
  }
}

void apply_products(CodedSurvey& survey, const Catalogue& catalogue,
                    std::span<const std::size_t> products) noexcept {
  for (std::size_t p : products)
    if (p < catalogue.products.size()) apply_product(survey, catalogue.products[p]);
}

bool meets_requirements(const CodedSurvey& survey, const Product& product) noexcept {
  for (const auto& s : product.prerequisites.scenarios) {
    const auto i = static_cast<std::size_t>(s.scenario);
    if (i >= survey.levels.size() || survey.levels[i] < s.level) return false;
  }
  for (const auto& e : product.prerequisites.items) {
    const auto i = static_cast<std::size_t>(e.item);
    if (i >= survey.selected.size()) return false;
    if (!meets_answer(e, survey.selected[i])) return false;
  }
  return true;
}

}  // namespace smedx
