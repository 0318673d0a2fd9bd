// Scoring (and coding) a table given column by column. The steps, in order:
//   1. answer_columns: which columns are items and scenarios (the rest is not read);
//   2. read_distinct_values: each distinct cell text read and checked once, on the threads;
//   3. RowCoder: a row coded the long way, through the survey coder, for its exact messages
//      (rows the fast path cannot take, and every row of code_columns);
//   4. SliceScorer: rows scored in tiles, column by column, on the threads;
//   5. join_texts: each slice's errors and warnings joined in row order.
#include "smedx/columnar.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <type_traits>

#include <fmt/format.h>

#include "common/parallel.h"
#include "score/engine_access.h"
#include "score/level_rule.h"
#include "survey/cell.h"
#include "survey/survey_coder.h"

namespace smedx {

namespace {

// A distinct cell value, read and checked once for all the rows that hold it.
struct Cell {
  // unreadable, problem, note: none or one issue (path and place are the row's); a vector is
  // small while empty, and a table has a Cell for each distinct value of every column.
  std::vector<Issue> unreadable;  // the cell is not an answer of any form (as in CSV)
  std::uint32_t mask = 0;         // item cells: the options selected
  std::vector<Issue> problems;    // item cells: what is wrong with the answer
  int level = 0;                  // scenario cells
  std::vector<Issue> problem;     // scenario cells: a level outside the rule's range
  std::vector<Issue> note;        // how a band percentage of at most 1 was read
  bool clean = false;             // nothing wrong with the cell (a note aside)
  std::int64_t points = 0;        // clean item cells: the points of the options selected
};

struct PreparedColumn {
  const ColumnarSurveys::Column* column;
  bool scenario;
  std::uint32_t index;      // item or scenario index
  std::vector<Cell> cells;  // one per distinct value
  // What the row loop reads of each cell, packed: the answer's options or the level, points.
  static constexpr std::uint8_t kBad = 1;    // missing, or something wrong with the cell
  static constexpr std::uint8_t kNoted = 2;  // a band percentage of at most 1, read with a note
  struct Packed {
    std::uint32_t value = 0;
    std::uint8_t flags = 0;
    std::int64_t points = 0;
  };
  std::vector<Packed> packed;  // entry 0: a missing cell; entry v + 1: distinct value v
  bool all_clean = false;      // every distinct value is clean, without a note
  // Scenario columns: the level of each entry of `packed`, -1 for a cell that is not clean.
  std::vector<std::int8_t> levels;
  // Scenario columns whose codes are their levels below `level_limit` (value v is level v, clean)
  // and not clean from there on (missing is -1), as whole numbers read in place are (values "0"
  // to "7" for levels 0-4: the codes' OR): the levels are the codes, narrowed, with no lookup.
  bool codes_are_levels = false;
  std::int8_t level_limit = 0;

  // The packed entry of row r's cell (entry 0 for a missing one).
  const Packed& at(std::size_t r) const noexcept {
    return packed[static_cast<std::size_t>(column->codes[r] + 1)];
  }
  // Row r's cell, or nullptr when it is missing.
  const Cell* cell(std::size_t r) const noexcept {
    const std::int64_t code = column->codes[r];
    return code < 0 ? nullptr : &cells[static_cast<std::size_t>(code)];
  }
  // The path of an issue about this column's cell, as the CSV reader words it.
  std::string path() const { return (scenario ? "scenarios." : "answers.") + column->name; }
  // The note of row r's cell, placed.
  Issue note(std::size_t r, const Location& where) const {
    Issue n = cell(r)->note.front();
    n.path = path();
    n.where = where;
    return n;
  }
};

// A consistency condition that is one test (or the negation of one), evaluated straight on a
// row's answers; rules made of such conditions are checked without the coder.
struct Leaf {
  Condition::Kind kind = Condition::Kind::has;
  std::uint32_t target = 0, letters = 0;
  int level = 0;
  bool negate = false;

