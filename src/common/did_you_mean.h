// "Did you mean" hints: the known name nearest to a misspelt one. Every reader that refuses an
// unknown name (a YAML key, an item id, a CSV column) offers the nearest valid one with it.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace smedx::detail {

// The nearest of `candidates` to `word`, for "did you mean" hints; empty when none is within
// `max_edits` (and fewer edits than the word's length).
inline std::string nearest(std::string_view word, const std::vector<std::string_view>& candidates,
                           std::size_t max_edits = 2) {
  // Optimal string alignment distance, so a swapped pair ("pionts") counts as one edit.
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.size()][b.size()];
  };
  std::string best;
  if (word.size() > 64) return best;   // no name is that long; and the table grows as its square
  std::size_t best_d = max_edits + 1;  // at most max_edits, and fewer than the word's length
  for (auto c : candidates) {
    const std::size_t dist = distance(word, c);
    if (dist < best_d && dist < word.size()) {
      best_d = dist;
      best = std::string(c);
    }
  }
  return best;
}

}  // namespace smedx::detail
