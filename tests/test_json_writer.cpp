// The JSON writer: whatever bytes a survey brings, what is written is valid JSON.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/json_writer.h"

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  smedx::detail::escape(out, s);
  return out;
}

const std::string fffd = "\xEF\xBF\xBD";

// The writer's rule one byte or sequence at a time, for comparing with its faster scan.
std::string escaped_slowly(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    bool cut = false;
    const std::size_t n = smedx::detail::utf8_sequence(
        reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i, cut);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n' || c == '\t' || c == '\r') {
      out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r";
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else if (n == 0) {
      out += fffd;
    } else {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  return out + "\"";
}

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

  TEST_CASE("json_writer.the 8-byte and Chinese-run scans agree with a byte at a time") {
    // Pieces that end a plain run or a run of Chinese at every offset: specials, controls, other
    // UTF-8 lengths, sequences that are not UTF-8 (E0 and ED leads, a lone continuation, one cut
    // short) and plain ASCII.
    const std::vector<std::string> pieces = {"a",
                                             "key_",
                                             "\"",
                                             "\\",
                                             "\n",
                                             "\x01",
                                             "\x1f",
                                             "\x7f",
                                             "润",
                                             "\xEF\xBC\x88",
                                             "\xC2\x80",
                                             "\xF0\x90\x80\x80",
                                             "\xE0\xA0\x80",
                                             "\xE0\x8F\xB8",
                                             "\xED\x9F\xBF",
                                             "\xED\xA0\x80",
                                             "\x80",
                                             "\xFF",
                                             "\xE6\xB6",
                                             "plain ascii text "};
    std::uint64_t seed = 12345;
    for (int round = 0; round < 5000; ++round) {
      std::string s;
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      const auto length = static_cast<int>(seed >> 59);  // 0-31 pieces
      for (int k = 0; k < length; ++k) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        s += pieces[(seed >> 33) % pieces.size()];
      }
      CAPTURE(s);
      CHECK(escaped(s) == escaped_slowly(s));
    }
  }
}
