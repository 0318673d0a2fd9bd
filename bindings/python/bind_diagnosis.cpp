// Diagnosis from Python: surveys as JSON Lines or CSV text, two passes as `smedx diagnose`
// makes them (the cohort first, then each enterprise's file with 共性/个性 tags).
#include <pybind11/stl.h>

#include <sstream>

#include "bindings.h"
#include "diagnose/report_html.h"
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
         std::optional<int> target, std::optional<std::string> threshold, bool by_district,
         const std::string& missing, bool html, bool cohort_tags) {
        const Engine& engine = rules.checked_engine();
        if (!engine.rules().diagnosis.present)
          throw py::value_error("the rule set has no diagnosis settings");
        const auto input = parse_input_format(format);
        if (!input) throw py::value_error("format must be jsonl or csv, got '" + format + "'");
        Decimal share = engine.rules().diagnosis.common_threshold;
        if (threshold) {
          const auto t = Decimal::parse(*threshold);
          if (!t || *t <= Decimal{} || *t > Decimal::from_int(1))
            throw py::value_error(
                "threshold takes a share above 0 and at most 1 with at most 3 "
                "decimals (0.5, 0.667), got " +
                *threshold);
          share = *t;
        }
        const int top = engine.rules().level_rule.top_level();
        if (target && (*target < 1 || *target > top))
          throw py::value_error("target level " + std::to_string(*target) +
                                " does not exist: the levels are 1–" + std::to_string(top));
        BatchOptions options;
        options.missing = missing_policy(missing);
        std::vector<std::pair<std::string, std::string>> out;
        std::string cohort_json;
        {
          py::gil_scoped_release release;
          const Diagnoser diagnoser(engine);
          Cohort cohort(engine.rules(), share, by_district);
          // The first pass makes only what the cohort counts and keeps each record's path plan,
          // so the second makes the paths from them instead of searching again (the search is
          // most of a diagnosis).
          std::vector<PathPlan> plans;
          auto pass = [&](const std::function<void(Diagnosis&)>& use, bool first) {
            std::istringstream in(text);
            std::size_t record = 0;
            visit_stream(
                engine, in, "<frame>", *input,
                [&](const CodedSurvey& coded) {
                  const PathPlan* known =
                      !first && record < plans.size() ? &plans[record] : nullptr;
                  Diagnosis d =
                      diagnoser.diagnose(coded, target, known,
                                         first ? DiagnosisDetail::cohort : DiagnosisDetail::full);
                  ++record;
                  use(d);
                  if (first) plans.push_back(std::move(d.path.plan));
                },
                options);
          };
          if (cohort_tags) pass([&](Diagnosis& d) { cohort.add(d); }, true);
          std::optional<detail::EnterpriseHtml> pages;  // what every page shares, made once
          if (html) pages.emplace(engine.rules());
          pass(
              [&](Diagnosis& d) {
                if (cohort_tags) cohort.tag(d);
                out.emplace_back(to_json(d), pages ? pages->render(d) : std::string());
              },
              false);
          cohort_json = cohort.to_json();
        }
        return std::make_pair(out, cohort_json);
      },
      py::arg("rules"), py::arg("text"), py::arg("format") = "jsonl",
      py::arg("target") = py::none(), py::arg("threshold") = py::none(),
      py::arg("by_district") = false, py::arg("missing") = "error", py::arg("html") = false,
      py::arg("cohort") = true,
      "Diagnoses every survey of a JSON Lines or CSV text: ([(diagnosis JSON, HTML)], cohort "
      "JSON).");
}

}  // namespace smedx::python
