// SHA-256 against the test vectors of FIPS 180-4 (NIST's examples) and NIST's long messages, fed
// whole and a piece at a time, since the provenance hash is only as good as this.
#include <doctest/doctest.h>

#include <string>

#include "common/sha256.h"

namespace {

std::string hex(smedx::detail::Sha256& s) {
  std::string out;
  for (const auto b : s.finish()) {
    static constexpr char digits[] = "0123456789abcdef";
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

}  // namespace

TEST_SUITE("sha256") {
  TEST_CASE("sha256.the FIPS 180-4 test vectors") {
    using smedx::detail::sha256_hex;
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(
              "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
              "klmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }

  TEST_CASE("sha256.fed a piece at a time it gives the digest of the whole") {
    // Lengths around the 55/56/64-byte padding edges, split at every place.
    for (std::size_t n : {55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u}) {
      std::string text;
      for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
      const std::string whole = smedx::detail::sha256_hex(text);
      for (std::size_t cut = 0; cut <= n; ++cut) {
        smedx::detail::Sha256 s;
        s.update(std::string_view(text).substr(0, cut));
        s.update(std::string_view(text).substr(cut));
        CAPTURE(n);
        CAPTURE(cut);
        CHECK(hex(s) == whole);
      }
    }
  }
}