  static std::optional<Leaf> of(const detail::RuleIndex::Check& c) {
    using K = Condition::Kind;
    if (c.kind == K::not_) {
      if (c.terms.size() != 1) return std::nullopt;
      auto inner = of(c.terms[0]);
      if (!inner || inner->negate) return std::nullopt;
      inner->negate = true;
      return inner;
    }
    if (c.kind == K::all || c.kind == K::any) return std::nullopt;
    return Leaf{c.kind, c.target, c.letters, c.level, false};
  }
  // The test on rows [0, m) of a tile of answers held column by column (`tile` rows a
  // column): the kind is chosen once, and each loop runs along one column. The members are
  // copied to locals and the arrays marked restrict: `out` is bytes, which may alias anything,
  // and would otherwise keep the loops from being vectorised.
  void on_tile(std::size_t m, std::size_t tile, const std::uint32_t* __restrict selected,
               const std::int8_t* __restrict levels, const std::int8_t* __restrict highest,
               std::uint8_t* __restrict out) const noexcept {
    using K = Condition::Kind;
    const std::uint32_t* __restrict answers = selected + target * tile;
    const std::int8_t* __restrict rated = levels + target * tile;
    const std::uint32_t want = letters;
    const auto at_least = static_cast<std::int8_t>(std::clamp(level, -128, 127));
    const std::uint8_t flip = negate ? 1 : 0;
    switch (kind) {
      case K::has:
      case K::has_all:
        for (std::size_t j = 0; j < m; ++j)
          out[j] = static_cast<std::uint8_t>(((answers[j] & want) == want) ^ flip);
        break;
      case K::has_any:
        for (std::size_t j = 0; j < m; ++j)
          out[j] = static_cast<std::uint8_t>(((answers[j] & want) != 0) ^ flip);
        break;
      case K::scenario_at_least:
        for (std::size_t j = 0; j < m; ++j)
          out[j] = static_cast<std::uint8_t>((rated[j] >= at_least) ^ flip);
        break;
      case K::any_scenario_at_least:
        for (std::size_t j = 0; j < m; ++j)
          out[j] = static_cast<std::uint8_t>((highest[j] >= at_least) ^ flip);
        break;
      default:
        break;
    }
  }
};

// Whether any of n codes is negative (missing): one pass that the compiler vectorises.
template <typename T>
bool any_missing(const T* __restrict codes, std::size_t n) noexcept {
  using U = std::make_unsigned_t<T>;
  U any = 0;
  for (std::size_t j = 0; j < n; ++j) any |= static_cast<U>(codes[j]);
  return (any >> (8 * sizeof(T) - 1)) != 0;
}

// Whether row r has its enterprise_id: `has_id` says so when given, else the enterprise_id
// column when given, else every row has one.
bool has_id(const ColumnarSurveys& table, std::size_t r) noexcept {
  if (table.has_id) return table.has_id[r] != 0;
  return !table.enterprise_id || table.enterprise_id->codes[r] >= 0;
}

// Row r's text in `column`, empty when the cell is missing.
std::string_view text_of(const ColumnarSurveys::Column& column, std::size_t r) noexcept {
  const std::int64_t code = column.codes[r];
  return code < 0 ? std::string_view()
                  : std::string_view(column.values[static_cast<std::size_t>(code)]);
}

// --- Step 0: a trend item's figures given in two columns ---

// `R1.before` and `R1.after` columns (by id or code) joined into one column `R1` whose cells
// are the two figures with a unit separator between (cell_answer reads them as figures). Only
// a table that has such columns is copied.
struct FigureColumns {
  ColumnarSurveys table;
  std::vector<std::vector<std::int64_t>> codes;
};

const ColumnarSurveys& with_figures(const detail::RuleIndex& index, const ColumnarSurveys& table,
                                    std::optional<FigureColumns>& own) {
  auto part = [&](std::string_view name, std::string_view& base) -> int {
    for (auto [suffix, which] :
         {std::pair{std::string_view(".before"), 0}, std::pair{std::string_view(".after"), 1}}) {
      if (!name.ends_with(suffix)) continue;
      base = name.substr(0, name.size() - suffix.size());
      const auto item = index.item_by_name.find(base);
      return item && index.items[*item]->kind == ItemKind::trend ? which : -1;
    }
    return -1;
  };
  std::map<std::string, std::pair<int, int>> pairs;  // base name -> (before, after) column
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    std::string_view base;
    const int which = part(table.columns[c].name, base);
    if (which < 0) continue;
    auto [at, fresh] = pairs.try_emplace(std::string(base), -1, -1);
    (which == 0 ? at->second.first : at->second.second) = static_cast<int>(c);
  }
  if (pairs.empty()) return table;
  own.emplace();
  own->table.rows = table.rows;
  own->table.has_id = table.has_id;
  own->table.warnings = table.warnings;
  own->table.enterprise_id = table.enterprise_id;
  own->table.fields = table.fields;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    std::string_view base;
    if (part(table.columns[c].name, base) < 0) own->table.columns.push_back(table.columns[c]);
  }
  own->codes.reserve(pairs.size());
  for (const auto& [base, cols] : pairs) {
    ColumnarSurveys::Column merged;
    merged.name = base;
    auto& codes = own->codes.emplace_back(table.rows);
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> seen;
    for (std::size_t r = 0; r < table.rows; ++r) {
      const std::int64_t b = cols.first >= 0 ? table.columns[cols.first].codes[r] : -1;
      const std::int64_t a = cols.second >= 0 ? table.columns[cols.second].codes[r] : -1;
      if (b < 0 && a < 0) {
        codes[r] = -1;  // neither: a missing answer
        continue;
      }
      auto [at, fresh] = seen.try_emplace({b, a}, static_cast<std::int64_t>(merged.values.size()));
      if (fresh) {
        std::string cell = b >= 0 ? table.columns[cols.first].values[b] : "";
        cell += detail::figures_separator;
        if (a >= 0) cell += table.columns[cols.second].values[a];
        merged.values.push_back(std::move(cell));
      }
      codes[r] = at->second;
    }
    merged.codes = ColumnCodes(codes.data());
    own->table.columns.push_back(std::move(merged));
  }
  return own->table;
}

// --- Step 1 and 2: the answer columns, each distinct value read once ---

// The table's item and scenario columns, in table order: the only ones scoring reads.
std::vector<PreparedColumn> answer_columns(const detail::RuleIndex& index,
                                           const ColumnarSurveys& table) {
  std::vector<PreparedColumn> columns;
  for (const auto& col : table.columns) {
    const auto item = index.item_by_name.find(col.name);
    const auto scenario = item ? std::nullopt : index.scenario_by_name.find(col.name);
    if (!item && !scenario) continue;
    PreparedColumn& p = columns.emplace_back();
    p.column = &col;
    p.scenario = scenario.has_value();
    p.index = item ? *item : *scenario;
  }
  return columns;
}

// Values [begin, end) of a column, each on its own, as the CSV reader and the coder read them.
void read_cells(const detail::RuleIndex& index, PreparedColumn& p, std::size_t begin,
                std::size_t end) {
  const int top_level = index.rules.level_rule.top_level();
  const ColumnarSurveys::Column& col = *p.column;
  for (std::size_t v = begin; v < end; ++v) {
    Cell& cell = p.cells[v];
    if (p.scenario) {
      if (auto bad = detail::cell_level(col.values[v], col.name, cell.level)) {
        cell.unreadable.push_back(std::move(*bad));
      } else if (cell.level < 0 || cell.level > top_level) {
        cell.problem.push_back(
            detail::scenario_issue("E-LEVEL-RANGE", index.rules.scenarios[p.index],
                                   {std::to_string(cell.level), std::to_string(top_level)}));
      }
      continue;
    }
    const Item& it = *index.items[p.index];
    // The usual cell in a line; the rest the long way, which words problems and notes.
    if (auto mask = detail::plain_cell_answer(it, index.none_options[p.index], col.values[v])) {
      cell.mask = *mask;
      continue;
    }
    Answer answer;
    if (auto bad = detail::cell_answer(col.values[v], it, col.name, answer)) {
      cell.unreadable.push_back(std::move(*bad));
      continue;
    }
    detail::AnswerView view;
    view.kind = answer.kind;
    view.list = answer.list;
    view.letters = answer.letters;
    view.text = answer.text;
    view.percent = answer.percent;
    view.before = answer.before;
    view.after = answer.after;
    Issue note;
    cell.mask = detail::code_answer(it, view, cell.problems, &note);
    if (!note.message.empty()) cell.note.push_back(std::move(note));
  }
}

