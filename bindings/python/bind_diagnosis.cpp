// Diagnosis from Python: surveys as JSON Lines or CSV text, two passes as `smedx diagnose`
// makes them (the cohort first, then each enterprise's file with 共性/个性 tags).
#include <pybind11/stl.h>

#include <sstream>

#include "bindings.h"
#include "smedx/batch.h"
#include "smedx/cohort.h"
#include "smedx/diagnosis.h"
#include "smedx/report.h"

namespace py = pybind11;

namespace smedx::python {

void bind_diagnosis(py::module_& m) {
  m.def(
      "diagnose_text",
      [](const Loaded& rules, const std::string& text, const std::string& format,
         std::optional<int> target, std::optional<double> threshold, bool by_district,
         const std::string& missing, bool html) {
        const Engine& engine = rules.checked_engine();
        if (!engine.rules().diagnosis.present)
          throw py::value_error("the rule set has no diagnosis settings");
        const auto input = parse_input_format(format);
        if (!input) throw py::value_error("format must be jsonl or csv, got '" + format + "'");
        Decimal share = engine.rules().diagnosis.common_threshold;
        if (threshold) {
          const auto t = Decimal::parse(std::to_string(*threshold).substr(0, 8));
          if (!t || *threshold <= 0 || *threshold > 1)
            throw py::value_error("threshold must be above 0 and at most 1");
          share = *t;
        }
        BatchOptions options;
        options.missing = missing_policy(missing);
        std::vector<std::pair<std::string, std::string>> out;
        std::string cohort_json;
        {
          py::gil_scoped_release release;
          const Diagnoser diagnoser(engine);
          Cohort cohort(engine.rules(), share, by_district);
          auto pass = [&](const std::function<void(Diagnosis&)>& use) {
            std::istringstream in(text);
            visit_stream(
                engine, in, "<frame>", *input,
                [&](const CodedSurvey& coded) {
                  Diagnosis d = diagnoser.diagnose(coded, target);
                  use(d);
                },
                options);
          };
          pass([&](Diagnosis& d) { cohort.add(d); });
          pass([&](Diagnosis& d) {
            cohort.tag(d);
            out.emplace_back(to_json(d), html ? enterprise_html(d, engine.rules()) : std::string());
          });
          cohort_json = cohort.to_json();
        }
        return std::make_pair(out, cohort_json);
      },
      py::arg("rules"), py::arg("text"), py::arg("format") = "jsonl",
      py::arg("target") = py::none(), py::arg("threshold") = py::none(),
      py::arg("by_district") = false, py::arg("missing") = "error", py::arg("html") = false,
      "Diagnoses every survey of a JSON Lines or CSV text: ([(diagnosis JSON, HTML)], cohort "
      "JSON).");
}

}  // namespace smedx::python
