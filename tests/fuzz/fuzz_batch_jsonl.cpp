// A JSON Lines stream through score_stream: every non-blank line is one record and one output
// line, whatever it holds, and two threads with small blocks write the same bytes as one.
#include <cstdint>
#include <string_view>

#include "batch_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smedx::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto one = check_batch(text, smedx::InputFormat::jsonl, 1, 4096);
  FUZZ_CHECK(one.records == non_blank_lines(text), "records " + std::to_string(one.records) +
                                                       " != non-blank lines " +
                                                       std::to_string(non_blank_lines(text)));
  const auto two = check_batch(text, smedx::InputFormat::jsonl, 2, 3);
  FUZZ_CHECK(two.records == one.records && two.errors == one.errors, "threads change the counts");
  return 0;
}