// Packs what the row loop reads of a column's cells, once they are read: a short pass over
// its distinct values.
void pack(const detail::RuleIndex& index, PreparedColumn& p) {
  // A cell read with a note is clean: its row is scored the fast way, which adds the note to
  // the row's warnings as the coder would.
  p.all_clean = true;
  for (Cell& cell : p.cells) {
    cell.clean = cell.unreadable.empty() && cell.problems.empty() && cell.problem.empty();
    p.all_clean = p.all_clean && cell.clean && cell.note.empty();
    if (p.scenario || !cell.clean) continue;
    // The points of the options selected, summed into the row's dimension by a gather.
    for (std::uint32_t mask = cell.mask; mask; mask &= mask - 1)
      cell.points += index.items[p.index]
                         ->options[static_cast<std::size_t>(std::countr_zero(mask))]
                         .points.thousandths();
  }
  p.packed.reserve(p.cells.size() + 1);
  p.packed.push_back({0, PreparedColumn::kBad, 0});
  if (p.scenario) p.levels.push_back(-1);
  for (const Cell& cell : p.cells) {
    const auto flags = static_cast<std::uint8_t>((cell.clean ? 0 : PreparedColumn::kBad) |
                                                 (cell.note.empty() ? 0 : PreparedColumn::kNoted));
    p.packed.push_back(
        {p.scenario ? static_cast<std::uint32_t>(cell.level) : cell.mask, flags, cell.points});
    // A clean cell's level is within 0 to the top level, which an int8 holds (as the output).
    if (p.scenario) p.levels.push_back(cell.clean ? static_cast<std::int8_t>(cell.level) : -1);
  }
  if (p.scenario && p.levels.size() <= 128 && p.levels[0] == -1) {  // codes fit a byte
    std::size_t limit = 0;
    while (limit + 1 < p.levels.size() && p.levels[limit + 1] == static_cast<int>(limit)) ++limit;
    p.codes_are_levels = true;
    for (std::size_t k = limit + 1; k < p.levels.size(); ++k)
      p.codes_are_levels = p.codes_are_levels && p.levels[k] == -1;
    p.level_limit = static_cast<std::int8_t>(limit);
  }
}

// Reads and checks each distinct value once, then packs each column. In chunks of values on
// the threads, since columns of many values (every combination of data_collection's 14
// options) take a while; threads only for values enough to pay for them.
void read_distinct_values(const detail::RuleIndex& index, std::vector<PreparedColumn>& columns,
                          unsigned threads) {
  constexpr std::size_t chunk = 1024;
  std::vector<std::pair<std::size_t, std::size_t>> chunks;  // (column, first value)
  std::size_t distinct = 0;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    columns[k].cells.resize(columns[k].column->values.size());
    distinct += columns[k].cells.size();
    for (std::size_t v = 0; v < columns[k].cells.size(); v += chunk) chunks.emplace_back(k, v);
  }
  const std::size_t workers =
      std::min({detail::thread_count(threads), chunks.size(), distinct / 4096 + 1});
  detail::parallel_tasks(chunks.size(), workers, [&](std::size_t c) {
    const auto [k, v] = chunks[c];
    read_cells(index, columns[k], v, std::min(v + chunk, columns[k].cells.size()));
  });
  for (PreparedColumn& p : columns) pack(index, p);
}

// The answer columns of a table, read: what both scoring and coding start from.
struct ReadColumns {
  std::vector<PreparedColumn> columns;
  // Every item and scenario has exactly one column: then a row whose cells are all clean codes
  // without the survey coder (its answers are the cells' options, and only the consistency
  // rules remain to check). Any other row goes through the coder, for its exact messages.
  bool complete = true;
};

ReadColumns read_columns(const detail::RuleIndex& index, const ColumnarSurveys& table,
                         unsigned threads) {
  ReadColumns read{answer_columns(index, table)};
  read_distinct_values(index, read.columns, threads);
  std::vector<int> items_seen(index.items.size()), scenarios_seen(index.rules.scenarios.size());
  for (const auto& col : read.columns) ++(col.scenario ? scenarios_seen : items_seen)[col.index];
  for (int k : items_seen) read.complete = read.complete && k == 1;
  for (int k : scenarios_seen) read.complete = read.complete && k == 1;
  return read;
}

// --- Step 3: a row coded into a CodedSurvey ---

// Codes a row of the table from its read cells, with the checks and messages of the CSV reader
// and the survey coder. Shared by scoring (for the rows the fast path leaves) and code_columns
// (for every row), so that both say the same of a row.
class RowCoder {
 public:
  RowCoder(const detail::RuleIndex& index, const ColumnarSurveys& table, const ReadColumns& read,
           MissingPolicy missing)
      : index_(index), table_(table), read_(read), missing_(missing) {}

  // Whether row r codes without the coder: every item and scenario in one column, its id there,
  // every cell clean (a note aside).
  bool clean(std::size_t r) const noexcept {
    if (!read_.complete || !has_id(table_, r)) return false;
    for (const auto& col : read_.columns)
      if (col.at(r).flags & PreparedColumn::kBad) return false;
    return true;
  }

  // A clean row whose answers and levels are in `c` already: the consistency rules, whose
  // errors go to c.errors and whose warnings to c.fired, as the coder's finish() has them.
  void check_rules(std::size_t r, CodedSurvey& c) const {
    c.errors.clear();
    c.warnings.clear();
    c.fired.clear();
    for (const ConsistencyRule* rule : detail::failing_rules(index_, c)) {
      if (rule->severity == Severity::error) {
        c.errors.push_back(
            detail::consistency_issue(*rule, Location{"<frame>", static_cast<int>(r + 1), 1}));
      } else {
        c.fired.push_back(static_cast<std::uint16_t>(rule - index_.rules.consistency.data()));
      }
    }
    detail::cap_issues(c.errors);
  }

