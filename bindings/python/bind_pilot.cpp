// The pilot programme from Python: the same Pilot and the same JSON writers as `smedx pilot`,
// so both give the same results; the Python side turns the JSON into DataFrames.
#include <pybind11/stl.h>

#include <filesystem>
#include <fstream>

#include "bindings.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace py = pybind11;

namespace smedx::python {

void bind_pilot(py::module_& m) {
  m.def(
      "pilot_files",
      [](const std::string& programme_path, const Loaded* rules, const std::string& providers,
         const std::string& register_file, const std::vector<std::string>& surveys,
         const std::optional<std::string>& evidence, const std::optional<std::string>& satisfaction,
         const std::optional<std::string>& as_of, unsigned threads) {
        const ProgrammeLoad prog = load_programme(programme_path);
        if (!prog.ok()) throw py::value_error(format_issues(prog.issues));
        const Programme& programme = *prog.programme;
        std::optional<LoadResult> own;
        std::shared_ptr<const Engine> own_engine;
        const Engine* engine = nullptr;
        if (rules) {
          engine = &rules->checked_engine();
        } else {
          own = load_rules(programme.rule_set_path);
          if (!own->ok()) throw py::value_error(format_issues(own->issues()));
          own_engine = std::make_shared<const Engine>(own->rules());
          engine = own_engine.get();
        }
        const auto& meta = engine->rules().meta;
        if (meta.id != programme.rule_set_id ||
            (!programme.rule_set_version.empty() && meta.version != programme.rule_set_version))
          throw py::value_error("the programme names rule set " + programme.rule_set_id + " " +
                                programme.rule_set_version + ", not " + meta.id + " " +
                                meta.version);
        std::optional<Date> when;
        if (as_of) {
          when = parse_date(*as_of);
          if (!when)
            throw py::value_error("as_of '" + *as_of + "' is not a date (expected yyyy-mm-dd)");
        }
        auto open = [](const std::string& file) {
          std::ifstream in(file, std::ios::binary);
          if (!in) throw py::value_error(file + ": cannot read");
          return in;
        };
        auto table = [&](const std::string& file) {
          const auto f = table_format_for(file);
          if (!f) throw py::value_error(file + ": expected a .csv or .jsonl file");
          return *f;
        };
        py::dict out;
        std::vector<std::string> acceptance, errors;
        std::string progress, provider_json, cases;
        PilotCounts counts;
        {
          Pilot p(programme, *engine);
          {
            py::gil_scoped_release release;
            auto in = open(providers);
            p.add_providers(in, providers, table(providers));
            auto reg = open(register_file);
            p.add_register(reg, register_file, table(register_file));
            if (evidence) {
              auto ev = open(*evidence);
              p.add_evidence(ev, *evidence, table(*evidence));
            }
            if (satisfaction) {
              auto sat = open(*satisfaction);
              p.add_satisfaction(sat, *satisfaction, table(*satisfaction));
            }
            for (const auto& file : surveys) {
              const auto f = input_format_for(file);
              if (!f) throw py::value_error(file + ": cannot tell the input format from the name");
              auto s = open(file);
              p.add_surveys(s, file, *f, nullptr, threads);
            }
            const PilotResult r = p.run(when);
            for (const auto& a : r.acceptance)
              acceptance.push_back(acceptance_json(a, engine->rules()));
            progress = progress_json(r.progress);
            provider_json = providers_json(r.providers);
            cases = cases_json(r.cases, engine->rules());
            for (const auto& e : p.errors()) errors.push_back(e.to_string());
            counts = p.counts();
          }
        }
        out["acceptance"] = acceptance;
        out["progress"] = progress;
        out["providers"] = provider_json;
        out["cases"] = cases;
        out["errors"] = errors;
        py::dict c;
        c["register_rows"] = counts.register_rows;
        c["enterprises"] = counts.enterprises;
        c["providers"] = counts.providers;
        c["evidence_rows"] = counts.evidence_rows;
        c["satisfaction_rows"] = counts.satisfaction_rows;
        c["survey_records"] = counts.survey_records;
        c["surveys_paired"] = counts.surveys_used;
        c["error_records"] = counts.error_records;
        out["counts"] = c;
        return out;
      },
      py::arg("programme"), py::arg("rules"), py::arg("providers"), py::arg("register"),
      py::arg("surveys"), py::arg("evidence") = py::none(), py::arg("satisfaction") = py::none(),
      py::arg("as_of") = py::none(), py::arg("threads") = 0,
      "Runs a pilot programme over its input files; the outputs as the JSON `smedx pilot` "
      "writes. `rules` None: the programme's own rule set.");
}

}  // namespace smedx::python
