// Scoring surveys given as JSON text: one at a time, or a batch on several threads; and reading
// survey files as smedx score reads them (format, encoding, CSV rows), for read_surveys.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <optional>
#include <sstream>
#include <tuple>

#include "bindings.h"
#include "smedx/batch.h"
#include "smedx/input.h"
#include "smedx/record.h"
#include "smedx/survey_csv.h"
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

unsigned thread_count(const py::handle& threads) {
  constexpr long long most = 1024;  // as smedx score --threads
  if (threads.is_none()) return 0;
  const std::string shown = py::repr(threads).cast<std::string>();
  if (py::isinstance<py::bool_>(threads) || !py::isinstance<py::int_>(threads))
    throw py::value_error("threads must be a whole number, got " + shown);
  // A Python int of any size: compared as text beyond long long, never wrapped.
  long long n = -1;
  try {
    n = threads.cast<long long>();
  } catch (const py::cast_error&) {
  }
  if (n >= 0 && n <= most) return static_cast<unsigned>(n);
  // The words of run_pilot's check, so every door says the same.
  throw py::value_error("threads " + shown + " is out of range: 1 to " + std::to_string(most) +
                        ", or 0 for all cores");
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
         const std::string& missing, const pybind11::object& threads_arg) {
        const unsigned threads = thread_count(threads_arg);
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

  m.def(
      "input_format",
      [](const std::string& path) -> std::optional<std::string_view> {
        if (const auto f = input_format_for(path)) return input_format_name(*f);
        return std::nullopt;
      },
      py::arg("path"),
      "The survey format a file's extension names ('jsonl', 'csv', 'json', 'yaml'), or None.");

  m.def(
      "decode_text",
      [](const py::bytes& data, const std::string& encoding) {
        const auto given = parse_text_encoding(encoding);
        if (!given)
          throw py::value_error(
              fmt::format("unknown encoding '{}' (expected auto, utf-8 or gb18030)", encoding));
        char* bytes = nullptr;
        Py_ssize_t size = 0;
        if (PyBytes_AsStringAndSize(data.ptr(), &bytes, &size) != 0) throw py::error_already_set();
        DecodedText decoded;
        {
          py::gil_scoped_release release;
          decoded = decode_text(std::string_view(bytes, static_cast<std::size_t>(size)), *given);
        }
        return std::tuple{py::str(decoded.text), text_encoding_name(decoded.encoding),
                          decoded.ok() ? std::nullopt : std::optional(decoded.problem),
                          decoded.line};
      },
      py::arg("data"), py::arg("encoding") = "auto",
      "A survey file's bytes decoded as smedx score decodes them (docs/surveys.md, Encodings): "
      "(text, encoding read, problem, line). `problem` is None when every byte decoded, else "
      "what did not ('invalid UTF-8 byte 0xff on line 3 at byte offset 706'), on line `line`, "
      "and text is empty. Raises ValueError for an encoding that is not auto, utf-8 or "
      "gb18030.");

  m.def(
      "check_csv_rows",
      [](std::string_view text) {
        std::vector<Issue> issues;
        {
          py::gil_scoped_release release;
          issues = check_csv_rows(text);
        }
        std::vector<std::pair<int, std::string>> out;
        for (auto& i : issues) out.emplace_back(i.where.line, std::move(i.message));
        return out;
      },
      py::arg("text"),
      "The rows of a CSV text smedx score could not read under its header (a field too many or "
      "too few, a quoted field left open), as (line, message), in order.");
}

}  // namespace smedx::python
