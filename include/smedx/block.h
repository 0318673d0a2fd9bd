// The scores of a block of coded surveys as plain columns: what Engine::score_block fills and
// the batch writers read. Platforms scoring one survey at a time never need it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace smedx {

// The scores of a block of coded surveys, as columns of exact thousandths. Row r of every
// table belongs to survey r of the block. Rows of surveys with errors hold zeros.
struct BlockScores {
  std::size_t rows = 0;
  std::vector<std::int64_t> item_points;  // rows x items, row-major
  std::vector<std::int64_t> sub_points;   // rows x sub-indicators
  std::vector<std::int64_t> dim_points;   // rows x dimensions
  std::vector<std::int64_t> total;        // rows
  std::vector<std::int32_t> level;        // rows
  std::vector<std::int32_t> at_or_above;  // rows x levels: scenarios rated L or above
  std::vector<std::int32_t> constraint;   // rows x levels: constraint scenarios among them
};

}  // namespace smedx