  // Row r the long way, through the survey coder. Cells that do not read are its first errors
  // and stand-ins for the coder, which says what else is wrong, as for a CSV row; and the notes of
  // its band cells follow the coder's warnings. The enterprise id is the enterprise_id column's
  // text when there is one, else "-" where has_id says there is one.
  void code(std::size_t r, CodedSurvey& c) const {
    const Location where{"<frame>", static_cast<int>(r + 1), 1};
    thread_local std::vector<Issue> unread;
    unread.clear();
    unreadable(r, where, unread);
    thread_local std::vector<const PreparedColumn*> noted;
    noted.clear();
    {
      detail::SurveyCoder coder(index_, missing_, c, where);
      coder.enterprise_id(table_.enterprise_id ? text_of(*table_.enterprise_id, r)
                          : has_id(table_, r)  ? std::string_view("-")
                                               : std::string_view());
      for (const auto& col : read_.columns) {
        const Cell* cell = col.cell(r);
        if (!cell) continue;
        if (!cell->unreadable.empty()) {  // a stand-in, as the CSV reader gives the coder
          static const std::vector<Issue> none;
          if (col.scenario)
            coder.coded_scenario(col.index, col.column->name, 0);
          else
            coder.coded_answer(col.index, col.column->name, 1, none);
          continue;
        }
        if (col.scenario) {
          coder.coded_scenario(col.index, col.column->name, cell->level,
                               cell->problem.empty() ? nullptr : &cell->problem.front());
        } else {
          coder.coded_answer(col.index, col.column->name, cell->mask, cell->problems);
          if (!cell->note.empty()) noted.push_back(&col);
        }
      }
      coder.finish();
    }
    for (const PreparedColumn* col : noted) c.warnings.push_back(col->note(r, where));
    if (!unread.empty()) {  // cells that did not read, then the row's other problems (as CSV)
      std::erase_if(c.errors, [](const Issue& e) { return e.path.starts_with("consistency."); });
      c.errors.insert(c.errors.begin(), unread.begin(), unread.end());
      detail::cap_issues(c.errors);
    }
  }

  // Row r as code_columns gives it: coded as scoring codes it, with its enterprise id (empty
  // without an enterprise_id column) and fields.
  void code_whole(std::size_t r, CodedSurvey& c) const {
    if (clean(r)) {
      c.where = Location{"<frame>", static_cast<int>(r + 1), 1};
      c.selected.assign(index_.items.size(), 0);
      c.levels.assign(index_.rules.scenarios.size(), 0);
      for (const auto& col : read_.columns) {
        const PreparedColumn::Packed& cell = col.at(r);
        if (col.scenario) {
          c.levels[col.index] = static_cast<std::int8_t>(cell.value);
        } else {
          c.selected[col.index] = cell.value;
        }
      }
      check_rules(r, c);
      for (const auto& col : read_.columns)
        if (col.at(r).flags & PreparedColumn::kNoted) c.warnings.push_back(col.note(r, c.where));
    } else {
      code(r, c);
    }
    c.enterprise_id = table_.enterprise_id ? text_of(*table_.enterprise_id, r) : "";
    c.enterprise.clear();
    for (const auto& field : table_.fields)
      c.enterprise.emplace_back(field.name, text_of(field, r));
  }

 private:
  // The errors of row r's cells that do not read, in column order.
  void unreadable(std::size_t r, const Location& where, std::vector<Issue>& out) const {
    for (const auto& col : read_.columns) {
      const Cell* cell = col.cell(r);
      if (cell && !cell->unreadable.empty()) {
        out.push_back(cell->unreadable.front());
        out.back().path = col.path();
        out.back().where = where;
      }
    }
  }

  const detail::RuleIndex& index_;
  const ColumnarSurveys& table_;
  const ReadColumns& read_;
  MissingPolicy missing_;
};

// --- Step 4: rows scored in tiles ---

// What scoring a row needs of the rule set, laid out for the row loop: built once a table.
struct ScorePlan {
  explicit ScorePlan(const detail::RuleIndex& index)
      : items(index.items.size()),
        scenarios(index.rules.scenarios.size()),
        dims(index.rules.dimensions.size()),
        levels(index.rules.level_rule) {
    const RuleSet& rules = index.rules;
    top = static_cast<std::size_t>(levels.top());
    // Where each item's points go, for summing rows straight from the coded answers: with one
    // selected option set per item, the product of the one-hot answers with the points is a
    // gather, which this does without the zeros a dense product would carry.
    for (std::size_t d = 0; d < rules.dimensions.size(); ++d) {
      for (const auto& sub : rules.dimensions[d].sub_indicators) {
        for (std::size_t k = 0; k < sub.items.size(); ++k) item_sub.push_back(sub_dim.size());
        sub_dim.push_back(d);
      }
    }
    subs = sub_dim.size();
    item_dim.resize(items);
    for (std::size_t i = 0; i < items; ++i) item_dim[i] = sub_dim[item_sub[i]];
    // With fewer than 256 scenarios, a tile's counts of scenarios at each level or above (and
    // of constraint scenarios among them) are bytes, added along the tile a column at a time.
    byte_counts = scenarios < 256;
    for (const auto& rule : index.consistency) {
      auto when = Leaf::of(rule.when), then = Leaf::of(rule.then);
      if (!when || !then) {
        leaves.clear();
        break;
      }
      leaves.emplace_back(*when, *then);
    }
    // Up to 32 rules, so that a row's broken rules are the bits of one word.
    flat_rules = leaves.size() == index.consistency.size() && leaves.size() <= 32;
    for (const auto& [when, then] : leaves)
      for (const Leaf& leaf : {when, then})
        need_highest = need_highest || leaf.kind == Condition::Kind::any_scenario_at_least;
    for (std::size_t k = 0; flat_rules && k < leaves.size(); ++k)
      if (rules.consistency[k].severity == Severity::error) error_rules |= std::uint32_t{1} << k;
    // Which items' answers the row loop keeps: with flat rules, only those a rule tests (3 of
    // the 15 of the 2024 indicators); the rest add their points and are done.
    kept_answers.assign(items, flat_rules ? 0 : 1);
    for (const auto& [when, then] : leaves)
      for (const Leaf& leaf : {when, then})
        if (flat_rules && leaf.kind != Condition::Kind::scenario_at_least &&
            leaf.kind != Condition::Kind::any_scenario_at_least && leaf.target < items)
          kept_answers[leaf.target] = 1;
    constraint.resize(scenarios);
    for (std::size_t k = 0; k < scenarios; ++k) constraint[k] = rules.scenarios[k].constraint;
  }

