#include "cell.h"

#include <fmt/format.h>

#include <charconv>

namespace smedx::detail {

std::optional<std::string> cell_answer(std::string_view cell, bool multi, std::string_view column,
                                       Answer& a) {
  a = Answer{};
  const char c0 = cell.empty() ? '\0' : cell[0];
  const bool number = (c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.';
  if (number && !multi) {
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
    return fmt::format(
        "expected {} for '{}', got '{}'",
        multi ? "option letters joined with '|'" : "an option letter or a percentage", column,
        cell);
  }
  return std::nullopt;
}

std::optional<std::string> cell_level(std::string_view cell, std::string_view column, int& level) {
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), level);
  if (ec != std::errc{} || ptr != cell.data() + cell.size()) {
    return fmt::format("expected a whole-number scenario level for '{}', got '{}'", column, cell);
  }
  return std::nullopt;
}

}  // namespace smedx::detail
