// Scoring a data frame column by column: numpy columns in (object, integer or float), codes
// into each column's distinct cell texts made here, numpy columns out, and the GIL released
// while the rows are scored.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <cmath>
#include <deque>
#include <unordered_map>

#include "bindings.h"
#include "name_table.h"
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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One column as codes into its distinct cell texts: the text a CSV cell would hold. Missing
// (None, NaN, an empty string) is -1. This runs under the GIL for every cell of every object
// column, so it is built for speed: cells that are the very same Python object (single letters,
// strings mapped from a few values) are found by pointer before any text is hashed, and texts
// go into an open-addressing table (detail::NameTable) keyed by views into the Python objects,
// which the array keeps alive while this runs.
struct Factorizer {
  std::vector<std::int32_t> codes;
  std::deque<std::string> values;  // distinct texts; a deque keeps the table's views valid
  detail::NameTable seen;

  std::int32_t code(std::string_view text) {
    text = trim(text);
    if (text.empty()) return -1;
    if (auto c = seen.find(text)) return static_cast<std::int32_t>(*c);
    const auto c = static_cast<std::int32_t>(values.size());
    values.emplace_back(text);
    seen.add(values.back(), static_cast<std::uint32_t>(c));
    return c;
  }
  std::int32_t number(double v) {
    if (std::isnan(v)) return -1;
    return code(fmt::format("{}", v));  // the shortest text that reads back as v
  }
};

// Codes by object identity, in front of the text table.
class PointerCache {
 public:
  std::int32_t* find_or_slot(PyObject* key) {
    if ((count_ + 1) * 2 > keys_.size()) grow();
    std::size_t i = hash(key) & (keys_.size() - 1);
    while (keys_[i] && keys_[i] != key) i = (i + 1) & (keys_.size() - 1);
    if (!keys_[i]) {
      keys_[i] = key;
      codes_[i] = kNew;
      ++count_;
    }
    return &codes_[i];
  }
  static constexpr std::int32_t kNew = -2;

 private:
  static std::size_t hash(PyObject* p) {
    return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(p) >> 4) *
           0x9E3779B97F4A7C15ull;
  }
  void grow() {
    std::vector<PyObject*> keys = std::move(keys_);
    std::vector<std::int32_t> codes = std::move(codes_);
    keys_.assign(keys.empty() ? 1024 : keys.size() * 2, nullptr);
    codes_.assign(keys_.size(), kNew);
    count_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i]) *find_or_slot(keys[i]) = codes[i];
  }
  std::vector<PyObject*> keys_;
  std::vector<std::int32_t> codes_;
  std::size_t count_ = 0;
};