  std::size_t items, scenarios, dims, subs = 0, top = 0;
  std::vector<std::size_t> item_sub, sub_dim, item_dim;
  detail::LevelTable levels;
  bool byte_counts = false;
  std::vector<std::pair<Leaf, Leaf>> leaves;  // when, then; one per rule when all are leaves
  bool flat_rules = false;                    // every rule a pair of leaves, checked along tiles
  bool need_highest = false;      // each row's highest scenario level, for the leaves that test it
  std::uint32_t error_rules = 0;  // flat_rules: bit k set when rule k is an error
  std::vector<std::uint8_t> kept_answers;  // per item: 1 when a row's answer is read later
  std::vector<int> constraint;             // per scenario: 1 for a constraint scenario
};

// Rows [begin, end) of `scores` in a data frame's types (to_frame_units): each row's level
// into `level` as a byte, and each 8-byte slot of `total` and `dim_points` given the bits of
// its points as a double.
void frame_units_of(ColumnarScores& scores, std::size_t rows, std::size_t begin, std::size_t end,
                    std::int8_t* level) {
  const std::size_t dims = rows ? scores.dim_points.size() / rows : 0;
  auto to_double = [](std::int64_t& v) {
    v = std::bit_cast<std::int64_t>(static_cast<double>(v) / 1000.0);
  };
  for (std::size_t i = begin; i < end; ++i) level[i] = static_cast<std::int8_t>(scores.level[i]);
  for (std::size_t i = begin; i < end; ++i) to_double(scores.total[i]);
  for (std::size_t d = 0; d < dims; ++d)
    for (std::size_t i = begin; i < end; ++i) to_double(scores.dim_points[d * rows + i]);
}

// Scores rows [begin, end) on one thread. Slices are disjoint: nothing mutable is shared but
// the texts, which each slice collects apart (`errors`, `warnings`) for join_texts. Rows go in
// tiles, read column by column (each column's codes in order, the tile's answers staying in
// cache), then finished row by row.
class SliceScorer {
 public:
  static constexpr std::size_t tile = 1024;

  SliceScorer(const ScorePlan& plan, const ReadColumns& read, const RowCoder& coder,
              const detail::RuleIndex& index, const ColumnarSurveys& table, ColumnarScores& out)
      : plan_(plan),
        read_(read),
        coder_(coder),
        index_(index),
        table_(table),
        out_(out),
        rows_(table.rows),
        sub_points_(plan.subs),
        at_(plan.top),
        con_(plan.top),
        row_levels_(plan.scenarios),
        hist_(plan.top + 1),
        chist_(plan.top + 1),
        sel_(tile * plan.items),
        lev_(tile * plan.scenarios),
        pts_(tile * plan.dims),
        mark_(tile),
        highest_(tile),
        at_tile_(plan.top * tile),
        con_tile_(plan.top * tile),
        broken_(tile),
        totals_(tile),
        when_(tile),
        then_(tile) {}

  // Rows [begin, end), then their scores in frame units when asked, while they are in cache.
  void run(std::size_t begin, std::size_t end) {
    for (std::size_t t0 = begin; t0 < end; t0 += tile) {
      const std::size_t t1 = std::min(end, t0 + tile);
      score_tile(t0, t1 - t0);
      if (out_.frame_units) frame_units_of(out_, rows_, t0, t1, out_.level_bytes.data());
    }
  }

  RowTexts errors, warnings;
  std::vector<std::pair<std::size_t, std::vector<Issue>>> issues;

 private:
  // One tile of rows, t0 to t0 + m.
  void score_tile(std::size_t t0, std::size_t m) {
    read_tile(t0, m);
    if (plan_.flat_rules) check_flat_rules(m);
    write_tile(t0, m);
    if (!(plan_.flat_rules && plan_.byte_counts)) {
      for (std::size_t j = 0; j < m; ++j) finish_row(t0 + j, j);
      return;
    }
    // The tile's levels along the tile; then only the rows with more to do than a level (a
    // cell not clean, a rule broken, a note or a warning to say) one by one.
    plan_.levels.tile_levels(m, &out_.total[t0], at_tile_.data(), con_tile_.data(), tile,
                             totals_.data(), &out_.level[t0]);
    const std::uint8_t say = table_.warnings ? PreparedColumn::kNoted : 0;
    const std::uint32_t told = table_.warnings ? ~std::uint32_t{0} : plan_.error_rules;
    for (std::size_t j = 0; j < m; ++j)
      if ((mark_[j] & (PreparedColumn::kBad | say)) || (broken_[j] & told)) finish_row(t0 + j, j);
  }

