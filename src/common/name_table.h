// A small read-only hash table from names (item and scenario ids and codes) to indices, built
// once per rule set and probed for every answer of every survey: open addressing over a power
// of two with a word-at-a-time hash, which beats std::unordered_map's node chasing and prime
// modulo here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace smedx::detail {

class NameTable {
 public:
  // Adds a name; the first value given for a name wins. Names must outlive the table.
  void add(std::string_view name, std::uint32_t value) {
    if (find(name)) return;
    if ((count_ + 1) * 4 > slots_.size()) grow();
    place(name, value);
    ++count_;
  }

  std::optional<std::uint32_t> find(std::string_view name) const noexcept {
    std::size_t slot = 0;
    return probe(name, slot);
  }

  // The same, trying slot `hint` first and setting it to the slot found: survey after survey
  // puts the same keys in the same places, so a caller that keeps a hint a place mostly
  // compares one name and hashes none. Any number is a safe hint (names are unique).
  std::optional<std::uint32_t> find(std::string_view name, std::uint32_t& hint) const noexcept {
    if (hint < slots_.size() && slots_[hint].used && same(slots_[hint].name, name))
      return slots_[hint].value;
    std::size_t slot = 0;
    const auto found = probe(name, slot);
    if (found) hint = static_cast<std::uint32_t>(slot);
    return found;
  }

  // The name in slot `hint`, for a reader to look for as it is between quotes (it holds no
  // quote, backslash or control byte); a view with no data when there is none.
  std::string_view expected(std::uint32_t hint) const noexcept {
    if (hint >= slots_.size() || !slots_[hint].quotable) return {};
    return slots_[hint].name;
  }
  // The value of the name in slot `hint`, which expected(hint) gave.
  std::uint32_t value_at(std::uint32_t hint) const noexcept { return slots_[hint].value; }

  // Equal names, compared a word at a time in line (a call to memcmp costs more than these
  // short names do): the first and the last word (overlapping when shorter than two), OR-ed
  // together so that a name's length picks one path instead of a loop a byte or a word.
  [[gnu::always_inline]] static bool same(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    if (n >= 8) {
      std::uint64_t diff = (load<std::uint64_t>(a, 0) ^ load<std::uint64_t>(b, 0)) |
                           (load<std::uint64_t>(a, n - 8) ^ load<std::uint64_t>(b, n - 8));
      for (std::size_t k = 8; k + 8 < n; k += 8)  // the middle of a name over 16
        diff |= load<std::uint64_t>(a, k) ^ load<std::uint64_t>(b, k);
      return diff == 0;
    }
    if (n >= 4)
      return ((load<std::uint32_t>(a, 0) ^ load<std::uint32_t>(b, 0)) |
              (load<std::uint32_t>(a, n - 4) ^ load<std::uint32_t>(b, n - 4))) == 0;
    unsigned diff = 0;
    for (std::size_t k = 0; k < n; ++k) diff |= static_cast<unsigned char>(a[k] ^ b[k]);
    return diff == 0;
  }

 private:
  struct Slot {
    std::string_view name;
    std::uint64_t hash = 0;
    std::uint32_t value = 0;
    bool used = false;
    bool quotable = false;  // see expected()
  };

  // Names are short ASCII ids and codes ("equipment_digitization", "F2"), probed a few dozen
  // times a survey: read 8 bytes at a time (the last 8 overlapping), with the length, in a
  // multiply a word where a byte-at-a-time hash costs a multiply a byte. A collision only
  // costs a probe: `find` compares the names.
  static std::uint64_t hash(std::string_view s) noexcept {
    const std::size_t n = s.size();
    const char* p = s.data();
    std::uint64_t a = 0, b = 0;
    if (n >= 8) {
      std::memcpy(&a, p, 8);
      std::memcpy(&b, p + n - 8, 8);
      for (std::size_t k = 8; k + 8 < n; k += 8) {  // the middle of a longer name
        std::uint64_t m = 0;
        std::memcpy(&m, p + k, 8);
        a = (a ^ m) * 0x9E3779B97F4A7C15ull;
      }
    } else if (n >= 4) {
      std::uint32_t x = 0, y = 0;
      std::memcpy(&x, p, 4);
      std::memcpy(&y, p + n - 4, 4);
      a = x;
      b = y;
    } else if (n > 0) {
      a = static_cast<unsigned char>(p[0]) |
          std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
          std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
    }
    std::uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull) ^ n) * 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
  }
  std::optional<std::uint32_t> probe(std::string_view name, std::size_t& slot) const noexcept {
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t h = hash(name);
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (!s.used) return std::nullopt;
      if (s.hash == h && same(s.name, name)) {
        slot = i;
        return s.value;
      }
    }
  }

  template <typename Word>
  static Word load(std::string_view s, std::size_t at) noexcept {
    Word w;
    std::memcpy(&w, s.data() + at, sizeof w);
    return w;
  }
  std::size_t mask() const noexcept { return slots_.size() - 1; }

  void place(std::string_view name, std::uint32_t value) {
    const std::uint64_t h = hash(name);
    std::size_t i = h & mask();
    while (slots_[i].used) i = (i + 1) & mask();
    const bool quotable = std::none_of(name.begin(), name.end(), [](char c) {
      return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
    });
    slots_[i] = Slot{name, h, value, true, quotable};
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    for (const Slot& s : old)
      if (s.used) place(s.name, s.value);
  }

  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace smedx::detail
