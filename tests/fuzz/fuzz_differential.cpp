// One JSON survey three ways must score the same (level, total, error messages): parsed and
// scored on its own, scored as a one-record JSON Lines batch, and written back with
// to_json(Survey), parsed again and scored.
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "smedx/batch.h"
#include "smedx/record.h"
#include "smedx/survey_text.h"

namespace {

std::string describe(const smedx::Assessment& a) {
  std::string s = "level " + std::to_string(a.level) + " total " + a.total.to_string();
  for (const auto& e : a.errors) s += "\n  error: " + e.message;
  return s;
}

smedx::Assessment single(std::string_view json) {
  const auto parsed = smedx::parse_survey_json(json, "fuzz.jsonl", 1);
  if (!parsed.survey) return smedx::failed_assessment(parsed.enterprise_id, parsed.issues);
  return smedx::fuzz::engine().score(*parsed.survey);
}

void same(const smedx::Assessment& a, const smedx::Assessment& b, const char* what) {
  const std::string da = describe(a), db = describe(b);
  FUZZ_CHECK(da == db, std::string(what) + " differ:\n" + da + "\nvs\n" + db);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The batch reads lines: a text that is not exactly one non-blank line is not one record.
  if (text.find_first_of("\n\r") != std::string_view::npos) return 0;
  if (text.find_first_not_of(" \t") == std::string_view::npos) return 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") return 0;

  const smedx::Assessment one = single(text);

  std::istringstream in{std::string(text)};
  std::ostringstream out;
  std::optional<smedx::Assessment> batch;
  smedx::BatchOptions options;
  options.threads = 1;
  options.block_size = 1;  // the default block allocates 1,024 slots: slow to fuzz
  const auto summary = smedx::score_stream(
      smedx::fuzz::engine(), in, "fuzz.jsonl", smedx::InputFormat::jsonl,
      [&batch](const smedx::ScoredRecord& r) {
        batch = r.assessment();
        return std::string();
      },
      out, options);
  FUZZ_CHECK(summary.records == 1 && batch, "one line is not one record");
  // The batch decodes its input first (UTF-8 or GB18030, docs/surveys.md): bytes that do not
  // decode are the reader's error, which parse_survey_json, given text, words its own way.
  // Then both must refuse the record; otherwise they must agree exactly.
  const bool undecodable =
      !batch->errors.empty() && (batch->errors[0].message.starts_with("invalid UTF-8 byte") ||
                                 batch->errors[0].message.starts_with("invalid GB18030 bytes") ||
                                 batch->errors[0].message.starts_with("a NUL byte") ||
                                 batch->errors[0].message.starts_with("a byte order mark"));
  // Text that is not UTF-8 may still be GB18030, which only the batch reads.
  const bool not_utf8 =
      !one.errors.empty() && one.errors[0].message.find("not valid UTF-8") != std::string::npos;
  if (undecodable)
    FUZZ_CHECK(!one.errors.empty(), "the batch cannot decode a record that scores on its own");
  else if (!not_utf8)
    same(one, *batch, "single and batch");

  const auto parsed = smedx::parse_survey_json(text, "fuzz.jsonl", 1);
  if (!parsed.survey) return 0;
  const std::string written = smedx::to_json(*parsed.survey);
  same(one, single(written), "single and round trip");
  return 0;
}
