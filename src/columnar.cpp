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
  bool clean = false;                 // nothing to say about the cell
};

struct PreparedColumn {
  const ColumnarSurveys::Column* column;
  bool scenario;
  std::uint32_t index;      // item or scenario index
  std::vector<Cell> cells;  // one per distinct value
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
    PreparedColumn p{&col, scenario.has_value(), item ? *item : *scenario, {}};
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
      cell.mask = detail::code_answer(it, view, cell.problems);
    }
    for (Cell& cell : p.cells)
      cell.clean = cell.unreadable.empty() && cell.problems.empty() && cell.problem.empty();
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

  // Rows [begin, end) on one thread. Slices are disjoint: nothing mutable is shared.
  auto work = [&](std::size_t begin, std::size_t end) {
    CodedSurvey c;
    std::string first_unreadable;
    std::vector<std::int64_t> sub_points(subs);
    std::vector<std::int32_t> at(top), con(top);
    for (std::size_t r = begin; r < end; ++r) {
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
      bool fast = complete && (!table.has_id || table.has_id[r]);
      for (std::size_t k = 0; fast && k < columns.size(); ++k) {
        const std::int32_t code = columns[k].column->codes[r];
        fast = code >= 0 && columns[k].cells[static_cast<std::size_t>(code)].clean;
      }
      if (fast) {
        c.selected.resize(items);
        c.levels.resize(scenarios);
        for (const auto& col : columns) {
          const Cell& cell = col.cells[static_cast<std::size_t>(col.column->codes[r])];
          if (col.scenario) {
            c.levels[col.index] = static_cast<std::int8_t>(cell.level);
          } else {
            c.selected[col.index] = cell.mask;
          }
        }
        c.errors.clear();
        c.warnings.clear();
        c.fired.clear();
        for (const ConsistencyRule* rule : detail::failing_rules(index, c)) {
          if (rule->severity == Severity::error) {
            c.errors.push_back(Issue{rule->severity, rule->message, "consistency." + rule->id,
                                     Location{"<frame>", static_cast<int>(r + 1), 1}, ""});
          } else {
            c.fired.push_back(static_cast<std::uint16_t>(rule - rules.consistency.data()));
          }
        }
      } else {
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
          }
        }
        coder.finish();
      }
      if (!c.ok()) {
        out.errors[r] = c.errors.front().message;
        continue;
      }
      if (table.warnings) {
        for (const auto& w : c.warnings) {
          if (!out.warnings[r].empty()) out.warnings[r] += "; ";
          out.warnings[r] += w.message;
        }
        for (std::uint16_t k : c.fired) {
          if (!out.warnings[r].empty()) out.warnings[r] += "; ";
          out.warnings[r] += rules.consistency[k].message;
        }
      }
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
      out.total[r] = total;
      std::fill(at.begin(), at.end(), 0);
      std::fill(con.begin(), con.end(), 0);
      for (std::size_t k = 0; k < scenarios; ++k) {
        out.scenario_levels[r * scenarios + k] = c.levels[k];
        for (int l = 0; l < c.levels[k]; ++l) {
          ++at[static_cast<std::size_t>(l)];
          con[static_cast<std::size_t>(l)] += rules.scenarios[k].constraint;
        }
      }
      out.level[r] = detail::level_for(rules.level_rule, total, at.data(), con.data());
    }
  };

  // Slices of at least 1,024 rows, so small tables are not split across threads for nothing.
  detail::parallel_slices(rows, std::min(detail::thread_count(threads), (rows + 1023) / 1024),
                          work);
  return out;
}

}  // namespace smedx
