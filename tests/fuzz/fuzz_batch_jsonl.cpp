// A JSON Lines stream through score_stream: every non-blank line is one record and one output
// line, whatever it holds, and blocks of 3 count the same as blocks of 64.
#include <cstdint>
#include <string_view>

#include "batch_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smedx::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto one = check_batch(text, smedx::InputFormat::jsonl, 1, 64);
  FUZZ_CHECK(one.records == non_blank_lines(text), "records " + std::to_string(one.records) +
                                                       " != non-blank lines " +
                                                       std::to_string(non_blank_lines(text)));
  const auto two = check_batch(text, smedx::InputFormat::jsonl, 2, 3);
  FUZZ_CHECK(two.records == one.records && two.errors == one.errors,
             "the block size changes the counts");
  return 0;
}
