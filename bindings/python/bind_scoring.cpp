// Scoring surveys given as JSON text: one at a time, or a batch on several threads.
#include <pybind11/stl.h>

#include <sstream>

#include "bindings.h"
#include "smedx/batch.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

namespace py = pybind11;

namespace smedx::python {

const Engine& Loaded::checked_engine() const {
  if (!engine) throw py::value_error("the rule set has errors and cannot score");
  return *engine;
}

MissingPolicy missing_policy(const std::string& name) {
  if (name == "error") return MissingPolicy::error;
  if (name == "zero") return MissingPolicy::zero;
  throw py::value_error("missing must be 'error' or 'zero', got '" + name + "'");
}

void bind_scoring(py::module_& m) {
  m.def(
      "score_json",
      [](const Loaded& rules, const std::string& json, const std::string& missing) {
        const Engine& engine = rules.checked_engine();
        const MissingPolicy policy = missing_policy(missing);
        py::gil_scoped_release release;
        CodedSurvey coded;
        engine.code_json(json, Location{"<survey>", 1, 1}, policy, coded);
        BlockScores scores;
        engine.score_block(std::span<const CodedSurvey>(&coded, 1), scores);
        const Assessment a = engine.assessment(coded, scores, 0);
        return std::make_pair(to_json(a), a.errors);
      },
      py::arg("rules"), py::arg("json"), py::arg("missing") = "error",
      "Scores one survey JSON object; returns (the JSON record, its errors).");

  m.def(
      "score_jsonl",
      [](const Loaded& rules, const std::string& jsonl, const std::string& source,
         const std::string& missing, unsigned threads) {
        const Engine& engine = rules.checked_engine();
        BatchOptions options;
        options.missing = missing_policy(missing);
        options.threads = threads;
        std::vector<std::string> records;
        {
          py::gil_scoped_release release;
          std::istringstream in(jsonl);
          std::ostringstream out;
          score_stream(
              engine, in, source, InputFormat::jsonl,
              [](const ScoredRecord& r) { return to_json(r.assessment()); }, out, options);
          std::istringstream lines(std::move(out).str());
          for (std::string line; std::getline(lines, line);) records.push_back(std::move(line));
        }
        return records;
      },
      py::arg("rules"), py::arg("jsonl"), py::arg("source") = "<surveys>",
      py::arg("missing") = "error", py::arg("threads") = 0,
      "Scores JSON Lines text on `threads` threads, the calling one included (0: all cores); "
      "returns one JSON record per non-blank line.");
}

}  // namespace smedx::python