  // The tile's cells, a column at a time: answers, levels, points by dimension, the OR of each
  // row's cells' flags; then scenario_tile.
  void read_tile(std::size_t t0, std::size_t m) {
    std::fill_n(mark_.begin(), m, read_.complete ? 0 : PreparedColumn::kBad);
    std::fill_n(pts_.begin(), tile * plan_.dims, 0);
    std::fill_n(broken_.begin(), m, 0);
    if (table_.has_id || table_.enterprise_id)
      for (std::size_t j = 0; j < m; ++j)
        if (!has_id(table_, t0 + j)) mark_[j] = PreparedColumn::kBad;
    for (const auto& col : read_.columns) {
      // Codes of their own width (a categorical's bytes, whole numbers), read in place.
      col.column->codes.visit([&](const auto* column_codes) {
        const auto* __restrict codes = column_codes + t0;
        // Entry 0 is a missing cell: codes are shifted by one, so no cell needs a branch.
        const PreparedColumn::Packed* __restrict cells = col.packed.data() + 1;
        const std::size_t at_item = col.index, d = col.scenario ? 0 : plan_.item_dim[col.index];
        std::uint8_t* __restrict marks = mark_.data();
        if (col.scenario) {
          // The levels, -1 for a cell that is not clean (scenario_tile reads them).
          const std::int8_t* __restrict level_of = col.levels.data() + 1;
          std::int8_t* __restrict rated = &lev_[at_item * tile];
          if (col.codes_are_levels) {  // a narrowing and a select the compiler vectorises
            const std::int8_t limit = col.level_limit;
            for (std::size_t j = 0; j < m; ++j) {
              const auto code = static_cast<std::int8_t>(codes[j]);
              rated[j] = code < limit ? code : std::int8_t{-1};
            }
          } else {
            for (std::size_t j = 0; j < m; ++j) rated[j] = level_of[codes[j]];
          }
        } else {
          std::uint32_t* __restrict answers = &sel_[at_item * tile];
          std::int64_t* __restrict points = &pts_[d * tile];
          if (col.all_clean && !any_missing(codes, m)) {  // nothing to mark
            if (!plan_.kept_answers[at_item]) {
              for (std::size_t j = 0; j < m; ++j) points[j] += cells[codes[j]].points;
              return;
            }
            for (std::size_t j = 0; j < m; ++j) {
              const PreparedColumn::Packed& cell = cells[codes[j]];
              answers[j] = cell.value;
              points[j] += cell.points;
            }
            return;
          }
          if (!plan_.kept_answers[at_item]) {
            for (std::size_t j = 0; j < m; ++j) {
              const PreparedColumn::Packed& cell = cells[codes[j]];
              points[j] += cell.points;
              marks[j] |= cell.flags;
            }
            return;
          }
          for (std::size_t j = 0; j < m; ++j) {
            const PreparedColumn::Packed& cell = cells[codes[j]];
            answers[j] = cell.value;
            points[j] += cell.points;
            marks[j] |= cell.flags;
          }
        }
      });
    }
    scenario_tile(m);
  }

  // Along the tile's scenario levels, once all are in: each row's mark for a cell that is not
  // clean, its highest level (with need_highest) and, with byte_counts, the counts of scenarios
  // at each level or above and of constraint scenarios among them. Sixteen rows at a time, every
  // scenario in turn, the counts held in registers: column by column, each count would be
  // loaded and stored again for every scenario (the most of the row loop's time, profiled).
  // Rows past m, up to the next multiple of 16 within the tile, are counted and ignored.
  void scenario_tile(std::size_t m) {
    const std::size_t top = plan_.byte_counts ? plan_.top : 0;
    std::size_t l0 = 0;
    do {  // levels four at a time, so that the counts stay within the vector registers
      switch (std::min<std::size_t>(top - l0, 4)) {
        case 0:
          level_block<0>(m, l0);
          break;
        case 1:
          level_block<1>(m, l0);
          break;
        case 2:
          level_block<2>(m, l0);
          break;
        case 3:
          level_block<3>(m, l0);
          break;
        default:
          level_block<4>(m, l0);
          break;
      }
      l0 += 4;
    } while (l0 < top);
  }

  // scenario_tile for levels l0 + 1 to l0 + N; the first block also marks rows and finds the
  // highest levels. GNU vectors (gcc and clang): 16 bytes, what every x86-64 has.
  template <std::size_t N>
  void level_block(std::size_t m, std::size_t l0) {
    using Bytes = std::int8_t __attribute__((vector_size(16)));
    constexpr std::size_t w = sizeof(Bytes);
    const bool first = l0 == 0, highest = first && plan_.need_highest;
    const Bytes bad_mark = Bytes{} + static_cast<std::int8_t>(PreparedColumn::kBad);
    for (std::size_t j = 0; j < m; j += w) {
      Bytes at[N + 1] = {}, con[N + 1] = {};  // N + 1: no array of size 0
      Bytes any = {}, high = {};  // the OR of the levels (negative: a cell not clean), the top
      for (std::size_t k = 0; k < plan_.scenarios; ++k) {
        Bytes rated;
        std::memcpy(&rated, &lev_[k * tile + j], w);
        any |= rated;
        if (highest) {
          const Bytes above = rated > high;
          high = (rated & above) | (high & ~above);
        }
        if constexpr (N > 0) {
          const bool constrains = plan_.constraint[k] != 0;
          for (std::size_t l = 0; l < N; ++l) {
            const Bytes over = rated > static_cast<std::int8_t>(l0 + l);  // -1 where at l0+l+1
            at[l] -= over;
            if (constrains) con[l] -= over;
          }
        }
      }
      if (first) {
        Bytes marks;
        std::memcpy(&marks, &mark_[j], w);
        marks |= (any < 0) & bad_mark;
        std::memcpy(&mark_[j], &marks, w);
        if (highest) std::memcpy(&highest_[j], &high, w);
      }
      for (std::size_t l = 0; l < N; ++l) {
        std::memcpy(&at_tile_[(l0 + l) * tile + j], &at[l], w);
        std::memcpy(&con_tile_[(l0 + l) * tile + j], &con[l], w);
      }
    }
  }

  // Every consistency rule a pair of leaves: each rule's tests along the tile, the rules each
  // row breaks as the bits of one word.
  void check_flat_rules(std::size_t m) {
    const auto& leaves = plan_.leaves;
    for (std::size_t k = 0; k < leaves.size(); ++k) {
      leaves[k].first.on_tile(m, tile, sel_.data(), lev_.data(), highest_.data(), when_.data());
      leaves[k].second.on_tile(m, tile, sel_.data(), lev_.data(), highest_.data(), then_.data());
      std::uint32_t* __restrict bits = broken_.data();
      const std::uint8_t* __restrict w = when_.data();
      const std::uint8_t* __restrict t = then_.data();
      for (std::size_t j = 0; j < m; ++j)
        bits[j] |= static_cast<std::uint32_t>(w[j] & (t[j] ^ 1)) << k;
    }
  }

  // The tile's scores and levels go out whole; rows that turn out otherwise overwrite them.
  void write_tile(std::size_t t0, std::size_t m) {
    for (std::size_t k = 0; k < plan_.scenarios; ++k)
      std::copy_n(&lev_[k * tile], m, &out_.scenario_levels[k * rows_ + t0]);
    std::fill_n(&out_.total[t0], m, 0);
    std::fill_n(&out_.level[t0], m, 0);
    for (std::size_t d = 0; d < plan_.dims; ++d) {
      std::copy_n(&pts_[d * tile], m, &out_.dim_points[d * rows_ + t0]);
      for (std::size_t j = 0; j < m; ++j) out_.total[t0 + j] += pts_[d * tile + j];
    }
  }

