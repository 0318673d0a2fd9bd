// What the two pilot harnesses share: the example pilot's tables (examples/pilot/, cut to its
// first enterprises so that an input runs in a millisecond or so), a Pilot fed with them in the
// order it asks for, one of them replaced by the fuzzer's text, and its evaluation written out
// through every public writer, each JSON output checked to be valid JSON.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "smedx/pilot.h"
#include "smedx/survey_csv.h"

namespace smedx::fuzz {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  FUZZ_CHECK(!text.empty(), "cannot read " + path);
  return text;
}

inline std::string first_lines(std::string_view text, std::size_t n) {
  std::size_t end = 0;
  for (std::size_t k = 0; k < n && end < text.size(); ++k)
    end = std::min(text.find('\n', end), text.size()) + 1;
  return std::string(text.substr(0, std::min(end, text.size())));
}

// The tables of a Pilot, in the order it reads them.
enum class PilotTable { providers, register_, evidence, satisfaction };

inline const char* name(PilotTable t) {
  switch (t) {
    case PilotTable::providers:
      return "providers";
    case PilotTable::register_:
      return "register";
    case PilotTable::evidence:
      return "evidence";
    case PilotTable::satisfaction:
      return "satisfaction";
  }
  return "";
}

// The example pilot's first 19 enterprises: their providers, register rows, evidence and
// satisfaction rows, and the baseline and acceptance surveys of those that have one.
struct ExampleTables {
  std::string providers, register_, evidence, satisfaction, surveys;
};

inline const ExampleTables& example_tables() {
  static const ExampleTables t = [] {
    const std::string dir = SMEDX_SOURCE_DIR "/examples/pilot/";
    ExampleTables e;
    e.providers = read_text(dir + "providers.csv");
    e.register_ = first_lines(read_text(dir + "register.csv"), 20);
    e.evidence = first_lines(read_text(dir + "evidence.csv"), 20);
    e.satisfaction = first_lines(read_text(dir + "satisfaction.jsonl"), 20);
    std::set<std::string> ids;
    std::istringstream rows(e.register_);
    std::string row;
    std::getline(rows, row);  // the header
    while (std::getline(rows, row)) ids.insert(row.substr(0, row.find(',')));
    for (const char* file : {"baseline.jsonl", "acceptance.jsonl"}) {
      std::istringstream lines(read_text(dir + file));
      std::string line;
      while (std::getline(lines, line)) {
        const std::size_t at = line.find("\"id\":\"");
        const std::size_t end = at == std::string::npos ? at : line.find('"', at + 6);
        if (end != std::string::npos && ids.count(line.substr(at + 6, end - at - 6)))
          e.surveys += line + '\n';
      }
    }
    FUZZ_CHECK(!e.surveys.empty(), "no example survey for the first enterprises");
    return e;
  }();
  return t;
}

// One table's text in place of the example's.
struct Replacement {
  PilotTable table = PilotTable::providers;
  TableFormat format = TableFormat::csv;
  std::string_view text;
  std::string_view source;  // the file name its errors must carry
};

// What reading the replaced table did: the counts and errors just before and just after it.
struct TableRead {
  PilotCounts before, after;
  std::size_t errors_before = 0, errors_after = 0;
};

// Adds the example tables (one of them replaced) and the example surveys, in Pilot's order.
inline TableRead feed(Pilot& pilot, const std::optional<Replacement>& r) {
  const ExampleTables& ex = example_tables();
  TableRead read;
  auto add = [&](PilotTable t, const std::string& example, auto member) {
    const bool replaced = r && r->table == t;
    if (replaced) {
      read.before = pilot.counts();
      read.errors_before = pilot.errors().size();
    }
    std::istringstream in{replaced ? std::string(r->text) : example};
    const std::string_view source =
        replaced ? r->source
                 : std::string_view(t == PilotTable::satisfaction ? "ex.jsonl" : "ex.csv");
    const TableFormat format = replaced                        ? r->format
                               : t == PilotTable::satisfaction ? TableFormat::jsonl
                                                               : TableFormat::csv;
    (pilot.*member)(in, source, format);
    if (replaced) {
      read.after = pilot.counts();
      read.errors_after = pilot.errors().size();
    }
  };
  add(PilotTable::providers, ex.providers, &Pilot::add_providers);
  add(PilotTable::register_, ex.register_, &Pilot::add_register);
  add(PilotTable::evidence, ex.evidence, &Pilot::add_evidence);
  add(PilotTable::satisfaction, ex.satisfaction, &Pilot::add_satisfaction);
  std::istringstream surveys{ex.surveys};
  pilot.add_surveys(surveys, "ex-surveys.jsonl", InputFormat::jsonl, nullptr, 1);
  return read;
}

// True when `text` is one JSON document (any number of lines); simdjson also rejects invalid
// UTF-8.
inline bool is_json(std::string_view text) {
  static simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  return parser.parse(padded).error() == simdjson::SUCCESS;
}

// Every output of an evaluation, as one text: what two runs of the same input must agree on.
// Each JSON output must be valid JSON, each acceptance record one line of it and one CSV row
// of 15 fields.
inline std::string outputs(const Pilot& pilot, const PilotResult& result) {
  std::string all;
  for (const auto& e : pilot.errors()) all += e.to_string();
  const PilotCounts& c = pilot.counts();
  for (std::size_t n :
       {c.register_rows, c.enterprises, c.providers_rows, c.providers, c.evidence_rows,
        c.satisfaction_rows, c.survey_records, c.surveys_used, c.error_records})
    all += std::to_string(n) + ' ';
  all += '\n';
  all += acceptance_csv_header();
  for (const auto& r : result.acceptance) {
    const std::string json = acceptance_json(r, pilot.rules());
    FUZZ_CHECK(is_json_line(json.substr(0, json.find_last_not_of('\n') + 1)),
               "acceptance record JSON: " + json);
    all += json;
    const std::string row = acceptance_csv(r);
    const auto cells = split_csv(row);
    FUZZ_CHECK(cells && cells->size() == 15, "acceptance CSV row: " + row);
    all += row;
  }
  const std::string progress = progress_json(result.progress);
  FUZZ_CHECK(is_json(progress), "progress JSON: " + progress);
  const std::string providers = providers_json(result.providers);
  FUZZ_CHECK(is_json(providers), "providers JSON: " + providers);
  const std::string cases = cases_json(result.cases, pilot.rules());
  FUZZ_CHECK(is_json(cases), "cases JSON: " + cases);
  all += progress + providers + providers_csv(result.providers) + cases;
  // Pages named by id, as the driver names them (less its renaming): hrefs from hostile ids.
  std::vector<std::string> pages;
  for (const auto& r : result.acceptance) pages.push_back(r.enterprise->id + ".html");
  all += dashboard_html(pilot.programme(), result, pages);
  if (!result.acceptance.empty())
    all += acceptance_html(pilot.programme(), result.acceptance.front(), pilot.rules());
  return all;
}

}  // namespace smedx::fuzz
