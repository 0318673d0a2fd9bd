// Matching from Python: a door over run_match (smedx/match.h), as `smedx match` is. Surveys
// come as files or as JSON Lines or CSV text; the plans come back as the JSON lines the
// command writes, with the 产品矩阵, matched on every core with the GIL released.
#include <pybind11/stl.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "smedx/catalogue.h"
#include "smedx/data_path.h"
#include "smedx/diagnostics.h"
#include "smedx/match.h"

namespace py = pybind11;

namespace smedx::python {

namespace {

// (JSON lines of the plans, in input order; the 产品矩阵 JSON).
using Result = std::pair<std::vector<std::string>, std::string>;

Result match(const Loaded& rules, const std::string& catalogue_path,
             const std::vector<SurveySource>& sources, std::optional<int> target, int years,
             std::optional<std::int64_t> budget, int alternatives, const std::string& missing,
             const std::string& encoding, unsigned threads) {
  const Engine& engine = rules.checked_engine();
  // A folder, a file or an installed name (SMEDX_PATH, the package's data, the install folders).
  const DataLookup found = find_data(catalogue_path, DataKind::catalogue);
  if (!found.found()) throw py::value_error(catalogue_path + ": " + found.problem);
  const CatalogueLoad cat = load_catalogue(*found.path, engine.rules());
  if (!cat.ok()) throw py::value_error(format_issues(cat.issues));
  const auto text_encoding = parse_text_encoding(encoding);
  if (!text_encoding)
    throw py::value_error("encoding must be auto, utf-8 or gb18030, got '" + encoding + "'");
  MatchOptions options;
  options.target = target;
  options.years = years;
  options.budget = budget;
  options.alternatives = alternatives;
  options.batch.missing = missing_policy(missing);
  options.batch.encoding = *text_encoding;
  options.batch.threads = threads;
  const Matcher matcher(engine, *cat.catalogue, options);  // a bad target: ValueError
  Result out;
  py::gil_scoped_release release;
  const MatchRun run = run_match(matcher, sources);
  out.first.reserve(run.matches.size());
  for (const Match& m : run.matches) out.first.push_back(to_json(m, matcher));
  out.second = to_json(run.matrix, matcher);
  return out;
}

}  // namespace

void bind_match(py::module_& m) {
  m.def(
      "match_text",
      [](const Loaded& rules, const std::string& catalogue, std::string text,
         const std::string& format, std::optional<int> target, int years,
         std::optional<std::int64_t> budget, int alternatives, const std::string& missing,
         const py::object& threads) {
        const auto input = parse_input_format(format);
        if (!input) throw py::value_error("format must be jsonl or csv, got '" + format + "'");
        const std::vector<SurveySource> sources = {
            SurveySource::text(std::move(text), "<frame>", *input)};
        return match(rules, catalogue, sources, target, years, budget, alternatives, missing,
                     "auto", thread_count(threads));
      },
      py::arg("rules"), py::arg("catalogue"), py::arg("text"), py::arg("format") = "jsonl",
      py::arg("target") = py::none(), py::arg("years") = 1, py::arg("budget") = py::none(),
      py::arg("alternatives") = 0, py::arg("missing") = "error", py::arg("threads") = 0,
      "Matches the surveys of a JSON Lines or CSV text to a catalogue: ([plan JSON], 产品矩阵 "
      "JSON), as `smedx match` writes them.");

  m.def(
      "match_files",
      [](const Loaded& rules, const std::string& catalogue, const std::vector<std::string>& files,
         std::optional<std::string> format, std::optional<int> target, int years,
         std::optional<std::int64_t> budget, int alternatives, const std::string& missing,
         const std::string& encoding, const py::object& threads) {
        std::vector<SurveySource> sources;
        for (const auto& file : files) {
          const auto f = format ? parse_input_format(*format) : input_format_for(file);
          if (!f)
            throw py::value_error(file + (format ? ": format must be jsonl, csv, json or yaml"
                                                 : ": cannot tell the input format from the name"));
          if (!std::filesystem::is_regular_file(file))
            throw py::value_error(file + ": no such file");
          sources.push_back(SurveySource::file(file, *f));
        }
        return match(rules, catalogue, sources, target, years, budget, alternatives, missing,
                     encoding, thread_count(threads));
      },
      py::arg("rules"), py::arg("catalogue"), py::arg("files"), py::arg("format") = py::none(),
      py::arg("target") = py::none(), py::arg("years") = 1, py::arg("budget") = py::none(),
      py::arg("alternatives") = 0, py::arg("missing") = "error", py::arg("encoding") = "auto",
      py::arg("threads") = 0,
      "Matches the surveys of files to a catalogue, as `smedx match` does: ([plan JSON], 产品矩阵 "
      "JSON).");
}

}  // namespace smedx::python