  // Row r, row j of the tile: the fast way when its cells are clean and the rules are flat;
  // the coder's check of the rules when its cells are clean; else the coder.
  void finish_row(std::size_t r, std::size_t j) {
    const bool clean = !(mark_[j] & PreparedColumn::kBad);
    if (!clean) zero(r);
    if (clean && plan_.flat_rules) {
      finish_flat(r, j);
    } else if (clean) {
      finish_clean(r, j);
    } else {
      finish_coded(r);
    }
  }

  // Every cell clean: the answers are the cells' options, and only the consistency rules
  // remain to check, each a test or two on the row's answers.
  void finish_flat(std::size_t r, std::size_t j) {
    if (const std::uint32_t bad = broken_[j] & plan_.error_rules) {
      zero(r);
      const auto k = static_cast<std::size_t>(std::countr_zero(bad));
      error(r, {detail::consistency_issue(index_.rules.consistency[k],
                                          Location{"<frame>", static_cast<int>(r + 1), 1})});
      return;
    }
    if (table_.warnings) {
      if (mark_[j] & PreparedColumn::kNoted) notes(r);
      for (std::uint32_t bits = broken_[j]; bits; bits &= bits - 1) {
        if (!said_.empty()) said_ += "; ";
        said_ += index_.rules.consistency[static_cast<std::size_t>(std::countr_zero(bits))].message;
      }
      say(r);
    }
    const std::int64_t total = out_.total[r];
    if (!plan_.byte_counts) {
      for (std::size_t k = 0; k < plan_.scenarios; ++k) row_levels_[k] = lev_[k * tile + j];
      rank(r, total, row_levels_.data());
      return;
    }
    out_.level[r] = plan_.levels.row_level(
        total, [&](std::size_t l) { return at_tile_[l * tile + j]; },
        [&](std::size_t l) { return con_tile_[l * tile + j]; });
  }

  // The same, with the coder's check of the consistency rules.
  void finish_clean(std::size_t r, std::size_t j) {
    c_.selected.resize(plan_.items);
    c_.levels.resize(plan_.scenarios);
    for (std::size_t i = 0; i < plan_.items; ++i) c_.selected[i] = sel_[i * tile + j];
    for (std::size_t k = 0; k < plan_.scenarios; ++k) c_.levels[k] = lev_[k * tile + j];
    coder_.check_rules(r, c_);
    if (!c_.ok()) {
      zero(r);
      error(r, std::move(c_.errors));
      return;
    }
    if (table_.warnings && (mark_[j] & PreparedColumn::kNoted)) notes(r);
    note(r);
    rank(r, out_.total[r], c_.levels.data());
  }

  // Any other row goes through the survey coder, for its exact messages; its points are
  // summed from the coded answers.
  void finish_coded(std::size_t r) {
    coder_.code(r, c_);
    if (!c_.ok()) {
      error(r, std::move(c_.errors));
      return;
    }
    note(r);
    std::fill(sub_points_.begin(), sub_points_.end(), 0);
    for (std::size_t i = 0; i < plan_.items; ++i) {
      std::int64_t p = 0;
      for (std::uint32_t mask = c_.selected[i]; mask; mask &= mask - 1)
        p += index_.items[i]
                 ->options[static_cast<std::size_t>(std::countr_zero(mask))]
                 .points.thousandths();
      sub_points_[plan_.item_sub[i]] += p;
    }
    std::int64_t total = 0;
    for (std::size_t k = 0; k < plan_.subs; ++k) {
      out_.dim_points[plan_.sub_dim[k] * rows_ + r] += sub_points_[k];
      total += sub_points_[k];
    }
    rank(r, total, c_.levels.data());
  }

  // Row r holds no scores (its scenario levels are cleared by error()).
  void zero(std::size_t r) {
    out_.total[r] = 0;
    for (std::size_t d = 0; d < plan_.dims; ++d) out_.dim_points[d * rows_ + r] = 0;
    for (std::size_t k = 0; k < plan_.scenarios; ++k) out_.scenario_levels[k * rows_ + r] = 0;
  }

  // Row r has errors: the first one's message is its text, and all of them its issues.
  // The text is every message, in Chinese, as the CSV output's error cell has it.
  void error(std::size_t r, std::vector<Issue> all) {
    std::string text;
    for (const Issue& i : all) {
      if (!text.empty()) text += "；";
      text += message_text(i, Lang::zh);
    }
    errors.entries.emplace_back(r, std::move(text));
    issues.emplace_back(r, std::move(all));
    for (std::size_t k = 0; k < plan_.scenarios; ++k) out_.scenario_levels[k * rows_ + r] = 0;
  }

  // The notes of the band cells of row r read with one, in column order.
  void notes(std::size_t r) {
    for (const auto& col : read_.columns) {
      const Cell* cell = col.cell(r);
      if (!cell || cell->note.empty()) continue;
      if (!said_.empty()) said_ += "; ";
      said_ += message_text(cell->note.front(), table_.lang);
    }
  }

  void say(std::size_t r) {
    if (!said_.empty()) warnings.entries.emplace_back(r, std::move(said_));
    said_.clear();
  }

  // The coded row's warnings, then the messages of the rules it fired.
  void note(std::size_t r) {
    if (!table_.warnings) return;
    for (const auto& w : c_.warnings) {
      if (!said_.empty()) said_ += "; ";
      said_ += message_text(w, table_.lang);
    }
    for (std::uint16_t k : c_.fired) {
      if (!said_.empty()) said_ += "; ";
      said_ += index_.rules.consistency[k].message;
    }
    say(r);
  }

