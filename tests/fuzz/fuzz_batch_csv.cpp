// A CSV stream through score_stream: the first row is the header and every later row one
// record and one output line. Without quotes a row is exactly one non-blank physical line.
#include <cstdint>
#include <string_view>

#include "batch_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smedx::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto s = check_batch(text, smedx::InputFormat::csv, 1, 16);
  const std::size_t lines = non_blank_lines(text);
  const std::size_t rows = lines ? lines - 1 : 0;
  FUZZ_CHECK(s.records <= rows, "more records than rows");
  if (text.find('"') == std::string_view::npos)
    FUZZ_CHECK(s.records == rows,
               "records " + std::to_string(s.records) + " != rows " + std::to_string(rows));
  if (!s.fatal.empty()) FUZZ_CHECK(s.errors == s.records, "a bad header leaves a good record");
  return 0;
}
