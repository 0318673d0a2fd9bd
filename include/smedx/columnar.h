// Columnar scoring: a table of surveys given column by column, each column as integer codes
// into its few distinct cell values (what pandas.factorize gives), scored without one object per
// row. Cells read as in a survey CSV file (docs/surveys.md), with the same checks and messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/engine.h"

namespace smedx {

// A column's codes, one a row, read where they are: signed integers of 1, 2, 4 or 8 bytes (a
// categorical's own codes, or small whole numbers that are their own codes, need no copy into a
// wider type). Each code is -1 (missing: an empty cell) or an index into the column's values.
class ColumnCodes {
 public:
  ColumnCodes() = default;
  ColumnCodes(const std::int8_t* codes) noexcept : data_(codes), bytes_(1) {}
  ColumnCodes(const std::int16_t* codes) noexcept : data_(codes), bytes_(2) {}
  ColumnCodes(const std::int32_t* codes) noexcept : data_(codes), bytes_(4) {}
  ColumnCodes(const std::int64_t* codes) noexcept : data_(codes), bytes_(8) {}

  // f(codes) with the codes as a pointer of their own type.
  template <typename F>
  decltype(auto) visit(F&& f) const {
    switch (bytes_) {
      case 1:
        return f(static_cast<const std::int8_t*>(data_));
      case 2:
        return f(static_cast<const std::int16_t*>(data_));
      case 8:
        return f(static_cast<const std::int64_t*>(data_));
      default:
        return f(static_cast<const std::int32_t*>(data_));
    }
  }

  std::int64_t operator[](std::size_t row) const noexcept {
    return visit([row](const auto* codes) { return static_cast<std::int64_t>(codes[row]); });
  }

 private:
  const void* data_ = nullptr;
  int bytes_ = 4;
};

struct ColumnarSurveys {
  struct Column {
    std::string name;                 // an item or scenario id or code
    ColumnCodes codes;                // one per row
    std::vector<std::string> values;  // the distinct cell texts codes point into
  };
  std::size_t rows = 0;
  std::vector<Column> columns;           // columns that are neither items nor scenarios are ignored
  const std::uint8_t* has_id = nullptr;  // one per row, 0 = enterprise_id missing; null: all there
  bool warnings = true;                  // build the warnings text of each row
  Lang lang = Lang::zh;                  // of the warnings text (Chinese unless logs ask English)
  // The enterprise's own columns, for code_columns (scoring reads only whether an id is there):
  // the enterprise_id column (where has_id is null, a missing id is its code -1) and the
  // enterprise fields (name, industry, district, any other), in the order a coded survey lists
  // them. A missing field is an empty text, as in a CSV file.
  std::optional<Column> enterprise_id;
  std::vector<Column> fields;
};

// The few rows that have something to say, in row order: (row, text).
struct RowTexts {
  std::vector<std::pair<std::size_t, std::string>> entries;
  // The text of `row`, empty when it has none.
  std::string_view at(std::size_t row) const noexcept;
};

namespace detail {
// An allocator that leaves new elements uninitialised: a column that is written whole (by the
// threads that score its rows) is not zeroed first, a pass over memory for nothing.
template <typename T>
struct Uninitialised : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = Uninitialised<U>;
  };
  Uninitialised() = default;
  template <typename U>
  Uninitialised(const Uninitialised<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
}  // namespace detail

// A column of results, one value a row (or a block of rows a dimension or scenario).
template <typename T>
using ScoreColumn = std::vector<T, detail::Uninitialised<T>>;

// What a data frame's rows come out with: the columns of the CSV output of `smedx score`, each
// contiguous (column-major), so that they become data frame columns without a transpose.
// Rows with errors hold zeros.
struct ColumnarScores {
  ScoreColumn<std::int64_t> total;           // rows, thousandths
  ScoreColumn<std::int64_t> dim_points;      // dimensions x rows, thousandths
  ScoreColumn<std::int32_t> level;           // rows
  ScoreColumn<std::int8_t> scenario_levels;  // scenarios x rows, rule-set order
  RowTexts errors;  // every error of each row that has one, in Chinese, joined with "；"
  // Every error of each row that has one (each with its code, args and path), in row order.
  std::vector<std::pair<std::size_t, std::vector<Issue>>> issues;
  RowTexts warnings;  // warning messages of a row joined with "; "
  // Set before scoring for the types of a data frame's columns, as to_frame_units leaves them,
  // each block of rows turned while it is still in cache: `total` and `dim_points` hold doubles'
  // bits (points) and `level_bytes` each row's level as a byte.
  bool frame_units = false;
  ScoreColumn<std::int8_t> level_bytes;  // rows, with frame_units
};

// Scores every row on `threads` threads (0: every core). Thread-safe; touches no Python.
ColumnarScores score_columns(const Engine& engine, const ColumnarSurveys& table,
                             MissingPolicy missing = MissingPolicy::error, unsigned threads = 0);
// The same into `out`, whose columns keep their memory where it holds the table: a caller that
// keeps buffers between calls (the Python door) scores into pages already mapped, not fresh
// ones. Whatever `out` held is replaced.
void score_columns(const Engine& engine, const ColumnarSurveys& table, MissingPolicy missing,
                   unsigned threads, ColumnarScores& out);

// Codes every row into a CodedSurvey on `threads` threads (0: every core), reading the cells as
// score_columns does, with the same checks and messages (a row's errors are located as line
// row + 1 of "<frame>"). The enterprise id is the enterprise_id column's text (empty without
// one), the fields those of `fields`. For work on each survey (a diagnosis) rather than scores.
std::vector<CodedSurvey> code_columns(const Engine& engine, const ColumnarSurveys& table,
                                      MissingPolicy missing = MissingPolicy::error,
                                      unsigned threads = 0);

// The scores in the types of a data frame's columns, on `threads` threads: each row's level
// into `level` as a byte, and `total` and `dim_points` turned from exact thousandths into
// points as doubles in place (each 8-byte slot then holds a double's bits: read those columns
// as double). In place because they are the widest columns: no fresh pages to fill.
void to_frame_units(ColumnarScores& scores, ScoreColumn<std::int8_t>& level, unsigned threads = 0);

}  // namespace smedx