  // The level of row r from its total and scenario levels; the levels go to the output.
  void rank(std::size_t r, std::int64_t total, const std::int8_t* levels) {
    const std::size_t top = plan_.top;
    out_.total[r] = total;
    std::fill(hist_.begin(), hist_.end(), 0);
    std::fill(chist_.begin(), chist_.end(), 0);
    for (std::size_t k = 0; k < plan_.scenarios; ++k) {
      out_.scenario_levels[k * rows_ + r] = levels[k];
      const auto l = static_cast<std::size_t>(std::clamp<int>(levels[k], 0, plan_.levels.top()));
      ++hist_[l];
      chist_[l] += plan_.constraint[k];
    }
    // at_[l]: scenarios at level l + 1 or above.
    std::int32_t a = 0, b = 0;
    for (std::size_t l = top; l > 0; --l) {
      a += hist_[l];
      b += chist_[l];
      at_[l - 1] = a;
      con_[l - 1] = b;
    }
    out_.level[r] = plan_.levels.level(total, at_.data(), con_.data());
  }

  const ScorePlan& plan_;
  const ReadColumns& read_;
  const RowCoder& coder_;
  const detail::RuleIndex& index_;
  const ColumnarSurveys& table_;
  ColumnarScores& out_;
  const std::size_t rows_;

  // A row's own: the coded survey of the rows that need one, its warnings text, its counts.
  CodedSurvey c_;
  std::string said_;
  std::vector<std::int64_t> sub_points_;
  std::vector<std::int32_t> at_, con_;
  std::vector<std::int8_t> row_levels_;
  std::vector<std::int32_t> hist_, chist_;
  // A tile's, column by column (`tile` rows a column).
  std::vector<std::uint32_t> sel_;                // items x tile
  std::vector<std::int8_t> lev_;                  // scenarios x tile
  std::vector<std::int64_t> pts_;                 // dimensions x tile
  std::vector<std::uint8_t> mark_;                // the OR of the row's cells' flags
  std::vector<std::int8_t> highest_;              // each row's highest scenario level
  std::vector<std::uint8_t> at_tile_, con_tile_;  // levels x tile, with byte_counts
  std::vector<std::uint32_t> broken_;             // bit k: consistency rule k fails
  std::vector<std::int32_t> totals_;              // tile_levels' scratch
  std::vector<std::uint8_t> when_, then_;
};

// --- Step 5: the texts in row order ---

// Each slice's errors and warnings, by its first row, joined in row order.
void join_texts(std::vector<std::pair<std::size_t, SliceScorer*>>& slices, ColumnarScores& out) {
  std::sort(slices.begin(), slices.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [begin, slice] : slices) {
    for (auto& e : slice->errors.entries) out.errors.entries.push_back(std::move(e));
    for (auto& i : slice->issues) out.issues.push_back(std::move(i));
    for (auto& w : slice->warnings.entries) out.warnings.entries.push_back(std::move(w));
  }
}

}  // namespace

ColumnarScores score_columns(const Engine& engine, const ColumnarSurveys& given,
                             MissingPolicy missing, unsigned threads) {
  ColumnarScores out;
  score_columns(engine, given, missing, threads, out);
  return out;
}

void score_columns(const Engine& engine, const ColumnarSurveys& given, MissingPolicy missing,
                   unsigned threads, ColumnarScores& out) {
  const detail::RuleIndex& index = detail::EngineAccess::index(engine);
  std::optional<FigureColumns> figures;
  const ColumnarSurveys& table = with_figures(index, given, figures);
  const std::size_t rows = table.rows;
  const ReadColumns read = read_columns(index, table, threads);
  const RowCoder coder(index, table, read, missing);
  const ScorePlan plan(index);

  out.errors.entries.clear();
  out.warnings.entries.clear();
  // Not zeroed: each slice writes every row of its own, and the pages are first touched by the
  // thread that scores them.
  out.total.resize(rows);
  out.dim_points.resize(rows * plan.dims);
  out.level.resize(rows);
  out.scenario_levels.resize(rows * plan.scenarios);
  if (out.frame_units) out.level_bytes.resize(rows);

  std::mutex joining;
  std::vector<std::unique_ptr<SliceScorer>> scorers;
  std::vector<std::pair<std::size_t, SliceScorer*>> slices;
  // Slices of at least 1,024 rows, so small tables are not split across threads for nothing.
  detail::parallel_slices(rows, std::min(detail::thread_count(threads), (rows + 1023) / 1024),
                          [&](std::size_t begin, std::size_t end) {
                            auto scorer =
                                std::make_unique<SliceScorer>(plan, read, coder, index, table, out);
                            scorer->run(begin, end);
                            const std::lock_guard<std::mutex> lock(joining);
                            slices.emplace_back(begin, scorer.get());
                            scorers.push_back(std::move(scorer));
                          });
  join_texts(slices, out);
}

std::vector<CodedSurvey> code_columns(const Engine& engine, const ColumnarSurveys& given,
                                      MissingPolicy missing, unsigned threads) {
  const detail::RuleIndex& index = detail::EngineAccess::index(engine);
  std::optional<FigureColumns> figures;
  const ColumnarSurveys& table = with_figures(index, given, figures);
  const ReadColumns read = read_columns(index, table, threads);
  const RowCoder coder(index, table, read, missing);
  std::vector<CodedSurvey> out(table.rows);
  detail::parallel_slices(table.rows,
                          std::min(detail::thread_count(threads), (table.rows + 255) / 256),
                          [&](std::size_t begin, std::size_t end) {
                            for (std::size_t r = begin; r < end; ++r) coder.code_whole(r, out[r]);
                          });
  return out;
}

void to_frame_units(ColumnarScores& scores, ScoreColumn<std::int8_t>& level, unsigned threads) {
  const std::size_t rows = scores.total.size();
  level.resize(rows);
  detail::parallel_slices(rows, std::min(detail::thread_count(threads), (rows + 65535) / 65536),
                          [&](std::size_t begin, std::size_t end) {
                            frame_units_of(scores, rows, begin, end, level.data());
                          });
}

std::string_view RowTexts::at(std::size_t row) const noexcept {
  const auto it = std::lower_bound(entries.begin(), entries.end(), row,
                                   [](const auto& e, std::size_t r) { return e.first < r; });
  return it != entries.end() && it->first == row ? std::string_view(it->second)
                                                 : std::string_view();
}

}  // namespace smedx
