// One table of a pilot, hostile: the first byte picks the table (its value mod 4: providers,
// register, evidence, satisfaction) and the format (bit 2: CSV or JSON Lines; so '0'-'3' are
// CSV, '4'-'7' JSON Lines), the rest is its text. The other tables and the surveys are the
// example pilot's (pilot_check.h), so the evaluation runs on whatever the hostile table let in.
// Every record read is either kept or an error record, the errors name the table and a line of
// it, every output is well formed, and the same bytes evaluate to the same outputs twice.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "batch_check.h"
#include "pilot_check.h"
#include "smedx/load.h"

namespace {

using namespace smedx;
using namespace smedx::fuzz;

const Programme& programme() {
  static const Programme p = [] {
    auto loaded = load_programme(SMEDX_SOURCE_DIR "/programmes/dongying-2026");
    FUZZ_CHECK(loaded.ok(), "the dongying-2026 programme does not load");
    return std::move(*loaded.programme);
  }();
  return p;
}

struct Run {
  TableRead read;
  std::string outputs;
  std::size_t ratings = 0;  // satisfaction ratings the evaluation counted
};

Run run(const Replacement& r) {
  Pilot pilot(programme(), engine());
  Run out;
  out.read = feed(pilot, r);
  const PilotResult result = pilot.run();
  for (const auto& p : result.providers) out.ratings += static_cast<std::size_t>(p.ratings);
  out.outputs = outputs(pilot, result);
  // The errors of the table itself: each names it and a line of its text.
  const std::size_t lines =
      1 + static_cast<std::size_t>(std::count(r.text.begin(), r.text.end(), '\n'));
  for (std::size_t k = out.read.errors_before; k < out.read.errors_after; ++k) {
    const Issue& e = pilot.errors()[k];
    FUZZ_CHECK(e.severity == Severity::error && !e.message.empty(), "an empty error");
    FUZZ_CHECK(e.where.file == r.source, "an error of " + std::string(r.source) + " names " +
                                             e.where.file + ": " + e.message);
    FUZZ_CHECK(e.where.line >= 1 && static_cast<std::size_t>(e.where.line) <= lines,
               "an error on line " + std::to_string(e.where.line) + " of a text of " +
                   std::to_string(lines) + " lines: " + e.message);
  }
  return out;
}

std::size_t rows_of(const PilotCounts& c, PilotTable t) {
  switch (t) {
    case PilotTable::providers:
      return c.providers_rows;
    case PilotTable::register_:
      return c.register_rows;
    case PilotTable::evidence:
      return c.evidence_rows;
    case PilotTable::satisfaction:
      return c.satisfaction_rows;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Replacement r;
  r.table = static_cast<PilotTable>(data[0] & 3);
  r.format = data[0] & 4 ? TableFormat::jsonl : TableFormat::csv;
  r.text = std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1);
  r.source = r.format == TableFormat::csv ? "fuzz.csv" : "fuzz.jsonl";
  const Run one = run(r);

  // Every record read is kept or is an error record, never both and never neither.
  const TableRead& t = one.read;
  const std::size_t rows = rows_of(t.after, r.table) - rows_of(t.before, r.table);
  const std::size_t bad = t.after.error_records - t.before.error_records;
  const std::string counted = std::string(name(r.table)) + ": " + std::to_string(rows) + " rows, " +
                              std::to_string(bad) + " error records";
  FUZZ_CHECK(bad <= rows, counted);
  switch (r.table) {
    case PilotTable::providers:
      FUZZ_CHECK(rows == t.after.providers + bad,
                 counted + ", " + std::to_string(t.after.providers) + " kept");
      break;
    case PilotTable::register_:
      FUZZ_CHECK(rows == t.after.enterprises + bad,
                 counted + ", " + std::to_string(t.after.enterprises) + " kept");
      break;
    case PilotTable::evidence:
      // At most one evidence record an enterprise is kept.
      FUZZ_CHECK(rows - bad <= t.after.enterprises, counted);
      break;
    case PilotTable::satisfaction:
      FUZZ_CHECK(rows == one.ratings + bad,
                 counted + ", " + std::to_string(one.ratings) + " ratings evaluated");
      break;
  }
  // Lines and records: a JSON Lines record is a non-blank line; a CSV without quotes is a header
  // and one row a line, unless the header cannot be read at all (then it is an error).
  const std::size_t lines = non_blank_lines(r.text);
  if (r.format == TableFormat::jsonl)
    FUZZ_CHECK(rows == lines, counted + ", " + std::to_string(lines) + " non-blank lines");
  else if (r.text.find('"') == std::string_view::npos)
    FUZZ_CHECK(rows == (lines ? lines - 1 : 0) || (rows == 0 && t.errors_after > t.errors_before),
               counted + ", " + std::to_string(lines) + " non-blank lines");

  // The same bytes, the same outputs (small inputs: the run is the slow part).
  if (size <= 1024) {
    const Run two = run(r);
    FUZZ_CHECK(one.outputs == two.outputs, "two runs of the same input differ");
  }
  return 0;
}
