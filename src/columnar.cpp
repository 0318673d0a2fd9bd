#include "smedx/columnar.h"

#include <algorithm>
#include <span>
#include <thread>
#include <variant>

#include "cell.h"
#include "survey_coder.h"

namespace smedx {

namespace {

// A distinct cell value, read once: an answer or scenario level, or why it is neither.
struct Cell {
  Answer answer;
  int level = 0;
  std::string problem;  // empty when the cell reads
};

struct PreparedColumn {
  const ColumnarSurveys::Column* column;
  bool scenario;
  std::vector<Cell> cells;  // one per distinct value
};

}  // namespace

ColumnarScores score_columns(const Engine& engine, const ColumnarSurveys& table,
                             MissingPolicy missing, unsigned threads) {
  const detail::RuleIndex& index = detail::EngineAccess::index(engine);
  const RuleSet& rules = engine.rules();
  const std::size_t rows = table.rows;

  // Read each distinct value once, as the CSV reader reads a cell.
  std::vector<PreparedColumn> columns;
  for (const auto& col : table.columns) {
    const Item* item = rules.find_item(col.name);
    const Scenario* scenario = item ? nullptr : rules.find_scenario(col.name);
    if (!item && !scenario) continue;
    PreparedColumn p{&col, scenario != nullptr, {}};
    p.cells.resize(col.values.size());
    for (std::size_t v = 0; v < col.values.size(); ++v) {
      Cell& cell = p.cells[v];
      auto problem = scenario ? detail::cell_level(col.values[v], col.name, cell.level)
                              : detail::cell_answer(col.values[v], item->kind == ItemKind::multi,
                                                    col.name, cell.answer);
      if (problem) cell.problem = std::move(*problem);
    }
    columns.push_back(std::move(p));
  }

  ColumnarScores out;
  const std::size_t items = index.items.size(), scenarios = rules.scenarios.size();
  const std::size_t subs = [&] {
    std::size_t n = 0;
    for (const auto& d : rules.dimensions) n += d.sub_indicators.size();
    return n;
  }();
  const std::size_t dims = rules.dimensions.size();
  const std::size_t top = static_cast<std::size_t>(rules.level_rule.top_level());
  BlockScores& s = out.scores;
  s.rows = rows;
  s.item_points.assign(rows * items, 0);
  s.sub_points.assign(rows * subs, 0);
  s.dim_points.assign(rows * dims, 0);
  s.total.assign(rows, 0);
  s.level.assign(rows, 0);
  s.at_or_above.assign(rows * top, 0);
  s.constraint.assign(rows * top, 0);
  out.scenario_levels.assign(rows * scenarios, 0);
  out.errors.assign(rows, {});
  out.warnings.assign(rows, {});

  // Rows [begin, end): code each row into a block, score blocks of 4,096, copy into the output
  // columns. Slices are disjoint; nothing mutable is shared between threads.
  auto work = [&](std::size_t begin, std::size_t end) {
    constexpr std::size_t block = 4096;
    std::vector<CodedSurvey> coded(std::min(block, end - begin));
    BlockScores scores;
    const Location where{"<frame>", 0, 1};
    for (std::size_t b = begin; b < end; b += block) {
      const std::size_t e = std::min(end, b + block);
      for (std::size_t r = b; r < e; ++r) {
        CodedSurvey& c = coded[r - b];
        detail::SurveyCoder coder(index, missing, c,
                                  Location{"<frame>", static_cast<int>(r + 1), 1});
        coder.enterprise_id(table.has_id && !table.has_id[r] ? "" : "-");
        std::vector<Issue> bad_cells;
        for (const auto& col : columns) {
          const std::int32_t code = col.column->codes[r];
          if (code < 0) continue;
          const Cell& cell = col.cells[static_cast<std::size_t>(code)];
          if (!cell.problem.empty()) {
            bad_cells.push_back(Issue{Severity::error, cell.problem, "", where, ""});
            continue;
          }
          if (col.scenario) {
            coder.scenario(col.column->name, cell.level);
          } else {
            detail::AnswerView view;
            view.kind = cell.answer.kind;
            view.list = cell.answer.list;
            view.letters = cell.answer.letters;
            view.percent = cell.answer.percent;
            coder.answer(col.column->name, view);
          }
        }
        if (bad_cells.empty()) {
          coder.finish();
        } else {
          c.errors = std::move(bad_cells);  // a row that does not read reports only that
        }
      }
      scores = BlockScores{};
      engine.score_block(std::span<const CodedSurvey>(coded.data(), e - b), scores);
      for (std::size_t r = b; r < e; ++r) {
        const std::size_t k = r - b;
        const CodedSurvey& c = coded[k];
        if (!c.ok()) {
          out.errors[r] = c.errors.front().message;
          continue;
        }
        std::copy_n(&scores.item_points[k * items], items, &s.item_points[r * items]);
        std::copy_n(&scores.sub_points[k * subs], subs, &s.sub_points[r * subs]);
        std::copy_n(&scores.dim_points[k * dims], dims, &s.dim_points[r * dims]);
        std::copy_n(&scores.at_or_above[k * top], top, &s.at_or_above[r * top]);
        std::copy_n(&scores.constraint[k * top], top, &s.constraint[r * top]);
        std::copy_n(c.levels.data(), scenarios, &out.scenario_levels[r * scenarios]);
        s.total[r] = scores.total[k];
        s.level[r] = scores.level[k];
        for (const auto& w : c.warnings) {
          if (!out.warnings[r].empty()) out.warnings[r] += "; ";
          out.warnings[r] += w.message;
        }
      }
    }
  };

  // Slices of at least 1,024 rows, so small tables are not split across threads for nothing.
  const std::size_t wanted = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::max<std::size_t>(1, std::min(wanted, (rows + 1023) / 1024));
  if (workers <= 1) {
    work(0, rows);
  } else {
    std::vector<std::thread> pool;
    const std::size_t per = (rows + workers - 1) / workers;
    for (std::size_t w = 1; w < workers; ++w) {
      const std::size_t b = std::min(rows, w * per), e = std::min(rows, (w + 1) * per);
      if (b < e) pool.emplace_back(work, b, e);
    }
    work(0, std::min(rows, per));
    for (auto& t : pool) t.join();
  }
  return out;
}

}  // namespace smedx
