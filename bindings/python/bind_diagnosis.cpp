// Diagnosis from Python: a door over the cohort driver (smedx/diagnose_cohort.h), as
// `smedx diagnose` is. Surveys come as JSON Lines or CSV text (a frame, one survey) or as
// files; the driver diagnoses them on every core with the GIL released and, given a folder,
// writes the same files as the command.
#include <pybind11/stl.h>

#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "smedx/columnar.h"
#include "smedx/diagnose_cohort.h"
#include "smedx/output_files.h"
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

// ([(diagnosis JSON, enterprise HTML or "")], cohort JSON), in input order.
using Result = std::pair<std::vector<std::pair<std::string, std::string>>, std::string>;

// Runs the driver over what `run` hands it (sources or coded surveys) with the GIL released.
template <typename Run>
Result diagnose(const Loaded& rules, Inputs& read, const Request& r, const Run& run_on) {
  const Engine& engine = rules.checked_engine();
  if (!engine.rules().diagnosis.present)
    throw py::value_error("the rule set has no diagnosis settings");
  const CohortDiagnoser diagnoser(engine, r.target);  // checks the target: a ValueError
  CohortOptions options;
  if (r.threshold) {
    options.threshold = parse_common_threshold(*r.threshold);
    if (!options.threshold)
      throw py::value_error(
          "threshold takes a share above 0 and at most 1 with at most 3 decimals (0.5, 0.667), "
          "got " +
          *r.threshold);
  }
  const auto encoding = parse_text_encoding(r.encoding);
  if (!encoding)
    throw py::value_error("encoding must be auto, utf-8 or gb18030, got '" + r.encoding + "'");
  options.by_district = r.by_district;
  options.batch.missing = missing_policy(r.missing);
  options.batch.encoding = *encoding;
  options.batch.threads = r.threads;
  std::unique_ptr<OutputFolder> folder;
  if (r.output) {
    read.add(rules.result.origin());
    std::string problem;
    folder = OutputFolder::open(*r.output, r.force, read, problem, "diagnose");
    if (!folder) throw py::value_error(problem);
  }
  Result out;
  {
    py::gil_scoped_release release;
    CohortRun run = run_on(engine, diagnoser, options, folder.get());
    if (folder) {
      // As `smedx diagnose`: an empty cohort leaves no folder behind.
      if (run.diagnosed == 0)
        throw std::invalid_argument("the inputs hold no surveys: the cohort is empty");
      folder->commit();
    }
    out.second = run.cohort.to_json();
    out.first.reserve(run.diagnoses.size());
    for (const Diagnosis& d : run.diagnoses)
      out.first.emplace_back(to_json(d),
                             r.html ? enterprise_html(d, engine.rules()) : std::string());
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
        const std::vector<SurveySource> sources = {
            SurveySource::text(std::move(text), "<frame>", *input)};
        Inputs read;
        return diagnose(
            rules, read,
            {target, threshold, by_district, missing, "auto", html, output, force, threads},
            [&](const Engine&, const CohortDiagnoser& d, const CohortOptions& o,
                OutputFolder* folder) { return d.run(sources, o, folder); });
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
         const pybind11::object& threads_arg) {
        const unsigned threads = thread_count(threads_arg);
        // The frame coded column by column, as score_frame reads it, then diagnosed as a
        // cohort: no detour through CSV text.
        FrameColumns frame(columns, ids, fields, rows, threads, true);
        const MissingPolicy policy = missing_policy(missing);
        Inputs read;
        return diagnose(
            rules, read,
            {target, threshold, by_district, missing, "auto", html, output, force, threads},
            [&](const Engine& engine, const CohortDiagnoser& d, const CohortOptions& o,
                OutputFolder* folder) {
              const std::vector<CodedSurvey> coded =
                  code_columns(engine, frame.table(), policy, threads);
              return d.run(std::span<const CodedSurvey>(coded), o, folder);
            });
      },
      py::arg("rules"), py::arg("columns"), py::arg("ids"), py::arg("fields"), py::arg("rows"),
      py::arg("target") = py::none(), py::arg("threshold") = py::none(),
      py::arg("by_district") = false, py::arg("missing") = "error", py::arg("html") = false,
      py::arg("output") = py::none(), py::arg("force") = false, py::arg("threads") = 0,
      "Diagnoses a frame's columns (as score_arrays takes them, with the enterprise fields) as a "
      "cohort: ([(diagnosis JSON, HTML)], cohort JSON); with `output`, writes the folder `smedx "
      "diagnose` writes.");

  m.def(
      "diagnose_files",
      [](const Loaded& rules, const std::vector<std::string>& files,
         std::optional<std::string> format, std::optional<int> target,
         std::optional<std::string> threshold, bool by_district, const std::string& missing,
         const std::string& encoding, bool html, std::optional<std::string> output, bool force,
         const pybind11::object& threads_arg) {
        const unsigned threads = thread_count(threads_arg);
        if (files.empty()) throw py::value_error("diagnose needs input files");
        std::vector<SurveySource> sources;
        Inputs read;
        for (const auto& file : files) {
          const auto f = format ? parse_input_format(*format) : input_format_for(file);
          if (!f)
            throw py::value_error(file + (format ? ": format must be jsonl, csv, json or yaml"
                                                 : ": cannot tell the input format from the name"));
          if (!std::filesystem::is_regular_file(file))
            throw py::value_error(file + ": no such file");
          sources.push_back(SurveySource::file(file, *f));
          read.add(file);
        }
        return diagnose(
            rules, read,
            {target, threshold, by_district, missing, encoding, html, output, force, threads},
            [&](const Engine&, const CohortDiagnoser& d, const CohortOptions& o,
                OutputFolder* folder) { return d.run(sources, o, folder); });
      },
      py::arg("rules"), py::arg("files"), py::arg("format") = py::none(),
      py::arg("target") = py::none(), py::arg("threshold") = py::none(),
      py::arg("by_district") = false, py::arg("missing") = "error", py::arg("encoding") = "auto",
      py::arg("html") = false, py::arg("output") = py::none(), py::arg("force") = false,
      py::arg("threads") = 0,
      "Diagnoses the surveys of files (.jsonl, .csv, .json, .yaml) as one cohort, as `smedx "
      "diagnose` does: ([(diagnosis JSON, HTML)], cohort JSON); with `output`, writes its "
      "folder.");
}

}  // namespace smedx::python
