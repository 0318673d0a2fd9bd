// What the binding files share: the registration function of each area.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "smedx/columnar.h"
#include "smedx/engine.h"
#include "smedx/load.h"

namespace smedx::python {

// A loaded rule set and, when it is clean, its compiled engine.
struct Loaded {
  LoadResult result;
  std::shared_ptr<const Engine> engine;

  // The engine, or a Python ValueError when the rule set did not load cleanly.
  const Engine& checked_engine() const;
};

MissingPolicy missing_policy(const std::string& name);

// A `threads` argument: None or 0 for every core, else 1 to 1024 as `smedx score --threads`
// takes; anything else is a ValueError saying so, not pybind11's list of signatures.
unsigned thread_count(const pybind11::handle& threads);

// A data frame's columns read as score_frame reads them (bind_columnar.cpp) into table(), which
// points into what this holds. `columns`: (name, cells) of the item and scenario columns; `ids`:
// the enterprise_id column's cells; `fields`: (name, cells) of the enterprise columns a coded
// survey carries (code_columns); cells in any form score_arrays takes. With `id_texts` the ids
// are kept as texts (table().enterprise_id), else only whether each row has one. Build it with
// the GIL held: it releases the GIL while it reads.
class FrameColumns {
 public:
  using Named = std::vector<std::pair<std::string, pybind11::object>>;
  FrameColumns(const Named& columns, const pybind11::object& ids, const Named& fields,
               std::size_t rows, unsigned threads, bool id_texts);
  ~FrameColumns();
  ColumnarSurveys& table() noexcept { return table_; }
  const ColumnarSurveys& table() const noexcept { return table_; }

 private:
  struct Sources;
  std::unique_ptr<Sources> sources_;
  ScoreColumn<std::uint8_t> has_id_;  // one a row; kept for the next call (column_pool.h)
  ColumnarSurveys table_;
};

void bind_rules(pybind11::module_& m);
void bind_scoring(pybind11::module_& m);
void bind_columnar(pybind11::module_& m);
void bind_diagnosis(pybind11::module_& m);
void bind_pilot(pybind11::module_& m);
void bind_match(pybind11::module_& m);

}  // namespace smedx::python
