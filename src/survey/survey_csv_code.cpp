#include "survey/survey_csv_code.h"

#include "survey/cell.h"

#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace smedx::detail {

namespace {

std::string_view trim_spaces(std::string_view cell) noexcept {
  while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
  while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
  return cell;
}

// Reads an item cell as cell_answer does, into `view`, its letters appended to `letters`
// (whose capacity the caller has made room for, so earlier views stay valid). False where
// cell_answer gives an error.
bool read_answer(std::string_view cell, bool multi, std::string& letters, AnswerView& view) {
  const char c0 = cell[0];
  if (!multi && ((c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.')) {
    view.kind = Answer::Kind::percent;  // as cell_answer reads it: the number is checked later
    view.percent = cell;
    return true;
  }
  const std::size_t first = letters.size();
  std::uint32_t mask = 0;
  bool repeated = false;
  std::size_t start = 0;
  while (start <= cell.size()) {
    std::size_t bar = cell.find('|', start);
    if (bar == std::string_view::npos) bar = cell.size();
    const std::string_view letter = trim_spaces(cell.substr(start, bar - start));
    if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'Z') return false;
    const std::uint32_t bit = std::uint32_t{1} << (letter[0] - 'A');
    repeated |= (mask & bit) != 0;
    mask |= bit;
    letters.push_back(letter[0]);
    start = bar + 1;
  }
  const std::size_t n = letters.size() - first;
  if (!multi && n != 1) return false;
  view.kind = Answer::Kind::letters;
  view.list = multi;
  view.letters = std::span<const char>(letters.data() + first, n);
  view.folded = true;  // capitals only, folded as read: plain_letters need not go over them
  view.repeated = repeated;
  view.folded_mask = mask;
  return true;
}

// A row's errors at their cells (line:column), as the Survey path places them: only for a row
// with errors, which the usual row is not. `row` has no quote (the fast path's rows).
void place_errors(std::string_view row, const CsvLayout& layout, CodedSurvey& out) {
  for (Issue& e : out.errors) {
    const std::string_view path = e.path;
    const std::size_t dot = path.find('.');
    if (dot == std::string_view::npos || path.starts_with("consistency.")) continue;
    const std::string_view name = path.substr(dot + 1);
    std::size_t field = 0, at = 0;
    for (; field < layout.columns.size() && layout.columns[field].name != name; ++field)
      at = std::min(row.find(',', at), row.size()) + 1;
    if (field == layout.columns.size()) continue;
    int column = 1;  // code points before the cell
    for (std::size_t k = 0; k < at && k < row.size(); ++k)
      column += (static_cast<unsigned char>(row[k]) & 0xC0) != 0x80;
    e.where.column = column;
  }
}

}  // namespace

CsvRowCoder::CsvRowCoder(const CsvLayout& layout, const RuleIndex& index)
    : layout_(layout), index_(index), item_(layout.columns.size(), -1) {
  std::vector<int> columns_of(index.items.size(), 0);
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (layout.columns[i].part != TableColumn::Part::whole) split_figures_ = true;
    if (layout.columns[i].kind != CsvLayout::Column::Kind::item) continue;
    if (const auto found = index.item_by_name.find(layout.columns[i].name)) {
      item_[i] = static_cast<std::int32_t>(*found);
      ++columns_of[*found];
    }
  }
  // An item under two columns takes the coder's own path, which words "answered twice".
  for (auto& item : item_)
    if (item >= 0 && columns_of[static_cast<std::size_t>(item)] > 1) item = -1;
}

bool CsvRowCoder::code(std::string_view row, const Location& where, MissingPolicy missing,
                       CodedSurvey& out) const {
  const CsvLayout& layout = layout_;
  const RuleIndex& index = index_;
  if (split_figures_) return false;                           // figure pairs: see the header
  if (row.find('"') != std::string_view::npos) return false;  // quoting: split_csv's to read
  if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
  // Per-thread buffers keep their capacity from row to row.
  thread_local std::vector<std::string_view> cells;
  thread_local std::vector<AnswerView> answers;
  thread_local std::vector<int> levels;
  thread_local std::vector<std::int64_t> masks;  // an item cell's options; -1: see answers
  thread_local std::string letters;
  const auto& columns = layout.columns;
  // Cells are a few bytes: a plain loop finds their commas quicker than a memchr a cell.
  cells.clear();
  const char* const end = row.data() + row.size();
  for (const char* start = row.data();;) {
    const char* comma = start;
    while (comma != end && *comma != ',') ++comma;
    if (cells.size() == columns.size()) return false;  // a field too many
    cells.push_back(trim_spaces(std::string_view(start, static_cast<std::size_t>(comma - start))));
    if (comma == end) break;
    start = comma + 1;
  }
  if (cells.size() != columns.size()) return false;

  // Every cell read before anything is coded, so that a row sent back leaves `out` alone.
  answers.resize(columns.size());
  levels.resize(columns.size());
  masks.resize(columns.size());
  letters.clear();
  letters.reserve(row.size());  // at most a letter a byte: no reallocation under the views
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string_view cell = cells[i];
    if (cell.empty()) continue;
    const auto& col = columns[i];
    if (col.kind == CsvLayout::Column::Kind::item) {
      // A cell in the usual form is handed over as its options (plain_cell_answer: what
      // code_answer takes without a word, as the columnar path reads cells); any other goes
      // through the coder's checks, which word its problems.
      if (const std::int32_t item = item_[i]; item >= 0) {
        const auto k = static_cast<std::size_t>(item);
        if (const auto mask = plain_cell_answer(*index.items[k], index.none_options[k], cell)) {
          masks[i] = *mask;
          continue;
        }
      }
      masks[i] = -1;
      answers[i] = AnswerView{};
      answers[i].where = &where;
      if (!read_answer(cell, col.multi, letters, answers[i])) return false;
    } else if (col.kind == CsvLayout::Column::Kind::scenario) {
      const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), levels[i]);
      if (ec != std::errc{} || ptr != cell.data() + cell.size()) return false;
    }
  }

  // In the order code_survey takes a Survey's pieces: the id, the fields, the answers, the
  // scenarios, each in column order.
  using Kind = CsvLayout::Column::Kind;
  SurveyCoder coder(index, missing, out, where);
  std::string_view id;
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].kind == Kind::enterprise_id) id = cells[i];
  coder.enterprise_id(id);
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].kind == Kind::field) coder.enterprise_field(columns[i].name, cells[i]);
  static const std::vector<Issue> no_problems;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].kind != Kind::item || cells[i].empty()) continue;
    if (masks[i] >= 0) {
      coder.coded_answer(static_cast<std::uint32_t>(item_[i]), columns[i].name,
                         static_cast<std::uint32_t>(masks[i]), no_problems);
    } else {
      coder.answer(columns[i].name, answers[i]);
    }
  }
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].kind == Kind::scenario && !cells[i].empty())
      coder.scenario(columns[i].name, levels[i], &where);
  coder.finish();
  if (!out.errors.empty()) place_errors(row, layout, out);
  return true;
}

}  // namespace smedx::detail
