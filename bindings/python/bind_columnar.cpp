// Scoring a data frame column by column: factorized columns in, numpy columns out, the GIL
// released while the rows are scored.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "smedx/columnar.h"

namespace py = pybind11;

namespace smedx::python {

namespace {

// A numpy array that owns (moves in) a vector, so results cross into Python without a copy.
template <typename T>
py::array_t<T> to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule free(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owned->data(), free);
}

}  // namespace

void bind_columnar(py::module_& m) {
  m.def(
      "score_columns",
      [](const Loaded& rules, std::size_t rows,
         const std::vector<std::tuple<
             std::string, py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>,
             std::vector<std::string>>>& columns,
         py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> has_id,
         const std::string& missing, unsigned threads) {
        const Engine& engine = rules.checked_engine();
        ColumnarSurveys table;
        table.rows = rows;
        for (const auto& [name, codes, values] : columns) {
          if (static_cast<std::size_t>(codes.size()) != rows)
            throw py::value_error("column '" + name + "' has " + std::to_string(codes.size()) +
                                  " codes for " + std::to_string(rows) + " rows");
          for (py::ssize_t i = 0; i < codes.size(); ++i) {
            const auto c = codes.data()[i];
            if (c < -1 || c >= static_cast<std::int32_t>(values.size()))
              throw py::value_error("column '" + name + "' has a code out of range");
          }
          table.columns.push_back({name, codes.data(), values});
        }
        if (static_cast<std::size_t>(has_id.size()) != rows)
          throw py::value_error("has_id must have one entry per row");
        table.has_id = has_id.data();
        const MissingPolicy policy = missing_policy(missing);
        ColumnarScores scores;
        {
          py::gil_scoped_release release;
          scores = score_columns(engine, table, policy, threads);
        }
        const auto n = static_cast<py::ssize_t>(rows);
        const auto& r = engine.rules();
        const auto dims = static_cast<py::ssize_t>(r.dimensions.size());
        const auto scen = static_cast<py::ssize_t>(r.scenarios.size());
        py::dict out;
        out["level"] = to_numpy(std::move(scores.scores.level), {n});
        out["total"] = to_numpy(std::move(scores.scores.total), {n});
        out["dimensions"] = to_numpy(std::move(scores.scores.dim_points), {n, dims});
        out["scenarios"] = to_numpy(std::move(scores.scenario_levels), {n, scen});
        out["errors"] = std::move(scores.errors);
        out["warnings"] = std::move(scores.warnings);
        return out;
      },
      py::arg("rules"), py::arg("rows"), py::arg("columns"), py::arg("has_id"),
      py::arg("missing") = "error", py::arg("threads") = 0,
      "Scores a table given as (name, codes, distinct values) columns. Points are integer "
      "thousandths; levels 0-4; errors and warnings one string per row ('' when none).");
}

}  // namespace smedx::python
