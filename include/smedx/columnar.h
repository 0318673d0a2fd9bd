// Columnar scoring: a table of surveys given column by column, each column as integer codes
// into its few distinct cell values (what pandas.factorize gives), scored without one object per
// row. Cells read as in a survey CSV file (docs/surveys.md), with the same checks and messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "smedx/engine.h"

namespace smedx {

struct ColumnarSurveys {
  struct Column {
    std::string name;                     // an item or scenario id or code
    const std::int32_t* codes = nullptr;  // one per row; -1 = missing (an empty cell)
    std::vector<std::string> values;      // the distinct cell texts codes point into
  };
  std::size_t rows = 0;
  std::vector<Column> columns;           // columns that are neither items nor scenarios are ignored
  const std::uint8_t* has_id = nullptr;  // one per row, 0 = enterprise_id missing; null: all there
  bool warnings = true;                  // build the warnings text of each row
};

// What a data frame's rows come out with: the columns of the CSV output of `smedx score`.
struct ColumnarScores {
  std::vector<std::int64_t> total;           // rows, thousandths
  std::vector<std::int64_t> dim_points;      // rows x dimensions, thousandths
  std::vector<std::int32_t> level;           // rows
  std::vector<std::int8_t> scenario_levels;  // rows x scenarios, rule-set order
  std::vector<std::string> errors;           // one per row: the first error, empty when scored
  std::vector<std::string> warnings;         // one per row: warning messages joined with "; "
};

// Scores every row on `threads` threads (0: every core). Thread-safe; touches no Python.
ColumnarScores score_columns(const Engine& engine, const ColumnarSurveys& table,
                             MissingPolicy missing = MissingPolicy::error, unsigned threads = 0);

}  // namespace smedx
