// The JSON writer: whatever bytes a survey brings, what is written is valid JSON.
#include <doctest/doctest.h>

#include <string>

#include "json_writer.h"

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  smedx::detail::escape(out, s);
  return out;
}

const std::string fffd = "\xEF\xBF\xBD";

}  // namespace

TEST_SUITE("json_writer") {
  TEST_CASE("json_writer.valid UTF-8 passes through, up to U+10FFFF") {
    CHECK(escaped("润泽 \xC2\x80 \xED\x9F\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF") ==
          "\"润泽 \xC2\x80 \xED\x9F\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF\"");
  }

  TEST_CASE("json_writer.overlong forms, surrogates and code points past U+10FFFF become U+FFFD") {
    // Found by fuzz_survey_yaml: an id of E0 8F B8 came out as is, and no JSON reader took it.
    CHECK(escaped("\xE0\x8F\xB8") == "\"" + fffd + fffd + fffd + "\"");
    CHECK(escaped("\xC0\xAF") == "\"" + fffd + fffd + "\"");
    CHECK(escaped("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");
    CHECK(escaped("\xF0\x8F\xBF\xBF") == "\"" + fffd + fffd + fffd + fffd + "\"");
    CHECK(escaped("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");
    CHECK(escaped("\xF5\x80\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");
  }

  TEST_CASE("json_writer.specials and controls escaped between runs copied as they are") {
    CHECK(escaped("") == "\"\"");
    CHECK(escaped("a\"b\\c\nd\te\rf\x01g\x7f润") == "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g\x7f润\"");
    CHECK(escaped("\"\"") == "\"\\\"\\\"\"");
    CHECK(escaped("ab\xE6\xB6") == "\"ab" + fffd + fffd + "\"");  // cut short at the end
  }
}
