// A small read-only hash table from names (item and scenario ids and codes) to indices, built
// once per rule set and probed for every answer of every survey: open addressing over a power
// of two with FNV-1a, which beats std::unordered_map's node chasing and prime modulo here.
#pragma once

#include <cstdint>
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
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t h = hash(name);
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (!s.used) return std::nullopt;
      if (s.hash == h && s.name == name) return s.value;
    }
  }

 private:
  struct Slot {
    std::string_view name;
    std::uint64_t hash = 0;
    std::uint32_t value = 0;
    bool used = false;
  };

  static std::uint64_t hash(std::string_view s) noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
  }
  std::size_t mask() const noexcept { return slots_.size() - 1; }

  void place(std::string_view name, std::uint32_t value) {
    const std::uint64_t h = hash(name);
    std::size_t i = h & mask();
    while (slots_[i].used) i = (i + 1) & mask();
    slots_[i] = Slot{name, h, value, true};
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
