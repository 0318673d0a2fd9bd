#include "smedx/columnar.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "cell.h"
#include "parallel.h"
#include "survey_coder.h"

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
  bool clean = false;                 // nothing to say about the cell
  std::int64_t points = 0;            // clean item cells: the points of the options selected
};

struct PreparedColumn {
  const ColumnarSurveys::Column* column;
  bool scenario;
  std::uint32_t index;      // item or scenario index
  std::vector<Cell> cells;  // one per distinct value
  // What the row loop reads of each cell, packed: the answer's options or the level, points.
  struct Packed {
    std::uint32_t value = 0;
    bool clean = false;
    std::int64_t points = 0;
  };
  std::vector<Packed> packed;
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
  // column): the kind is chosen once, and each loop runs along one column.
  void on_tile(std::size_t m, std::size_t tile, const std::uint32_t* selected,
               const std::int8_t* levels, const std::int8_t* highest,
               std::uint8_t* out) const noexcept {
    using K = Condition::Kind;
    const std::uint32_t* answers = selected + target * tile;
    const std::int8_t* rated = levels + target * tile;
    switch (kind) {
      case K::has:
      case K::has_all:
        for (std::size_t j = 0; j < m; ++j) out[j] = ((answers[j] & letters) == letters) != negate;
        break;
      case K::has_any:
        for (std::size_t j = 0; j < m; ++j) out[j] = ((answers[j] & letters) != 0) != negate;
        break;
      case K::scenario_at_least:
        for (std::size_t j = 0; j < m; ++j) out[j] = (rated[j] >= level) != negate;
        break;
      case K::any_scenario_at_least:
        for (std::size_t j = 0; j < m; ++j) out[j] = (highest[j] >= level) != negate;
        break;
      default:
        break;
    }
  }
};

}  // namespace