std::pair<std::vector<std::int32_t>, std::vector<std::string>> factorize(const py::array& array) {
  const auto n = static_cast<std::size_t>(array.size());
  Factorizer f;
  f.codes.resize(n);
  const char kind = array.dtype().kind();
  if (kind == 'i' || kind == 'u') {
    auto a = array.cast<py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>>();
    const std::int64_t* v = a.data();
    std::int64_t lo = 0, hi = 0;
    if (n) lo = hi = v[0];
    for (std::size_t i = 1; i < n; ++i) {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
    // Small whole numbers (scenario levels): the offset is the code. Unsigned arithmetic: the
    // span of int64 extremes overflows a signed difference.
    if (n && static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) < 4096) {
      for (std::int64_t k = lo; k <= hi; ++k) f.values.push_back(std::to_string(k));
      for (std::size_t i = 0; i < n; ++i) f.codes[i] = static_cast<std::int32_t>(v[i] - lo);
    } else {
      std::unordered_map<std::int64_t, std::int32_t> ints;
      for (std::size_t i = 0; i < n; ++i) {
        auto [it, fresh] = ints.emplace(v[i], static_cast<std::int32_t>(f.values.size()));
        if (fresh) f.values.push_back(std::to_string(v[i]));
        f.codes[i] = it->second;
      }
    }
  } else if (kind == 'f') {
    auto a = array.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    std::unordered_map<double, std::int32_t> floats;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = a.data()[i];
      if (std::isnan(v)) {
        f.codes[i] = -1;
        continue;
      }
      auto [it, fresh] = floats.emplace(v, 0);
      if (fresh) it->second = f.number(v);
      f.codes[i] = it->second;
    }
  } else {
    auto objects = array.cast<py::array_t<py::object, py::array::c_style>>();
    PointerCache by_identity;
    for (std::size_t i = 0; i < n; ++i) {
      PyObject* o = objects.data()[i].ptr();
      std::int32_t* cached = by_identity.find_or_slot(o);
      if (*cached != PointerCache::kNew) {
        f.codes[i] = *cached;
        continue;
      }
      std::int32_t c = -1;
      if (PyUnicode_Check(o)) {
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(o, &size);
        if (!utf8) throw py::error_already_set();
        c = f.code(std::string_view(utf8, static_cast<std::size_t>(size)));
      } else if (o == Py_None) {
        c = -1;
      } else if (PyFloat_Check(o)) {
        c = f.number(PyFloat_AS_DOUBLE(o));
      } else if (PyList_Check(o) || PyTuple_Check(o)) {  // a list of letters: "B|C"
        std::string joined;
        for (auto item : py::reinterpret_borrow<py::sequence>(o)) {
          if (!joined.empty()) joined += '|';
          joined += py::str(item).cast<std::string>();
        }
        c = f.code(joined);
      } else {
        // pandas' NA and NaT are missing; anything else reads as its text (an int, a Decimal).
        const std::string text = py::str(o).cast<std::string>();
        c = text == "<NA>" || text == "NaT" || text == "nan" ? -1 : f.code(text);
      }
      // A list's identity says nothing about its contents next time: cache only immutables.
      if (!PyList_Check(o)) *cached = c;
      f.codes[i] = c;
    }
  }
  return {std::move(f.codes), std::vector<std::string>(f.values.begin(), f.values.end())};
}

}  // namespace

void bind_columnar(py::module_& m) {
  m.def(
      "score_arrays",
      [](const Loaded& rules, const std::vector<std::pair<std::string, py::array>>& columns,
         py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> has_id,
         const std::string& missing, unsigned threads, bool warnings) {
        const Engine& engine = rules.checked_engine();
        const auto rows = static_cast<std::size_t>(has_id.size());
        std::vector<std::vector<std::int32_t>> codes;
        codes.reserve(columns.size());
        ColumnarSurveys table;
        table.rows = rows;
        for (const auto& [name, array] : columns) {
          if (static_cast<std::size_t>(array.size()) != rows)
            throw py::value_error("column '" + name + "' has " + std::to_string(array.size()) +
                                  " values for " + std::to_string(rows) + " rows");
          auto [c, values] = factorize(array);
          codes.push_back(std::move(c));
          table.columns.push_back({name, codes.back().data(), std::move(values)});
        }
        table.has_id = has_id.data();
        table.warnings = warnings;
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
        // One entry per row, None where there is nothing to say, built straight as a list.
        auto texts = [rows](std::vector<std::string>& v) {
          py::list out(rows);
          for (std::size_t i = 0; i < rows; ++i) {
            if (v[i].empty()) {
              out[i] = py::none();
            } else {
              out[i] = py::str(v[i]);
            }
          }
          return out;
        };
        py::dict out;
        out["level"] = to_numpy(std::move(scores.level), {n});
        out["total"] = to_numpy(std::move(scores.total), {n});
        out["dimensions"] = to_numpy(std::move(scores.dim_points), {n, dims});
        out["scenarios"] = to_numpy(std::move(scores.scenario_levels), {n, scen});
        out["errors"] = texts(scores.errors);
        out["warnings"] = texts(scores.warnings);
        return out;
      },
      py::arg("rules"), py::arg("columns"), py::arg("has_id"), py::arg("missing") = "error",
      py::arg("threads") = 0, py::arg("warnings") = false,
      "Scores a table given as (name, numpy array) columns of cells in the CSV survey layout. "
      "Points are integer thousandths; levels 0-4; errors and warnings one per row (None: none).");
}

}  // namespace smedx::python
