// SHA-256 (FIPS 180-4), for the provenance hash of a rule set: a digest anyone can recompute
// with sha256sum (docs/provenance.md). Small and self-contained, so smedx needs no crypto
// library for one hash of a few kilobytes per load.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smedx::detail {

class Sha256 {
 public:
  Sha256() noexcept;
  void update(std::string_view bytes) noexcept;
  // The digest of everything updated so far; the object is spent after.
  std::array<std::uint8_t, 32> finish() noexcept;

 private:
  void block(const std::uint8_t* p) noexcept;
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;  // bytes
};

// The digest of `bytes` as 64 lowercase hexadecimal digits, as sha256sum prints it.
std::string sha256_hex(std::string_view bytes);

}  // namespace smedx::detail