ColumnarScores score_columns(const Engine& engine, const ColumnarSurveys& table,
                             MissingPolicy missing, unsigned threads) {
  const detail::RuleIndex& index = detail::EngineAccess::index(engine);
  const RuleSet& rules = engine.rules();
  const std::size_t rows = table.rows;
  const int top_level = rules.level_rule.top_level();

  // Read and check each distinct value once, as the CSV reader and the coder would.
  std::vector<PreparedColumn> columns;
  for (const auto& col : table.columns) {
    const auto item = index.item_by_name.find(col.name);
    const auto scenario = item ? std::nullopt : index.scenario_by_name.find(col.name);
    if (!item && !scenario) continue;
    PreparedColumn p{&col, scenario.has_value(), item ? *item : *scenario, {}, {}};
    p.cells.resize(col.values.size());
    for (std::size_t v = 0; v < col.values.size(); ++v) {
      Cell& cell = p.cells[v];
      if (scenario) {
        if (auto bad = detail::cell_level(col.values[v], col.name, cell.level)) {
          cell.unreadable = std::move(*bad);
        } else if (cell.level < 0 || cell.level > top_level) {
          cell.problem = fmt::format("scenario level {} for '{}' is outside 0–{}", cell.level,
                                     rules.scenarios[p.index].id, top_level);
        }
        continue;
      }
      const Item& it = *index.items[p.index];
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
      // A cell read with a warning is not clean: its row goes the slow way, which reports it.
      cell.mask = detail::code_answer(it, view, cell.problems, &cell.note);
    }
    for (Cell& cell : p.cells)
      cell.clean = cell.unreadable.empty() && cell.problems.empty() && cell.problem.empty() &&
                   cell.note.empty();
    columns.push_back(std::move(p));
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
  out.total.assign(rows, 0);
  out.dim_points.assign(rows * dims, 0);
  out.level.assign(rows, 0);
  out.scenario_levels.assign(rows * scenarios, 0);
  out.errors.assign(rows, {});
  out.warnings.assign(rows, {});

  std::vector<std::size_t> item_dim(items);
  for (std::size_t i = 0; i < items; ++i) item_dim[i] = sub_dim[item_sub[i]];
  for (auto& col : columns) {
    if (col.scenario) continue;
    for (Cell& cell : col.cells) {
      if (!cell.clean) continue;
      for (std::uint32_t mask = cell.mask; mask; mask &= mask - 1)
        cell.points += index.items[col.index]
                           ->options[static_cast<std::size_t>(std::countr_zero(mask))]
                           .points.thousandths();
    }
  }
  // With at most 4 levels, a scenario cell adds to its row's counts of scenarios above each
  // level (byte l) and of constraint scenarios among them (byte 4 + l) in one addition.
  const bool packed_counts = top <= 4 && scenarios < 256;
  for (auto& col : columns) {
    for (const Cell& cell : col.cells) {
      std::int64_t add = cell.points;
      if (col.scenario && packed_counts && cell.clean) {
        std::uint64_t counts = 0;
        for (int l = 0; l < cell.level; ++l) {
          counts += std::uint64_t{1} << (8 * l);
          if (rules.scenarios[col.index].constraint) counts += std::uint64_t{1} << (8 * (4 + l));
        }
        add = static_cast<std::int64_t>(counts);
      }
      col.packed.push_back(
          {col.scenario ? static_cast<std::uint32_t>(cell.level) : cell.mask, cell.clean, add});
    }
  }
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
  std::vector<int> constraint(scenarios);
  for (std::size_t k = 0; k < scenarios; ++k) constraint[k] = rules.scenarios[k].constraint;

  // Rows [begin, end) on one thread. Slices are disjoint: nothing mutable is shared.
  auto work = [&](std::size_t begin, std::size_t end) {
    CodedSurvey c;
    std::string first_unreadable;
    std::vector<std::int64_t> sub_points(subs);
    std::vector<std::int32_t> at(top), con(top);
    const Location frame{"<frame>", 0, 1};

    // The level of row r from its total and scenario levels; the levels go to the output.
    std::vector<std::int32_t> hist(top + 1), chist(top + 1);
    std::vector<std::uint16_t> fired;
    auto rank = [&](std::size_t r, std::int64_t total, const std::int8_t* levels) {
      out.total[r] = total;
      std::fill(hist.begin(), hist.end(), 0);
      std::fill(chist.begin(), chist.end(), 0);
      for (std::size_t k = 0; k < scenarios; ++k) {
        out.scenario_levels[r * scenarios + k] = levels[k];
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
      out.level[r] = detail::level_for(rules.level_rule, total, at.data(), con.data());
    };
    auto note = [&](std::size_t r) {
      if (!table.warnings) return;
      for (const auto& w : c.warnings) {
        if (!out.warnings[r].empty()) out.warnings[r] += "; ";
        out.warnings[r] += w.message;
      }
      for (std::uint16_t k : c.fired) {
        if (!out.warnings[r].empty()) out.warnings[r] += "; ";
        out.warnings[r] += rules.consistency[k].message;
      }
    };

    // Tiles of rows, read column by column (each column's codes in order, the tile's answers
    // staying in cache), then finished row by row.
    constexpr std::size_t tile = 1024;
    std::vector<std::uint32_t> sel(tile * items);
    std::vector<std::int8_t> lev(tile * scenarios);
    std::vector<std::int64_t> pts(tile * dims);
    std::vector<std::uint8_t> slow(tile);
    std::vector<std::int8_t> high(tile);      // each row's highest scenario level
    std::vector<std::uint64_t> counts(tile);  // packed counts of levels (packed_counts)
    std::vector<std::uint32_t> broken(tile);  // bit k: consistency rule k fails
    std::vector<std::uint8_t> when(tile), then(tile);
    for (std::size_t t0 = begin; t0 < end; t0 += tile) {
      const std::size_t m = std::min(end - t0, tile);
      std::fill_n(slow.begin(), m, complete ? 0 : 1);
      std::fill_n(pts.begin(), m * dims, 0);
      std::fill_n(high.begin(), m, 0);
      std::fill_n(counts.begin(), m, 0);
      std::fill_n(broken.begin(), m, 0);
      if (table.has_id)
        for (std::size_t j = 0; j < m; ++j) slow[j] |= !table.has_id[t0 + j];
      for (const auto& col : columns) {
        const std::int32_t* codes = col.column->codes + t0;
        const PreparedColumn::Packed* cells = col.packed.data();
        const std::size_t at_item = col.index, d = col.scenario ? 0 : item_dim[col.index];
        if (col.scenario) {
          for (std::size_t j = 0; j < m; ++j) {
            const std::int32_t code = codes[j];
            if (code < 0 || !cells[code].clean) {
              slow[j] = 1;
              continue;
            }
            const auto level = static_cast<std::int8_t>(cells[code].value);
            lev[at_item * tile + j] = level;
            high[j] = std::max(high[j], level);
            counts[j] += static_cast<std::uint64_t>(cells[code].points);
          }
        } else {
          for (std::size_t j = 0; j < m; ++j) {
            const std::int32_t code = codes[j];
            if (code < 0 || !cells[code].clean) {
              slow[j] = 1;
              continue;
            }
            sel[at_item * tile + j] = cells[code].value;
            pts[j * dims + d] += cells[code].points;
          }
        }
      }
      if (flat_rules) {
        for (std::size_t k = 0; k < leaves.size(); ++k) {
          leaves[k].first.on_tile(m, tile, sel.data(), lev.data(), high.data(), when.data());
          leaves[k].second.on_tile(m, tile, sel.data(), lev.data(), high.data(), then.data());
          for (std::size_t j = 0; j < m; ++j)
            broken[j] |= static_cast<std::uint32_t>(when[j] & !then[j]) << k;
        }
      }
      for (std::size_t j = 0; j < m; ++j) {
        const std::size_t r = t0 + j;
        if (!slow[j] && flat_rules) {
          // Every cell clean: the answers are the cells' options, and only the consistency rules
          // remain to check, each a test or two on the row's answers.
          std::int8_t* levels = &out.scenario_levels[r * scenarios];
          for (std::size_t k = 0; k < scenarios; ++k) levels[k] = lev[k * tile + j];
          const std::string* error = nullptr;
          fired.clear();
          for (std::uint32_t bits = broken[j]; bits; bits &= bits - 1) {
            const auto k = static_cast<std::size_t>(std::countr_zero(bits));
            if (rules.consistency[k].severity != Severity::error) {
              fired.push_back(static_cast<std::uint16_t>(k));
            } else if (!error) {
              error = &rules.consistency[k].message;
            }
          }
          if (error) {
            out.errors[r] = *error;
            std::fill_n(levels, scenarios, 0);  // rows with errors hold zeros
            continue;
          }
          if (table.warnings) {
            for (std::uint16_t k : fired) {
              if (!out.warnings[r].empty()) out.warnings[r] += "; ";
              out.warnings[r] += rules.consistency[k].message;
            }
          }
          std::int64_t total = 0;
          for (std::size_t d = 0; d < dims; ++d) {
            out.dim_points[r * dims + d] = pts[j * dims + d];
            total += pts[j * dims + d];
          }
          if (!packed_counts) {
            rank(r, total, levels);
            continue;
          }
          out.total[r] = total;
          for (std::size_t l = 0; l < top; ++l) {
            at[l] = static_cast<std::int32_t>((counts[j] >> (8 * l)) & 0xff);
            con[l] = static_cast<std::int32_t>((counts[j] >> (8 * (4 + l))) & 0xff);
          }
          out.level[r] = detail::level_for(rules.level_rule, total, at.data(), con.data());
          continue;
        }
        if (!slow[j]) {  // the same, with the coder's check of the consistency rules
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
            out.errors[r] = c.errors.front().message;
            continue;
          }
          note(r);
          std::int64_t total = 0;
          for (std::size_t d = 0; d < dims; ++d) {
            out.dim_points[r * dims + d] = pts[j * dims + d];
            total += pts[j * dims + d];
          }
          rank(r, total, c.levels.data());
          continue;
        }

        // Any other row goes through the survey coder, for its exact messages.
        first_unreadable.clear();
        for (const auto& col : columns) {
          const std::int32_t code = col.column->codes[r];
          if (code >= 0 && !col.cells[static_cast<std::size_t>(code)].unreadable.empty()) {
            first_unreadable = col.cells[static_cast<std::size_t>(code)].unreadable;
            break;
          }
        }
        if (!first_unreadable.empty()) {  // a row that does not read reports only that, as in CSV
          out.errors[r] = first_unreadable;
          continue;
        }
        std::vector<const std::string*> notes;
        {
          detail::SurveyCoder coder(index, missing, c,
                                    Location{"<frame>", static_cast<int>(r + 1), 1});
          coder.enterprise_id(table.has_id && !table.has_id[r] ? "" : "-");
          for (const auto& col : columns) {
            const std::int32_t code = col.column->codes[r];
            if (code < 0) continue;
            const Cell& cell = col.cells[static_cast<std::size_t>(code)];
            if (col.scenario) {
              coder.coded_scenario(col.index, col.column->name, cell.level, cell.problem);
            } else {
              coder.coded_answer(col.index, col.column->name, cell.mask, cell.problems);
              if (!cell.note.empty()) notes.push_back(&cell.note);
            }
          }
          coder.finish();
        }
        for (const std::string* n : notes)
          c.warnings.push_back(Issue{Severity::warning, *n, "", Location{"<frame>", 0, 1}, ""});
        if (!c.ok()) {
          out.errors[r] = c.errors.front().message;
          continue;
        }
        note(r);
        std::fill(sub_points.begin(), sub_points.end(), 0);
        std::int64_t* dim_points = &out.dim_points[r * dims];
        for (std::size_t i = 0; i < items; ++i) {
          std::int64_t p = 0;
          for (std::uint32_t mask = c.selected[i]; mask; mask &= mask - 1)
            p += index.items[i]
                     ->options[static_cast<std::size_t>(std::countr_zero(mask))]
                     .points.thousandths();
          sub_points[item_sub[i]] += p;
        }
        for (std::size_t k = 0; k < subs; ++k) dim_points[sub_dim[k]] += sub_points[k];
        std::int64_t total = 0;
        for (std::size_t d = 0; d < dims; ++d) total += dim_points[d];
        rank(r, total, c.levels.data());
      }
    }
  };

  // Slices of at least 1,024 rows, so small tables are not split across threads for nothing.
  detail::parallel_slices(rows, std::min(detail::thread_count(threads), (rows + 1023) / 1024),
                          work);
  return out;
}

}  // namespace smedx
