#include "smedx/columnar.h"

#include <algorithm>
#include <bit>
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
  std::string unreadable;             // the cell is not an answer of any form (as in CSV)
  std::uint32_t mask = 0;             // item cells: the options selected
  std::vector<std::string> problems;  // item cells: what is wrong with the answer
  int level = 0;                      // scenario cells
  std::string problem;                // scenario cells: a level outside the rule's range
  std::string note;                   // how a band percentage of at most 1 was read
  bool clean = false;                 // nothing wrong with the cell (a note aside)
  std::int64_t points = 0;            // clean item cells: the points of the options selected
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

}  // namespace

ColumnarScores score_columns(const Engine& engine, const ColumnarSurveys& table,
                             MissingPolicy missing, unsigned threads) {
  const detail::RuleIndex& index = detail::EngineAccess::index(engine);
  const RuleSet& rules = engine.rules();
  const std::size_t rows = table.rows;
  const int top_level = rules.level_rule.top_level();

  // Read and check each distinct value once, as the CSV reader and the coder would, then pack
  // what the row loop reads of it; in chunks of values on the scoring threads, since columns of
  // many values (every combination of a multi answer's options) take a while.
  std::vector<PreparedColumn> columns;
  std::size_t distinct = 0;
  for (const auto& col : table.columns) {
    const auto item = index.item_by_name.find(col.name);
    const auto scenario = item ? std::nullopt : index.scenario_by_name.find(col.name);
    if (!item && !scenario) continue;
    PreparedColumn& p = columns.emplace_back();
    p.column = &col;
    p.scenario = scenario.has_value();
    p.index = item ? *item : *scenario;
    distinct += col.values.size();
  }
  // Values [begin, end) of a column, each on its own: a column of many values (every
  // combination of data_collection's 14 options) is read in chunks on all the threads.
  auto read_cells = [&](PreparedColumn& p, std::size_t begin, std::size_t end) {
    const ColumnarSurveys::Column& col = *p.column;
    for (std::size_t v = begin; v < end; ++v) {
      Cell& cell = p.cells[v];
      if (p.scenario) {
        if (auto bad = detail::cell_level(col.values[v], col.name, cell.level)) {
          cell.unreadable = std::move(*bad);
        } else if (cell.level < 0 || cell.level > top_level) {
          cell.problem = fmt::format("scenario level {} for '{}' is outside 0–{}", cell.level,
                                     rules.scenarios[p.index].id, top_level);
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
      if (auto bad =
              detail::cell_answer(col.values[v], it.kind == ItemKind::multi, col.name, answer)) {
        cell.unreadable = std::move(*bad);
        continue;
      }
      detail::AnswerView view;
      view.kind = answer.kind;
      view.list = answer.list;
      view.letters = answer.letters;
      view.percent = answer.percent;
      cell.mask = detail::code_answer(it, view, cell.problems, &cell.note);
    }
  };
  auto prepare = [&](PreparedColumn& p) {
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
      const auto flags =
          static_cast<std::uint8_t>((cell.clean ? 0 : PreparedColumn::kBad) |
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
  };
  {
    constexpr std::size_t chunk = 1024;
    std::vector<std::pair<std::size_t, std::size_t>> chunks;  // (column, first value)
    for (std::size_t k = 0; k < columns.size(); ++k) {
      columns[k].cells.resize(columns[k].column->values.size());
      for (std::size_t v = 0; v < columns[k].cells.size(); v += chunk) chunks.emplace_back(k, v);
    }
    // Threads only for values enough to pay for them.
    const std::size_t workers =
        std::min({detail::thread_count(threads), chunks.size(), distinct / 4096 + 1});
    detail::parallel_tasks(chunks.size(), workers, [&](std::size_t c) {
      const auto [k, v] = chunks[c];
      read_cells(columns[k], v, std::min(v + chunk, columns[k].cells.size()));
    });
    for (PreparedColumn& p : columns) prepare(p);  // a short pass over each column's values
  }

  // When every item and scenario has exactly one column, a row whose cells are all clean codes
  // without the survey coder: its answers are the cells' options, and only the consistency
  // rules remain to check. Any other row goes through the coder, for its exact messages.
  bool complete = true;
  {
    std::vector<int> items_seen(index.items.size()), scenarios_seen(rules.scenarios.size());
    for (const auto& col : columns) ++(col.scenario ? scenarios_seen : items_seen)[col.index];
    for (int k : items_seen) complete = complete && k == 1;
    for (int k : scenarios_seen) complete = complete && k == 1;
  }

  // Where each item's points go, and each option's points, for summing rows straight from the
  // coded answers: with one selected option set per item, the product of the one-hot answers
  // with the points is a gather, which this does without the zeros a dense product would carry.
  const std::size_t items = index.items.size(), scenarios = rules.scenarios.size();
  std::vector<std::size_t> item_sub, sub_dim;
  for (std::size_t d = 0; d < rules.dimensions.size(); ++d) {
    for (const auto& sub : rules.dimensions[d].sub_indicators) {
      for (std::size_t k = 0; k < sub.items.size(); ++k) item_sub.push_back(sub_dim.size());
      sub_dim.push_back(d);
    }
  }
  const std::size_t subs = sub_dim.size(), dims = rules.dimensions.size();
  const std::size_t top = static_cast<std::size_t>(top_level);

  ColumnarScores out;
  // Not zeroed: each slice writes every row of its own, and the pages are first touched by the
  // thread that scores them.
  out.total.resize(rows);
  out.dim_points.resize(rows * dims);
  out.level.resize(rows);
  out.scenario_levels.resize(rows * scenarios);

  std::vector<std::size_t> item_dim(items);
  for (std::size_t i = 0; i < items; ++i) item_dim[i] = sub_dim[item_sub[i]];
  // With fewer than 256 scenarios, a tile's counts of scenarios at each level or above (and of
  // constraint scenarios among them) are bytes, added along the tile a column at a time, and the
  // level of a row is a few comparisons with the rule's minimums.
  const bool byte_counts = scenarios < 256;
  const detail::LevelTable level_table(rules.level_rule);
  std::vector<std::pair<Leaf, Leaf>> leaves;  // when, then; one per rule when all are leaves
  for (const auto& rule : index.consistency) {
    auto when = Leaf::of(rule.when), then = Leaf::of(rule.then);
    if (!when || !then) {
      leaves.clear();
      break;
    }
    leaves.emplace_back(*when, *then);
  }
  // Up to 32 rules, so that a row's broken rules are the bits of one word.
  const bool flat_rules = leaves.size() == index.consistency.size() && leaves.size() <= 32;
  bool need_highest = false;  // each row's highest scenario level, for the leaves that test it
  for (const auto& [when, then] : leaves)
    for (const Leaf& leaf : {when, then})
      need_highest = need_highest || leaf.kind == Condition::Kind::any_scenario_at_least;
  std::uint32_t error_rules = 0;  // flat_rules: bit k set when rule k is an error
  for (std::size_t k = 0; flat_rules && k < leaves.size(); ++k)
    if (rules.consistency[k].severity == Severity::error) error_rules |= std::uint32_t{1} << k;
  std::vector<int> constraint(scenarios);
  for (std::size_t k = 0; k < scenarios; ++k) constraint[k] = rules.scenarios[k].constraint;

  // Rows [begin, end) on one thread. Slices are disjoint: nothing mutable is shared but the
  // texts, which each slice collects apart and which are joined in row order at the end.
  std::mutex joining;
  std::vector<std::pair<std::size_t, std::pair<RowTexts, RowTexts>>> slice_texts;
  auto work = [&](std::size_t begin, std::size_t end) {
    CodedSurvey c;
    RowTexts errors, warnings;
    std::string first_unreadable, said;
    std::vector<std::int64_t> sub_points(subs);
    std::vector<std::int32_t> at(top), con(top);
    std::vector<std::int8_t> row_levels(scenarios);
    const Location frame{"<frame>", 0, 1};
    auto error = [&](std::size_t r, const std::string& message) {
      errors.entries.emplace_back(r, message);
      for (std::size_t k = 0; k < scenarios; ++k) out.scenario_levels[k * rows + r] = 0;
    };
    // The notes of the band cells of row r read with one, in column order.
    auto notes = [&](std::size_t r) {
      for (const auto& col : columns) {
        const std::int64_t code = col.column->codes[r];
        if (code < 0 || col.cells[static_cast<std::size_t>(code)].note.empty()) continue;
        if (!said.empty()) said += "; ";
        said += col.cells[static_cast<std::size_t>(code)].note;
      }
    };
    auto say = [&](std::size_t r) {
      if (!said.empty()) warnings.entries.emplace_back(r, std::move(said));
      said.clear();
    };

    // The level of row r from its total and scenario levels; the levels go to the output.
    std::vector<std::int32_t> hist(top + 1), chist(top + 1);
    auto rank = [&](std::size_t r, std::int64_t total, const std::int8_t* levels) {
      out.total[r] = total;
      std::fill(hist.begin(), hist.end(), 0);
      std::fill(chist.begin(), chist.end(), 0);
      for (std::size_t k = 0; k < scenarios; ++k) {
        out.scenario_levels[k * rows + r] = levels[k];
        const auto l = static_cast<std::size_t>(std::clamp<int>(levels[k], 0, top_level));
        ++hist[l];
        chist[l] += constraint[k];
      }
      // at[l]: scenarios at level l + 1 or above.
      std::int32_t a = 0, b = 0;
      for (std::size_t l = top; l > 0; --l) {
        a += hist[l];
        b += chist[l];
        at[l - 1] = a;
        con[l - 1] = b;
      }
      out.level[r] = level_table.level(total, at.data(), con.data());
    };
    auto note = [&](std::size_t r) {
      if (!table.warnings) return;
      for (const auto& w : c.warnings) {
        if (!said.empty()) said += "; ";
        said += w.message;
      }
      for (std::uint16_t k : c.fired) {
        if (!said.empty()) said += "; ";
        said += rules.consistency[k].message;
      }
      say(r);
    };

    // Tiles of rows, read column by column (each column's codes in order, the tile's answers
    // staying in cache), then finished row by row.
    constexpr std::size_t tile = 1024;
    std::vector<std::uint32_t> sel(tile * items);
    std::vector<std::int8_t> lev(tile * scenarios);
    std::vector<std::int64_t> pts(tile * dims);  // dimensions x tile
    std::vector<std::uint8_t> mark(tile);        // the OR of the row's cells' flags
    std::vector<std::int8_t> highest(tile);      // each row's highest scenario level
    std::vector<std::uint8_t> at_tile(top * tile), con_tile(top * tile);  // byte_counts
    std::vector<std::uint32_t> broken(tile);  // bit k: consistency rule k fails
    std::vector<std::uint8_t> when(tile), then(tile);
    for (std::size_t t0 = begin; t0 < end; t0 += tile) {
      const std::size_t m = std::min(end - t0, tile);
      std::fill_n(mark.begin(), m, complete ? 0 : PreparedColumn::kBad);
      std::fill_n(pts.begin(), tile * dims, 0);
      std::fill_n(highest.begin(), m, 0);
      std::fill(at_tile.begin(), at_tile.end(), 0);
      std::fill(con_tile.begin(), con_tile.end(), 0);
      std::fill_n(broken.begin(), m, 0);
      if (table.has_id)
        for (std::size_t j = 0; j < m; ++j)
          if (!table.has_id[t0 + j]) mark[j] = PreparedColumn::kBad;
      for (const auto& col : columns) {
        // Codes of their own width (a categorical's bytes, whole numbers), read in place.
        col.column->codes.visit([&](const auto* column_codes) {
          const auto* __restrict codes = column_codes + t0;
          // Entry 0 is a missing cell: codes are shifted by one, so no cell needs a branch.
          const PreparedColumn::Packed* __restrict cells = col.packed.data() + 1;
          const std::size_t at_item = col.index, d = col.scenario ? 0 : item_dim[col.index];
          std::uint8_t* __restrict marks = mark.data();
          if (col.scenario) {
            // The levels, -1 for a cell that is not clean; then, along the tile, the row marks
            // and counts from them, a byte a row.
            const std::int8_t* __restrict level_of = col.levels.data() + 1;
            std::int8_t* __restrict rated = &lev[at_item * tile];
            if (col.codes_are_levels) {  // a narrowing and a select the compiler vectorises
              const std::int8_t limit = col.level_limit;
              for (std::size_t j = 0; j < m; ++j) {
                const auto code = static_cast<std::int8_t>(codes[j]);
                rated[j] = code < limit ? code : std::int8_t{-1};
              }
            } else {
              for (std::size_t j = 0; j < m; ++j) rated[j] = level_of[codes[j]];
            }
            for (std::size_t j = 0; j < m; ++j)
              marks[j] |= static_cast<std::uint8_t>(rated[j] < 0 ? PreparedColumn::kBad : 0);
            if (byte_counts) {
              const bool constrains = constraint[at_item] != 0;
              for (std::size_t l = 0; l < top; ++l) {
                const auto above = static_cast<std::int8_t>(l + 1);
                std::uint8_t* __restrict at_least = &at_tile[l * tile];
                for (std::size_t j = 0; j < m; ++j) at_least[j] += rated[j] >= above ? 1 : 0;
                if (!constrains) continue;
                std::uint8_t* __restrict con_least = &con_tile[l * tile];
                for (std::size_t j = 0; j < m; ++j) con_least[j] += rated[j] >= above ? 1 : 0;
              }
            }
            if (need_highest) {
              std::int8_t* __restrict high = highest.data();
              for (std::size_t j = 0; j < m; ++j) high[j] = std::max(high[j], rated[j]);
            }
          } else {
            std::uint32_t* __restrict answers = &sel[at_item * tile];
            std::int64_t* __restrict points = &pts[d * tile];
            if (col.all_clean && !any_missing(codes, m)) {  // nothing to mark
              for (std::size_t j = 0; j < m; ++j) {
                const PreparedColumn::Packed& cell = cells[codes[j]];
                answers[j] = cell.value;
                points[j] += cell.points;
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
      if (flat_rules) {
        for (std::size_t k = 0; k < leaves.size(); ++k) {
          leaves[k].first.on_tile(m, tile, sel.data(), lev.data(), highest.data(), when.data());
          leaves[k].second.on_tile(m, tile, sel.data(), lev.data(), highest.data(), then.data());
          std::uint32_t* __restrict bits = broken.data();
          const std::uint8_t* __restrict w = when.data();
          const std::uint8_t* __restrict t = then.data();
          for (std::size_t j = 0; j < m; ++j)
            bits[j] |= static_cast<std::uint32_t>(w[j] & (t[j] ^ 1)) << k;
        }
      }
      // The tile's scores and levels go out whole; rows that turn out otherwise overwrite them.
      for (std::size_t k = 0; k < scenarios; ++k)
        std::copy_n(&lev[k * tile], m, &out.scenario_levels[k * rows + t0]);
      std::fill_n(&out.total[t0], m, 0);
      std::fill_n(&out.level[t0], m, 0);
      for (std::size_t d = 0; d < dims; ++d) {
        std::copy_n(&pts[d * tile], m, &out.dim_points[d * rows + t0]);
        for (std::size_t j = 0; j < m; ++j) out.total[t0 + j] += pts[d * tile + j];
      }
      for (std::size_t j = 0; j < m; ++j) {
        const std::size_t r = t0 + j;
        const bool clean = !(mark[j] & PreparedColumn::kBad);
        if (!clean) {
          out.total[r] = 0;
          for (std::size_t d = 0; d < dims; ++d) out.dim_points[d * rows + r] = 0;
          for (std::size_t k = 0; k < scenarios; ++k) out.scenario_levels[k * rows + r] = 0;
        }
        if (clean && flat_rules) {
          // Every cell clean: the answers are the cells' options, and only the consistency rules
          // remain to check, each a test or two on the row's answers.
          if (const std::uint32_t bad = broken[j] & error_rules) {
            out.total[r] = 0;
            for (std::size_t d = 0; d < dims; ++d) out.dim_points[d * rows + r] = 0;
            error(r, rules.consistency[static_cast<std::size_t>(std::countr_zero(bad))].message);
            continue;
          }
          if (table.warnings) {
            if (mark[j] & PreparedColumn::kNoted) notes(r);
            for (std::uint32_t bits = broken[j]; bits; bits &= bits - 1) {
              if (!said.empty()) said += "; ";
              said += rules.consistency[static_cast<std::size_t>(std::countr_zero(bits))].message;
            }
            say(r);
          }
          const std::int64_t total = out.total[r];
          if (!byte_counts) {
            for (std::size_t k = 0; k < scenarios; ++k) row_levels[k] = lev[k * tile + j];
            rank(r, total, row_levels.data());
            continue;
          }
          out.level[r] = level_table.row_level(
              total, [&](std::size_t l) { return at_tile[l * tile + j]; },
              [&](std::size_t l) { return con_tile[l * tile + j]; });
          continue;
        }
        if (clean) {  // the same, with the coder's check of the consistency rules
          c.selected.resize(items);
          c.levels.resize(scenarios);
          for (std::size_t i = 0; i < items; ++i) c.selected[i] = sel[i * tile + j];
          for (std::size_t k = 0; k < scenarios; ++k) c.levels[k] = lev[k * tile + j];
          c.errors.clear();
          c.warnings.clear();
          c.fired.clear();
          for (const ConsistencyRule* rule : detail::failing_rules(index, c)) {
            if (rule->severity == Severity::error) {
              Location where = frame;
              where.line = static_cast<int>(r + 1);
              c.errors.push_back(
                  Issue{rule->severity, rule->message, "consistency." + rule->id, where, ""});
            } else {
              c.fired.push_back(static_cast<std::uint16_t>(rule - rules.consistency.data()));
            }
          }
          if (!c.ok()) {
            out.total[r] = 0;
            for (std::size_t d = 0; d < dims; ++d) out.dim_points[d * rows + r] = 0;
            error(r, c.errors.front().message);
            continue;
          }
          if (table.warnings && (mark[j] & PreparedColumn::kNoted)) notes(r);
          note(r);
          rank(r, out.total[r], c.levels.data());
          continue;
        }

        // Any other row goes through the survey coder, for its exact messages.
        first_unreadable.clear();
        for (const auto& col : columns) {
          const std::int64_t code = col.column->codes[r];
          if (code >= 0 && !col.cells[static_cast<std::size_t>(code)].unreadable.empty()) {
            first_unreadable = col.cells[static_cast<std::size_t>(code)].unreadable;
            break;
          }
        }
        if (!first_unreadable.empty()) {  // a row that does not read reports only that, as in CSV
          error(r, first_unreadable);
          continue;
        }
        std::vector<const std::string*> cell_notes;
        {
          const Location where{"<frame>", static_cast<int>(r + 1), 1};
          detail::SurveyCoder coder(index, missing, c, where);
          coder.enterprise_id(table.has_id && !table.has_id[r] ? "" : "-");
          for (const auto& col : columns) {
            const std::int64_t code = col.column->codes[r];
            if (code < 0) continue;
            const Cell& cell = col.cells[static_cast<std::size_t>(code)];
            if (col.scenario) {
              coder.coded_scenario(col.index, col.column->name, cell.level, cell.problem);
            } else {
              coder.coded_answer(col.index, col.column->name, cell.mask, cell.problems);
              if (!cell.note.empty()) cell_notes.push_back(&cell.note);
            }
          }
          coder.finish();
        }
        for (const std::string* n : cell_notes)
          c.warnings.push_back(Issue{Severity::warning, *n, "", Location{"<frame>", 0, 1}, ""});
        if (!c.ok()) {
          error(r, c.errors.front().message);
          continue;
        }
        note(r);
        std::fill(sub_points.begin(), sub_points.end(), 0);
        for (std::size_t i = 0; i < items; ++i) {
          std::int64_t p = 0;
          for (std::uint32_t mask = c.selected[i]; mask; mask &= mask - 1)
            p += index.items[i]
                     ->options[static_cast<std::size_t>(std::countr_zero(mask))]
                     .points.thousandths();
          sub_points[item_sub[i]] += p;
        }
        std::int64_t total = 0;
        for (std::size_t k = 0; k < subs; ++k) {
          out.dim_points[sub_dim[k] * rows + r] += sub_points[k];
          total += sub_points[k];
        }
        rank(r, total, c.levels.data());
      }
    }
    const std::lock_guard<std::mutex> lock(joining);
    slice_texts.emplace_back(begin, std::pair{std::move(errors), std::move(warnings)});
  };

  // Slices of at least 1,024 rows, so small tables are not split across threads for nothing.
  detail::parallel_slices(rows, std::min(detail::thread_count(threads), (rows + 1023) / 1024),
                          work);
  std::sort(slice_texts.begin(), slice_texts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [begin, texts] : slice_texts) {
    for (auto& e : texts.first.entries) out.errors.entries.push_back(std::move(e));
    for (auto& w : texts.second.entries) out.warnings.entries.push_back(std::move(w));
  }
  return out;
}

std::string_view RowTexts::at(std::size_t row) const noexcept {
  const auto it = std::lower_bound(entries.begin(), entries.end(), row,
                                   [](const auto& e, std::size_t r) { return e.first < r; });
  return it != entries.end() && it->first == row ? std::string_view(it->second)
                                                 : std::string_view();
}

}  // namespace smedx
