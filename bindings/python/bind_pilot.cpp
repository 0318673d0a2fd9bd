// The pilot programme from Python: a door over run_pilot, the driver `smedx pilot` runs, so both
// read the same inputs and write the same files; the Python side turns the JSON into DataFrames.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "smedx/pilot.h"
#include "smedx/pilot_needs.h"
#include "smedx/pilot_products.h"
#include "smedx/pilot_run.h"
#include "smedx/projects.h"
#include "smedx/subsidy.h"

namespace py = pybind11;

namespace smedx::python {

void bind_pilot(py::module_& m) {
  m.def(
      "pilot_files",
      [](const std::string& programme, const Loaded* rules, const std::string& providers,
         const std::string& register_file, const std::vector<std::string>& surveys,
         const std::optional<std::string>& evidence, const std::optional<std::string>& satisfaction,
         const std::optional<std::string>& as_of, const pybind11::object& threads_arg, bool pages,
         const std::optional<std::string>& output, bool force,
         const std::optional<std::string>& selected, const std::string& headers,
         const std::optional<std::string>& investments, const std::optional<std::string>& projects,
         const std::optional<std::string>& report, const std::optional<std::string>& catalogue) {
        const unsigned threads = thread_count(threads_arg);
        PilotRequest request;
        request.programme = programme;
        if (rules) {
          rules->checked_engine();  // a rule set with errors is a ValueError here
          request.rules = rules->engine;
          request.rules_origin = rules->result.origin();
        }
        request.providers = providers;
        request.register_file = register_file;
        request.evidence = evidence.value_or("");
        request.satisfaction = satisfaction.value_or("");
        request.selected = selected.value_or("");
        if (headers != "en" && headers != "zh")
          throw py::value_error("headers '" + headers + "' is not one of: en, zh");
        request.headers = headers == "zh" ? CsvHeaders::zh : CsvHeaders::en;
        request.investments = investments.value_or("");
        request.projects = projects.value_or("");
        request.report = report.value_or("");
        request.catalogue = catalogue.value_or("");
        request.surveys = surveys;
        request.as_of = as_of.value_or("");
        request.threads = threads;
        request.pages = pages;

        std::optional<PilotRun> run;
        std::optional<std::string> refused;
        std::vector<std::string> acceptance, errors;
        std::string progress, provider_json, cases, subsidy, projects_text, products, needs;
        std::vector<std::string> warnings;
        {
          py::gil_scoped_release release;
          run.emplace(run_pilot(request));
          if (run->ok()) {
            if (output) refused = run->write_folder(*output, force);
            const PilotResult& r = run->result();
            for (const auto& a : r.acceptance)
              acceptance.push_back(acceptance_json(a, run->rules()));
            progress = progress_json(r.progress);
            provider_json = providers_json(r.providers);
            cases = cases_json(r.cases, run->rules());
            if (r.subsidy) subsidy = subsidy_json(run->programme(), *r.subsidy);
            if (r.projects) projects_text = projects_json(run->programme(), *r.projects);
            if (r.products) {
              products = pilot_products_json(run->programme(), *r.products, r);
              for (const auto& w : r.products->warnings) warnings.push_back(w.to_string());
            }
            if (r.needs) needs = needs_json(*r.needs);
            for (const auto& e : run->errors()) errors.push_back(e.to_string());
          }
        }
        if (!run->ok()) {
          std::string text = run->issues_text();
          while (!text.empty() && text.back() == '\n') text.pop_back();
          throw py::value_error(text);
        }
        if (refused) throw py::value_error(*refused);
        py::dict out;
        out["acceptance"] = acceptance;
        out["progress"] = progress;
        out["providers"] = provider_json;
        out["cases"] = cases;
        out["subsidy"] = subsidy.empty() ? py::object(py::none()) : py::object(py::str(subsidy));
        out["projects"] =
            projects_text.empty() ? py::object(py::none()) : py::object(py::str(projects_text));
        out["needs"] = needs.empty() ? py::object(py::none()) : py::object(py::str(needs));
        out["errors"] = errors;
        out["products"] = products.empty() ? py::object(py::none()) : py::object(py::str(products));
        out["warnings"] = warnings;
        const PilotCounts& counts = run->counts();
        py::dict c;
        c["register_rows"] = counts.register_rows;
        c["enterprises"] = counts.enterprises;
        c["providers"] = counts.providers;
        c["evidence_rows"] = counts.evidence_rows;
        c["satisfaction_rows"] = counts.satisfaction_rows;
        c["selected_rows"] = counts.selected_rows;
        c["survey_records"] = counts.survey_records;
        c["surveys_paired"] = counts.surveys_used;
        c["error_records"] = counts.error_records;
        c["investment_rows"] = counts.investment_rows;
        c["project_rows"] = counts.project_rows;
        out["counts"] = c;
        return out;
      },
      py::arg("programme"), py::arg("rules"), py::arg("providers"), py::arg("register"),
      py::arg("surveys"), py::arg("evidence") = py::none(), py::arg("satisfaction") = py::none(),
      py::arg("as_of") = py::none(), py::arg("threads") = 0, py::arg("pages") = true,
      py::arg("output") = py::none(), py::arg("force") = false, py::arg("selected") = py::none(),
      py::arg("headers") = "en", py::arg("investments") = py::none(),
      py::arg("projects") = py::none(), py::arg("report") = py::none(),
      py::arg("catalogue") = py::none(),
      "Runs a pilot programme over its input files (run_pilot, as `smedx pilot`); the outputs as "
      "the JSON `smedx pilot` writes. `rules` None: the programme's own rule set. `output`: also "
      "writes the folder `smedx pilot -o` writes, the same files. `catalogue`: the 产品矩阵 "
      "and product rating (products.json) and the register's solution warnings.");
}

}  // namespace smedx::python
