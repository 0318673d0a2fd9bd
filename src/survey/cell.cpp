#include "survey/cell.h"
#include "common/clip.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "survey/survey_coder.h"

namespace smedx::detail {

namespace {

// A cell of a single or band item read as a percentage: it starts as a number does.
bool starts_number(std::string_view cell) noexcept {
  const char c0 = cell.empty() ? '\0' : cell[0];
  return (c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.';
}

}  // namespace

std::optional<Issue> cell_answer(std::string_view cell, const Item& item, std::string_view column,
                                 Answer& a) {
  const bool multi = item.kind == ItemKind::multi;
  a = Answer{};
  if (const std::size_t cut = cell.find(figures_separator); cut != std::string_view::npos) {
    const std::string_view before = cell.substr(0, cut), after = cell.substr(cut + 1);
    if (before.empty() || after.empty()) return figures_half(column, !before.empty());
    a.kind = Answer::Kind::figures;
    a.before = std::string(before);
    a.after = std::string(after);
    return std::nullopt;
  }
  if (!multi && starts_number(cell)) {
    a.kind = Answer::Kind::percent;
    a.percent = std::string(cell);
    return std::nullopt;
  }
  a.list = multi;
  std::size_t start = 0;
  bool bad = false;
  while (start <= cell.size()) {
    const std::size_t bar = std::min(cell.find('|', start), cell.size());
    std::string_view letter(cell.data() + start, bar - start);
    while (!letter.empty() && letter.front() == ' ') letter.remove_prefix(1);
    while (!letter.empty() && letter.back() == ' ') letter.remove_suffix(1);
    if (letter.size() == 1 && letter[0] >= 'A' && letter[0] <= 'Z') {
      a.letters.push_back(letter[0]);
    } else {
      bad = true;
    }
    start = bar + 1;
  }
  if (bad || (!multi && a.letters.size() != 1)) {
    // Not plain letters: the coder reads it as people write options (answer_text.h), and says
    // which part names no option.
    a.letters.clear();
    a.list = false;
    a.text = std::string(cell);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> plain_cell_answer(const Item& item, std::uint32_t none_options,
                                               std::string_view cell) {
  const bool multi = item.kind == ItemKind::multi;
  AnswerView view;
  if (!multi && starts_number(cell)) {
    view.kind = Answer::Kind::percent;  // as cell_answer reads it
    view.percent = cell;
    return plain_number(item, view);
  }
  // Letters at even places, a bar between each two: no spaces, no empty letter.
  std::array<char, 32> letters;
  std::size_t n = 0;
  for (std::size_t k = 0; k < cell.size(); k += 2) {
    if (n == letters.size() || cell[k] < 'A' || cell[k] > 'Z' ||
        (k + 1 < cell.size() && cell[k + 1] != '|'))
      return std::nullopt;
    letters[n++] = cell[k];
  }
  if (n == 0 || cell.size() != 2 * n - 1) return std::nullopt;  // "" or a bar at the end
  view.list = multi;
  view.letters = std::span<const char>(letters.data(), n);
  return plain_letters(item, none_options, view);
}

Issue figures_half(std::string_view column, bool before) {
  return coded_issue("E-FIGURES-HALF",
                     {clip(column), before ? "a before" : "an after", before ? "after" : "before",
                      before ? "基期" : "当期", before ? "当期" : "基期"},
                     "", Location{});
}

std::optional<Issue> cell_level(std::string_view cell, std::string_view column, int& level) {
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), level);
  if (ec != std::errc{} || ptr != cell.data() + cell.size()) {
    return coded_issue("E-LEVEL-FORMAT", {clip(column), "'" + clip(cell) + "'"}, "", Location{});
  }
  return std::nullopt;
}

}  // namespace smedx::detail
