// The record writer's raw output: pieces of the padded pool and the survey's own text arrive
// whole whatever their length, though both are copied in chunks that run past their ends.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "batch/record_text.h"
#include "common/json_writer.h"

namespace {

// `n` bytes that differ from their neighbours, so a chunk copied from the wrong place shows.
std::string text_of(std::size_t n, char first) {
  std::string s;
  for (std::size_t k = 0; k < n; ++k) s += static_cast<char>(first + k % 61);
  return s;
}

}  // namespace

TEST_SUITE("record text") {
  TEST_CASE("record text.pool pieces of every length up to 100 bytes are copied whole") {
    smedx::detail::TextPool pool;
    std::vector<smedx::detail::TextPool::Piece> pieces;
    for (std::size_t n = 0; n <= 100; ++n) pieces.push_back(pool.add(text_of(n, 'A')));
    std::string want;
    std::vector<char> buffer(101 * 100 + smedx::detail::RawOut::slack);
    smedx::detail::RawOut out{buffer.data(), pool.data()};
    for (std::size_t n = 0; n <= 100; ++n) {
      CHECK(pool.view(pieces[n]) == text_of(n, 'A'));
      out += pieces[n];
      want += text_of(n, 'A');
    }
    CHECK(std::string(buffer.data(), out.p) == want);
  }

  TEST_CASE("record text.the survey's text of every length up to 100 bytes is copied whole") {
    std::string want;
    std::vector<char> buffer(101 * 100 + smedx::detail::RawOut::slack);
    smedx::detail::RawOut out{buffer.data(), nullptr};
    for (std::size_t n = 0; n <= 100; ++n) {
      const std::string s = text_of(n, '0');
      std::vector<char> exact(s.begin(), s.end());  // nothing readable past its end
      out.append(exact.data(), exact.size());
      want += s;
    }
    CHECK(std::string(buffer.data(), out.p) == want);
  }

  TEST_CASE("record text.strings escaped into the raw output as into a string") {
    for (std::string_view s :
         {"", "a", "plain", "SYN-00000001", "合成企业0", "equipment_parts", "引号\"和\\反斜杠",
          "tab\there\r\n", "\x01\x1f\x7f", "bad \xff\xfe utf-8 \xe4\xb8", "\xe4\xb8\xad文",
          "a long plain text of more than thirty-two bytes, with a \"quote\" near its end"}) {
      std::string want;
      smedx::detail::escape(want, s);
      std::vector<char> buffer(6 * s.size() + 2 + smedx::detail::RawOut::slack);
      smedx::detail::RawOut out{buffer.data(), nullptr};
      smedx::detail::escape_to(out, s);
      CHECK(std::string(buffer.data(), out.p) == want);
    }
  }

  TEST_CASE("record text.numbers go through the raw output as their text") {
    std::vector<char> buffer(64 + smedx::detail::RawOut::slack);
    smedx::detail::RawOut out{buffer.data(), nullptr};
    out.thousandths(44'200);
    out += ',';
    out.integer(-3);
    out += ',';
    out.thousandths(-1'000'000'500);
    CHECK(std::string(buffer.data(), out.p) == "44.2,-3,-1000000.5");
  }
}
