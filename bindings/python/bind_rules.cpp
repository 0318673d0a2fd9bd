// Loading rule sets and their diagnostics.
#include <pybind11/stl.h>

#include "bindings.h"
#include "smedx/data_path.h"
#include "smedx/engine.h"
#include "smedx/errors.h"
#include "smedx/load.h"
#include "smedx/summary.h"

namespace py = pybind11;

namespace smedx::python {

void bind_rules(py::module_& m) {
  py::class_<Issue>(m, "Issue", "One diagnostic: severity, message, place.")
      .def_property_readonly("severity",
                             [](const Issue& i) { return std::string(to_string(i.severity)); })
      .def_readonly("message", &Issue::message)
      .def_readonly("path", &Issue::path)
      .def_property_readonly("file", [](const Issue& i) { return i.where.file; })
      .def_property_readonly("line", [](const Issue& i) { return i.where.line; })
      .def_property_readonly("column", [](const Issue& i) { return i.where.column; })
      .def_readonly("source_line", &Issue::source_line)
      .def_readonly("code", &Issue::code, "A survey problem's stable code (docs/messages.md).")
      .def_readonly("args", &Issue::args)
      .def_readonly("suggestion", &Issue::suggestion)
      .def(
          "text",
          [](const Issue& i, const std::string& lang) {
            const auto l = parse_lang(lang);
            if (!l) throw py::value_error("lang: expected 'zh' or 'en', got '" + lang + "'");
            return message_text(i, *l);
          },
          py::arg("lang") = "zh", "The message in Chinese ('zh') or English ('en').")
      .def("__str__", &Issue::to_string);
  m.def(
      "message_kinds",
      [] {
        std::vector<std::tuple<std::string, std::string, std::string, std::string>> out;
        for (const auto& k : message_kinds())
          out.emplace_back(k.code, to_string(k.severity), k.zh, k.en);
        return out;
      },
      "Every kind of survey problem: (code, severity, Chinese template, English template).");

  py::class_<Loaded, std::shared_ptr<Loaded>>(m, "Loaded", "A rule set as loaded, with its engine.")
      .def_property_readonly("ok", [](const Loaded& l) { return l.result.ok(); })
      .def_property_readonly("issues", [](const Loaded& l) { return l.result.issues(); })
      .def_property_readonly("origin", [](const Loaded& l) { return l.result.origin(); })
      .def(
          "error_message",
          [](const Loaded& l) { return std::string(RuleSetError(l.result.issues()).what()); },
          "The message of the C++ RuleSetError for these issues.")
      .def("summary", [](const Loaded& l) { return summarize(l.result.rules()); })
      .def_property_readonly("id", [](const Loaded& l) { return l.result.rules().meta.id; })
      .def_property_readonly("version",
                             [](const Loaded& l) { return l.result.rules().meta.version; })
      .def_property_readonly("title", [](const Loaded& l) { return l.result.rules().meta.title; })
      .def_property_readonly("hash", [](const Loaded& l) { return l.result.rules().content_hash; })
      .def(
          "items",
          [](const Loaded& l) {
            std::vector<std::tuple<std::string, std::string, std::string, std::string>> out;
            for (const Item* i : l.result.rules().items())
              out.emplace_back(i->id, i->code, std::string(to_string(i->kind)), i->zh);
            return out;
          },
          "(id, code, kind, zh) of every item, in rule-set order.")
      .def(
          "scenarios",
          [](const Loaded& l) {
            std::vector<std::tuple<std::string, std::string, bool, std::string>> out;
            for (const auto& s : l.result.rules().scenarios)
              out.emplace_back(s.id, s.code, s.constraint, s.zh);
            return out;
          },
          "(id, code, constraint, zh) of every scenario, in rule-set order.")
      .def(
          "item_details",
          [](const Loaded& l) {
            using Opt = std::tuple<std::string, std::string, std::string, bool>;
            std::vector<std::tuple<std::string, std::string, std::vector<Opt>>> out;
            for (const Item* i : l.result.rules().items()) {
              std::vector<Opt> options;
              for (const auto& o : i->options)
                options.emplace_back(std::string(1, o.letter), o.zh, o.points.to_string(), o.none);
              out.emplace_back(i->id, i->question, std::move(options));
            }
            return out;
          },
          "(id, question, [(letter, zh, exact points text, none)]) of every item, in rule-set "
          "order.")
      .def(
          "profiles",
          [](const Loaded& l) {
            std::vector<std::tuple<std::string, std::string>> out;
            for (const auto& p : l.result.rules().profiles) out.emplace_back(p.id, p.zh);
            return out;
          },
          "(id, zh) of every industry profile, in rule-set order.")
      .def(
          "scenario_levels",
          [](const Loaded& l) {
            std::vector<std::tuple<std::string, std::vector<std::string>>> out;
            for (const auto& s : l.result.rules().scenarios) {
              std::vector<std::string> texts;
              for (const auto& level : s.levels) texts.push_back(level.zh);
              out.emplace_back(s.id, std::move(texts));
            }
            return out;
          },
          "(id, [zh text of level 1, 2, ...]) of every scenario, in rule-set order.")
      .def(
          "dimensions",
          [](const Loaded& l) {
            std::vector<std::tuple<std::string, std::string, double>> out;
            for (const auto& d : l.result.rules().dimensions)
              out.emplace_back(d.id, d.zh, d.max.to_double());
            return out;
          },
          "(id, zh, max points) of every dimension.")
      .def(
          "levels",
          [](const Loaded& l) {
            std::vector<std::tuple<int, std::string, double, int, int>> out;
            for (const auto& r : l.result.rules().level_rule.levels)
              out.emplace_back(r.level, r.zh, r.min_points.to_double(), r.min_scenarios,
                               r.min_constraint);
            return out;
          },
          "(level, zh, min points, min scenarios, min constraint) of every level.");

  m.def(
      "load",
      [](const std::string& path) {
        auto loaded = std::make_shared<Loaded>(Loaded{load_rules(path), nullptr});
        if (loaded->result.ok())
          loaded->engine = std::make_shared<const Engine>(loaded->result.rules());
        return loaded;
      },
      py::arg("path"),
      "Loads a rule set from a folder or YAML file; never raises for bad content.");
  m.def("format_issues", &format_issues, py::arg("issues"),
        "Every issue in the diagnostic format, then a count line.");

  // Installed data by name: the C++ search path (smedx/data_path.h), so that Python, the
  // command and C++ find the same files.
  m.def(
      "find_data",
      [](const std::string& name_or_path, const std::string& kind) {
        const DataKind k = kind == "programme"   ? DataKind::programme
                           : kind == "catalogue" ? DataKind::catalogue
                                                 : DataKind::rule_set;
        const DataLookup found = find_data(name_or_path, k);
        return std::make_pair(
            found.path ? std::optional<std::string>(found.path->string()) : std::nullopt,
            found.problem);
      },
      py::arg("name_or_path"), py::arg("kind") = "rule_set",
      "(path found or None, the problem saying what was tried) for a path or an installed "
      "name; kind: rule_set, programme or catalogue.");
  m.def(
      "add_data_folder", [](const std::string& folder) { add_data_folder(folder); },
      py::arg("folder"), "Adds a data folder to the search path, after SMEDX_PATH.");
  m.def(
      "data_path",
      [] {
        std::vector<std::string> out;
        for (const auto& p : data_path()) out.push_back(p.string());
        return out;
      },
      "The data folders searched for names, in order.");
}

}  // namespace smedx::python
