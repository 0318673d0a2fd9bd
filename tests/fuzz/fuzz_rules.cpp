// Rule-set reader: any YAML text loads to a result or a list of issues, never a crash. A rule
// set that loads compiles into an engine that scores a survey answering nothing.
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const smedx::LoadResult loaded = smedx::load_rules_from_string(text, "fuzz.yaml");
  for (const auto& issue : loaded.issues()) FUZZ_CHECK(!issue.message.empty(), "an empty message");
  if (!loaded.ok()) return 0;
  const smedx::Engine engine(loaded.rules());
  const smedx::Survey nothing;
  const auto error = engine.score(nothing, smedx::MissingPolicy::error);
  const auto zero = engine.score(nothing, smedx::MissingPolicy::zero);
  FUZZ_CHECK(smedx::fuzz::is_json_line(smedx::to_json(error)), "assessment JSON");
  FUZZ_CHECK(smedx::fuzz::is_json_line(smedx::to_json(zero)), "assessment JSON");
  return 0;
}
