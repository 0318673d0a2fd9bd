// Diagnosis from Python: a door over the diagnose driver (smedx/diagnose_run.h), as
// `smedx diagnose` is. Surveys come as JSON Lines or CSV text (a frame, one survey) or as
// files; the driver diagnoses them on every core with the GIL released and, given a folder,
// writes the same files as the command.
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "smedx/catalogue.h"
#include "smedx/columnar.h"
#include "smedx/data_path.h"
#include "smedx/diagnose_run.h"
#include "smedx/diagnostics.h"
#include "smedx/match.h"
#include "smedx/report.h"

namespace py = pybind11;

namespace smedx::python {

namespace {

// What both entries take beside the surveys.
struct Request {
  std::optional<int> target;
  std::optional<std::string> threshold;
  bool by_district = false;
  std::string missing = "error";
  std::string encoding = "auto";
  bool html = false;
  std::optional<std::string> output;
  bool force = false;
  unsigned threads = 0;
};

// The pages' signatories and the 改造方案, as `smedx diagnose --diagnosed-on … --catalogue …`.
struct Page {
  std::string diagnosed_on, organisation, diagnostician;
  std::optional<std::string> catalogue;
  int years = 1;
  std::optional<std::int64_t> budget;
};

#define SMEDX_PAGE_ARGS                                                                      \
  py::arg("diagnosed_on") = "", py::arg("organisation") = "", py::arg("diagnostician") = "", \
  py::arg("catalogue") = py::none(), py::arg("years") = 1, py::arg("budget") = py::none()

// ([(diagnosis JSON, enterprise HTML or "")], cohort JSON), in input order.
using Result = std::pair<std::vector<std::pair<std::string, std::string>>, std::string>;

// Runs the driver (the surveys already in `r`) with the GIL released: its problems are
// ValueErrors.
Result diagnose(const Loaded& rules, DiagnoseRequest r, const Request& o, const Page& page = {}) {
  const Engine& engine = rules.checked_engine();
  r.signing = {page.diagnosed_on, page.organisation, page.diagnostician};
  // Kept until the run is done: the plan section refers to it.
  std::optional<CatalogueLoad> cat;
  if (page.catalogue) {
    const DataLookup found = find_data(*page.catalogue, DataKind::catalogue);
    if (!found.found()) throw py::value_error(*page.catalogue + ": " + found.problem);
    cat = load_catalogue(*found.path, engine.rules());
    if (!cat->ok()) throw py::value_error(format_issues(cat->issues));
    r.other_inputs.push_back(found.path->string());
    MatchOptions options;
    options.years = page.years;
    options.budget = page.budget;
    r.section = make_plan_section(engine, *cat->catalogue, options);  // std::invalid_argument
  }
  r.rules = rules.engine;
  r.rules_origin = rules.result.origin();
  r.target = o.target;
  if (o.threshold) {
    if (o.threshold->empty())
      throw py::value_error(
          "threshold takes a share above 0 and at most 1 with at most 3 decimals (0.5, 0.667), "
          "got ''");
    r.threshold = *o.threshold;
  }
  const auto encoding = parse_text_encoding(o.encoding);
  if (!encoding)
    throw py::value_error("encoding must be auto, utf-8 or gb18030, got '" + o.encoding + "'");
  r.by_district = o.by_district;
  r.batch.missing = missing_policy(o.missing);
  r.batch.encoding = *encoding;
  r.batch.threads = o.threads;
  if (o.output) {
    r.output = *o.output;
    r.force = o.force;
  }
  Result out;
  {
    py::gil_scoped_release release;
    const DiagnoseRun done = run_diagnose(r);
    if (!done.ok()) throw std::invalid_argument(done.problem);
    out.second = done.run->cohort.to_json();
    out.first.reserve(done.run->diagnoses.size());
    for (const Diagnosis& d : done.run->diagnoses)
      out.first.emplace_back(
          to_json(d), o.html ? enterprise_html(d, engine.rules(), r.signing) : std::string());
  }
  return out;
}

}  // namespace

void bind_diagnosis(py::module_& m) {
  m.def(
      "diagnose_text",
      [](const Loaded& rules, std::string text, const std::string& format,
         std::optional<int> target, std::optional<std::string> threshold, bool by_district,
         const std::string& missing, bool html, std::optional<std::string> output, bool force,
         const pybind11::object& threads_arg) {
        const unsigned threads = thread_count(threads_arg);
        const auto input = parse_input_format(format);
        if (!input) throw py::value_error("format must be jsonl or csv, got '" + format + "'");
        DiagnoseRequest r;
        r.sources.push_back(SurveySource::text(std::move(text), "<frame>", *input));
        return diagnose(
            rules, std::move(r),
            {target, threshold, by_district, missing, "auto", html, output, force, threads});
      },
      py::arg("rules"), py::arg("text"), py::arg("format") = "jsonl",
      py::arg("target") = py::none(), py::arg("threshold") = py::none(),
      py::arg("by_district") = false, py::arg("missing") = "error", py::arg("html") = false,
      py::arg("output") = py::none(), py::arg("force") = false, py::arg("threads") = 0,
      "Diagnoses the surveys of a JSON Lines or CSV text as a cohort: ([(diagnosis JSON, HTML)], "
      "cohort JSON); with `output`, writes the folder `smedx diagnose` writes.");

  m.def(
      "diagnose_columns",
      [](const Loaded& rules, const FrameColumns::Named& columns, const py::object& ids,
         const FrameColumns::Named& fields, std::size_t rows, std::optional<int> target,
         std::optional<std::string> threshold, bool by_district, const std::string& missing,
         bool html, std::optional<std::string> output, bool force,
         const pybind11::object& threads_arg, std::string diagnosed_on, std::string organisation,
         std::string diagnostician, std::optional<std::string> catalogue, int years,
         std::optional<std::int64_t> budget) {
        const unsigned threads = thread_count(threads_arg);
        // The frame coded column by column, as score_frame reads it, then diagnosed as a
        // cohort: no detour through CSV text.
        FrameColumns frame(columns, ids, fields, rows, threads, true);
        const MissingPolicy policy = missing_policy(missing);
        std::vector<CodedSurvey> coded;
        {
          py::gil_scoped_release release;
          coded = code_columns(rules.checked_engine(), frame.table(), policy, threads);
        }
        DiagnoseRequest r;
        r.coded = &coded;
        return diagnose(
            rules, std::move(r),
            {target, threshold, by_district, missing, "auto", html, output, force, threads},
            {std::move(diagnosed_on), std::move(organisation), std::move(diagnostician),
             std::move(catalogue), years, budget});
      },
      py::arg("rules"), py::arg("columns"), py::arg("ids"), py::arg("fields"), py::arg("rows"),
      py::arg("target") = py::none(), py::arg("threshold") = py::none(),
      py::arg("by_district") = false, py::arg("missing") = "error", py::arg("html") = false,
      py::arg("output") = py::none(), py::arg("force") = false, py::arg("threads") = 0,
      SMEDX_PAGE_ARGS,
      "Diagnoses a frame's columns (as score_arrays takes them, with the enterprise fields) as a "
      "cohort: ([(diagnosis JSON, HTML)], cohort JSON); with `output`, writes the folder `smedx "
      "diagnose` writes.");

  m.def(
      "diagnose_files",
      [](const Loaded& rules, const std::vector<std::string>& files,
         std::optional<std::string> format, std::optional<int> target,
         std::optional<std::string> threshold, bool by_district, const std::string& missing,
         const std::string& encoding, bool html, std::optional<std::string> output, bool force,
         const pybind11::object& threads_arg, std::string diagnosed_on, std::string organisation,
         std::string diagnostician, std::optional<std::string> catalogue, int years,
         std::optional<std::int64_t> budget) {
        const unsigned threads = thread_count(threads_arg);
        DiagnoseRequest r;
        r.files = files;
        r.input_format = format.value_or("");
        r.need_files = true;
        return diagnose(
            rules, std::move(r),
            {target, threshold, by_district, missing, encoding, html, output, force, threads},
            {std::move(diagnosed_on), std::move(organisation), std::move(diagnostician),
             std::move(catalogue), years, budget});
      },
      py::arg("rules"), py::arg("files"), py::arg("format") = py::none(),
      py::arg("target") = py::none(), py::arg("threshold") = py::none(),
      py::arg("by_district") = false, py::arg("missing") = "error", py::arg("encoding") = "auto",
      py::arg("html") = false, py::arg("output") = py::none(), py::arg("force") = false,
      py::arg("threads") = 0, SMEDX_PAGE_ARGS,
      "Diagnoses the surveys of files (.jsonl, .csv, .json, .yaml) as one cohort, as `smedx "
      "diagnose` does: ([(diagnosis JSON, HTML)], cohort JSON); with `output`, writes its "
      "folder.");
}

}  // namespace smedx::python
