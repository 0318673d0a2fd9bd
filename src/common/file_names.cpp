#include "common/file_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "common/utf8.h"

namespace smedx::detail {

namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

FileNames::FileNames(std::initializer_list<std::string_view> reserved) {
  for (const auto r : reserved) used_.insert(lower(std::string(r)));
}

std::string FileNames::stem(std::string_view id) {
  std::string stem;
  for (std::size_t i = 0; i < id.size();) {
    const auto c = static_cast<unsigned char>(id[i]);
    bool cut = false;
    const std::size_t n =
        c < 0x80 ? 1
                 : detail::utf8_sequence(reinterpret_cast<const unsigned char*>(id.data()) + i,
                                         id.size() - i, cut);
    if (n == 0) {  // not UTF-8: one byte at a time
      stem += '_';
      ++i;
      continue;
    }
    if (n == 1 && (c < 0x20 || c == 0x7f ||
                   std::string_view("/\\<>:\"|?*").find(id[i]) != std::string_view::npos))
      stem += '_';
    else
      stem.append(id.substr(i, n));
    i += n;
  }
  if (stem.size() > 120) {
    std::uint64_t hash = 14695981039346656037ull;  // FNV-1a of the whole id
    for (unsigned char c : id) hash = (hash ^ c) * 1099511628211ull;
    std::size_t cut = 100;
    while (cut > 0 && (static_cast<unsigned char>(stem[cut]) & 0xC0) == 0x80) --cut;
    stem = fmt::format("{}-{:016x}", stem.substr(0, cut), hash);
  }
  if (!stem.empty() && (stem.back() == '.' || stem.back() == ' ')) stem.back() = '_';
  if (stem.empty() || stem[0] == '.') stem = "enterprise" + stem;
  // Windows' device names, before the first dot and any spaces ahead of it, in any case.
  {
    std::string base = lower(stem.substr(0, stem.find('.')));
    while (!base.empty() && base.back() == ' ') base.pop_back();
    static const std::set<std::string, std::less<>> devices = {
        "con",  "prn",  "aux",  "nul",  "com0", "com1", "com2",   "com3",   "com4",
        "com5", "com6", "com7", "com8", "com9", "lpt0", "lpt1",   "lpt2",   "lpt3",
        "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "conin$", "conout$"};
    // COM¹, COM², COM³ and the same LPTs are devices too.
    const std::string_view number =
        std::string_view(base).substr(std::min<std::size_t>(3, base.size()));
    const bool superscript = (base.starts_with("com") || base.starts_with("lpt")) &&
                             (number == "¹" || number == "²" || number == "³");
    if (devices.count(base) || superscript) stem = "_" + stem;
  }
  if (used_.insert(lower(stem)).second) return stem;
  // A cohort with one id repeated n times is named in O(n), not O(n²): each stem remembers the
  // next number to try.
  int& k = next_.try_emplace(lower(stem), 2).first->second;
  std::string name;
  do {
    name = stem + "-" + std::to_string(k++);
  } while (!used_.insert(lower(name)).second);
  return name;
}

}  // namespace smedx::detail
