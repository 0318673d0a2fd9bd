// Scoring a data frame column by column. A column comes as an Arrow stream (the C stream
// interface's PyCapsule: pandas' arrow-backed strings, pyarrow, Polars), as a categorical
// (codes and categories) or as a numpy array (object, integer or float). Each becomes codes into
// its distinct cell texts, read with the GIL released, a column per thread (of an object column,
// the cells that are ASCII str, None or float; the rest under the GIL after), and so are the
// rows scored. Results come back as numpy columns. FrameColumns (bindings.h) is that reading,
// for every door function that takes a frame.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "arrow_c.h"
#include "bindings.h"
#include "column_pool.h"
#include "smedx/columnar.h"
#include "smedx/columns.h"

namespace py = pybind11;

namespace smedx::python {

namespace {

// Frees a vector a numpy array owned; a pooled column goes back to the pool (column_pool.h).
template <typename T, typename A>
void release(void* p) {
  auto* owned = static_cast<std::vector<T, A>*>(p);
  if constexpr (std::is_same_v<std::vector<T, A>, ScoreColumn<T>>)
    ColumnPool<T>::give(std::move(*owned));
  delete owned;
}

// A numpy array that owns (moves in) a vector, so results cross into Python without a copy.
template <typename T, typename A>
py::array_t<T> to_numpy(std::vector<T, A>&& v, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T, A>(std::move(v));
  py::capsule free(owned, &release<T, A>);
  return py::array_t<T>(shape, owned->data(), free);
}

// The same, the vector's 8-byte elements read as another type of 8 bytes (the thousandths
// turned into doubles where they are).
template <typename As, typename T, typename A>
py::array_t<As> to_numpy_as(std::vector<T, A>&& v, std::vector<py::ssize_t> shape) {
  static_assert(sizeof(As) == sizeof(T));
  auto* owned = new std::vector<T, A>(std::move(v));
  py::capsule free(owned, &release<T, A>);
  return py::array_t<As>(shape, reinterpret_cast<const As*>(owned->data()), free);
}

// A column's codes (4 bytes a row, tens of columns) are all written by the reader: not zeroed
// first.
using Codes = ScoreColumn<std::int32_t>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One column's distinct cell texts (what a CSV cell would hold) and their codes; missing (an
// empty or blank text) is -1. Short texts (letters, "B|C", "37.5": nearly every cell) are
// looked up as one 64-bit word; longer ones in a table of views into the kept texts. With
// `presence` set, every text is code 0: all the enterprise_id column needs to say.
class Factorizer {
 public:
  explicit Factorizer(bool presence = false) : presence_(presence) {}

  // `readable8`: the 8 bytes from text.data() may be read (an Arrow buffer that goes on), so
  // a short text is one load and a mask rather than a copy of its size.
  std::int32_t code(std::string_view text, bool readable8 = false) {
    if (!text.empty() && (is_blank(text.front()) || is_blank(text.back()))) {
      text = trim(text);
      readable8 = false;
    }
    if (text.empty()) return -1;
    if (presence_) return 0;
    if (text.size() < 8) return short_code(text, readable8);
    return long_code(text);
  }
  // The same as code(text, true), with the common cells (a short text seen before, a present
  // id) found inline: one load, a mask and one probe.
  [[gnu::always_inline]] std::int32_t code8(std::string_view text) {
    const std::size_t size = text.size();
    if (size - 1 < 7) {  // 1 to 7 bytes
      std::uint64_t word;
      std::memcpy(&word, text.data(), 8);
      const auto front = static_cast<char>(word),
                 back = static_cast<char>(word >> (8 * (size - 1)));
      if (!is_blank(front) && !is_blank(back)) {
        if (presence_) return 0;
        const std::uint64_t key = (word & ((std::uint64_t{1} << (8 * size)) - 1)) |
                                  (static_cast<std::uint64_t>(size) << 56);
        if (!keys_.empty()) {  // the whole probe: values that share a slot are common enough
          const std::size_t mask = keys_.size() - 1;
          for (std::size_t i = (key * 0x9E3779B97F4A7C15ull) >> 40 & mask; keys_[i];
               i = (i + 1) & mask)
            if (keys_[i] == key) return codes_[i];
        }
      }
    } else if (presence_ && size && !is_blank(text.front()) && !is_blank(text.back())) {
      return 0;
    }
    return code(text, true);
  }
  std::int32_t number(double v) {
    if (std::isnan(v)) return -1;
    if (presence_) return 0;
    auto [it, fresh] = numbers_.emplace(v, 0);
    if (fresh) it->second = code(fmt::format("{}", v));  // the shortest text that reads back
    return it->second;
  }
  std::vector<std::string> values() const { return {values_.begin(), values_.end()}; }
  bool presence() const { return presence_; }

  // Whole numbers 0 .. count - 1 as values 0 .. count - 1, in a factorizer that has none yet:
  // then each number is its own code. False when it has values or is for presence.
  bool own_codes(std::size_t count) {
    if (presence_ || !values_.empty()) return false;
    for (std::size_t k = 0; k < count; ++k)
      if (code(std::to_string(k)) != static_cast<std::int32_t>(k)) return false;  // never
    return true;
  }

 private:
  static bool is_blank(char c) { return c == ' ' || c == '\t'; }
  std::int32_t add(std::string_view text) {
    values_.emplace_back(text);
    return static_cast<std::int32_t>(values_.size() - 1);
  }
  std::int32_t short_code(std::string_view text, bool readable8) {
    std::uint64_t key;
    if (readable8) {  // little-endian: the text's bytes are the low ones
      std::memcpy(&key, text.data(), 8);
      key &= (std::uint64_t{1} << (8 * text.size())) - 1;
      key |= static_cast<std::uint64_t>(text.size()) << 56;
      return short_lookup(key, text);
    }
    char bytes[8] = {};
    switch (text.size()) {  // copies of a constant size: inlined, no call per cell
      case 7:
        std::memcpy(bytes, text.data(), 7);
        break;
      case 6:
        std::memcpy(bytes, text.data(), 6);
        break;
      case 5:
        std::memcpy(bytes, text.data(), 5);
        break;
      case 4:
        std::memcpy(bytes, text.data(), 4);
        break;
      case 3:
        std::memcpy(bytes, text.data(), 3);
        break;
      case 2:
        std::memcpy(bytes, text.data(), 2);
        break;
      default:
        bytes[0] = text[0];
    }
    bytes[7] = static_cast<char>(text.size());  // never 0: an empty slot is key 0
    std::memcpy(&key, bytes, 8);
    return short_lookup(key, text);
  }
  std::int32_t short_lookup(std::uint64_t key, std::string_view text) {
    if ((short_count_ + 1) * 2 > keys_.size()) grow();
    const std::size_t mask = keys_.size() - 1;
    std::size_t i = (key * 0x9E3779B97F4A7C15ull) >> 40 & mask;
    for (; keys_[i]; i = (i + 1) & mask)
      if (keys_[i] == key) return codes_[i];
    keys_[i] = key;
    codes_[i] = add(text);
    ++short_count_;
    return codes_[i];
  }
  void grow() {
    std::vector<std::uint64_t> keys = std::move(keys_);
    std::vector<std::int32_t> codes = std::move(codes_);
    keys_.assign(keys.empty() ? 64 : keys.size() * 2, 0);
    codes_.assign(keys_.size(), 0);
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (!keys[k]) continue;
      std::size_t i = (keys[k] * 0x9E3779B97F4A7C15ull) >> 40 & mask;
      while (keys_[i]) i = (i + 1) & mask;
      keys_[i] = keys[k];
      codes_[i] = codes[k];
    }
  }

  // Texts of 8 bytes or more (multi answers such as "C|D|F|G|H"), hashed 8 bytes at a time,
  // every byte: multi answers of many options differ only in the middle ("B|C|D|E|...|L|M|N"),
  // and a hash of the ends alone would put thousands of them in a few long probe chains.
  static std::uint64_t long_hash(std::string_view text) {
    const char* p = text.data();
    const std::size_t n = text.size();
    std::uint64_t h = n * 0x165667B19E3779F9ull, word;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&word, p + i, 8);
      h = (h ^ word) * 0x9E3779B97F4A7C15ull;
      h ^= h >> 32;
    }
    std::memcpy(&word, p + n - 8, 8);  // the last 8 bytes, overlapping the last word read
    h = (h ^ word) * 0xC2B2AE3D27D4EB4Full;
    return (h ^ (h >> 29)) | 1;  // never 0: an empty slot is hash 0
  }
  std::int32_t long_code(std::string_view text) {
    const std::uint64_t h = long_hash(text);
    if ((long_count_ + 1) * 2 > long_hashes_.size()) grow_long();
    const std::size_t mask = long_hashes_.size() - 1;
    std::size_t i = (h >> 20) & mask;
    for (; long_hashes_[i]; i = (i + 1) & mask) {
      if (long_hashes_[i] != h) continue;
      const std::string& v = values_[static_cast<std::size_t>(long_codes_[i])];
      if (v.size() == text.size() && std::memcmp(v.data(), text.data(), text.size()) == 0)
        return long_codes_[i];
    }
    long_hashes_[i] = h;
    long_codes_[i] = add(text);
    ++long_count_;
    return long_codes_[i];
  }
  void grow_long() {
    std::vector<std::uint64_t> hashes = std::move(long_hashes_);
    std::vector<std::int32_t> codes = std::move(long_codes_);
    long_hashes_.assign(hashes.empty() ? 64 : hashes.size() * 2, 0);
    long_codes_.assign(long_hashes_.size(), 0);
    const std::size_t mask = long_hashes_.size() - 1;
    for (std::size_t k = 0; k < hashes.size(); ++k) {
      if (!hashes[k]) continue;
      std::size_t i = (hashes[k] >> 20) & mask;
      while (long_hashes_[i]) i = (i + 1) & mask;
      long_hashes_[i] = hashes[k];
      long_codes_[i] = codes[k];
    }
  }

  bool presence_;
  std::deque<std::string> values_;
  std::vector<std::uint64_t> long_hashes_;
  std::vector<std::int32_t> long_codes_;
  std::size_t long_count_ = 0;
  std::vector<std::uint64_t> keys_;
  std::vector<std::int32_t> codes_;
  std::size_t short_count_ = 0;
  std::unordered_map<double, std::int32_t> numbers_;
};

// Whole numbers: small ranges (scenario levels) by offset, others through a map.
template <typename T, typename Valid>
void code_ints(const T* v, std::size_t n, Valid valid, bool all_valid, Factorizer& f,
               std::int32_t* out) {
  bool any = false;
  T lo = 0, hi = 0;
  if (all_valid && n) {  // a plain pass, which the compiler vectorises
    lo = hi = v[0];
    for (std::size_t i = 0; i < n; ++i) {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
    any = true;
  }
  for (std::size_t i = 0; i < n && !all_valid; ++i) {
    if (!valid(i)) continue;
    if (!any || v[i] < lo) lo = v[i];
    if (!any || v[i] > hi) hi = v[i];
    any = true;
  }
  if (all_valid && static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) < 4096) {
    // Each distinct value's code first, then one lookup a cell.
    std::vector<std::int32_t> by_offset(static_cast<std::size_t>(hi - lo) + 1, -2);
    for (std::size_t i = 0; i < n; ++i) by_offset[static_cast<std::size_t>(v[i] - lo)] = -3;
    for (std::size_t k = 0; k < by_offset.size(); ++k)
      if (by_offset[k] == -3) by_offset[k] = f.code(std::to_string(lo + static_cast<T>(k)));
    const std::int32_t* table = by_offset.data();
    for (std::size_t i = 0; i < n; ++i) out[i] = table[static_cast<std::size_t>(v[i] - lo)];
    return;
  }
  // Unsigned arithmetic: the span of int64 extremes overflows a signed difference.
  if (static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) < 4096) {
    std::vector<std::int32_t> by_offset(static_cast<std::size_t>(hi - lo) + 1, -2);
    for (std::size_t i = 0; i < n; ++i) {
      if (!valid(i)) {
        out[i] = -1;
        continue;
      }
      std::int32_t& c = by_offset[static_cast<std::size_t>(v[i] - lo)];
      if (c == -2) c = f.code(std::to_string(v[i]));
      out[i] = c;
    }
    return;
  }
  std::unordered_map<T, std::int32_t> seen;
  for (std::size_t i = 0; i < n; ++i) {
    if (!valid(i)) {
      out[i] = -1;
      continue;
    }
    auto [it, fresh] = seen.emplace(v[i], 0);
    if (fresh) it->second = f.code(std::to_string(v[i]));
    out[i] = it->second;
  }
}

// Whole numbers that can be their own codes, read in place rather than coded (scenario levels,
// small percentages): every one in [0, 128), and no more possible values than rows, since each
// possible value's text is read once, seen or not. Returns how many values there may be (the
// highest + 1), or 0 when they cannot. One pass that the compiler vectorises: a value's bits are
// all among the OR of every value's, and a negative one sets the top bit.
template <typename T>
std::size_t own_code_count(const T* v, std::size_t n) {
  using U = std::make_unsigned_t<T>;
  U any = 0;
  for (std::size_t i = 0; i < n; ++i) any |= static_cast<U>(v[i]);
  const std::size_t count = static_cast<std::size_t>(any) + 1;
  return any < 128 && count <= n ? count : 0;
}

// The same, wider whole numbers narrowed to bytes in the same pass into `bytes`, which are then
// the codes: an int64 column is read once here, and the rows read an eighth of it after.
template <typename T>
std::size_t narrow_own_codes(const T* v, std::size_t n, ScoreColumn<std::int8_t>& bytes) {
  using U = std::make_unsigned_t<T>;
  if (bytes.capacity() < n) bytes = ColumnPool<std::int8_t>::take(n);  // kept pages, no faults
  bytes.resize(n);
  std::int8_t* __restrict out = bytes.data();
  U any = 0;
  for (std::size_t i = 0; i < n; ++i) {
    any |= static_cast<U>(v[i]);
    out[i] = static_cast<std::int8_t>(v[i]);
  }
  const std::size_t count = static_cast<std::size_t>(any) + 1;
  return any < 128 && count <= n ? count : 0;
}

// Whole numbers that can be their own codes (`own_code_count`), as codes where they are when
// they are bytes, else narrowed into `bytes`; nothing when they cannot.
template <typename T>
std::optional<ColumnCodes> own_codes_of(const T* v, std::size_t n, Factorizer& f,
                                        ScoreColumn<std::int8_t>& bytes) {
  if constexpr (sizeof(T) == 1) {
    if (const std::size_t count = own_code_count(v, n); count && f.own_codes(count))
      return ColumnCodes(reinterpret_cast<const std::int8_t*>(v));
  } else {
    if (const std::size_t count = narrow_own_codes(v, n, bytes); count && f.own_codes(count))
      return ColumnCodes(static_cast<const std::int8_t*>(bytes.data()));
  }
  return std::nullopt;
}

// Whole numbers of `own_code_count` as codes: values below 128 read the same as signed.
template <typename T>
ColumnCodes as_codes(const T* v) {
  return ColumnCodes(reinterpret_cast<const std::make_signed_t<T>*>(v));
}

// f(data) with a numpy array of whole numbers as a pointer of its type; false for other types.
template <typename Signed, typename F>
bool with_ints_of(char kind, const void* data, F& f) {
  if (kind == 'i') {
    f(static_cast<const Signed*>(data));
  } else {
    f(static_cast<const std::make_unsigned_t<Signed>*>(data));
  }
  return true;
}
template <typename F>
bool with_int_array(const py::array& a, F&& f) {
  const char kind = a.dtype().kind();
  if (kind != 'i' && kind != 'u') return false;
  switch (a.itemsize()) {
    case 1:
      return with_ints_of<std::int8_t>(kind, a.data(), f);
    case 2:
      return with_ints_of<std::int16_t>(kind, a.data(), f);
    case 4:
      return with_ints_of<std::int32_t>(kind, a.data(), f);
    case 8:
      return with_ints_of<std::int64_t>(kind, a.data(), f);
    default:
      return false;
  }
}

// --- Arrow ----------------------------------------------------------------------------------

// A validity bitmap (none: every value is there), at the array's offset.
struct Validity {
  const std::uint8_t* bits;
  std::int64_t offset;
  explicit Validity(const ArrowArray& a)
      : bits(a.null_count == 0 ? nullptr : static_cast<const std::uint8_t*>(a.buffers[0])),
        offset(a.offset) {}
  bool operator()(std::size_t i) const {
    if (!bits) return true;
    const auto j = static_cast<std::uint64_t>(offset) + i;
    return (bits[j >> 3] >> (j & 7)) & 1;
  }
};

// The text of element i of a string or binary array (utf8, large utf8, string view).
struct Strings {
  enum class Kind { utf8, large, view } kind;
  const ArrowArray& a;
  static std::optional<Kind> kind_of(std::string_view format) {
    if (format == "u" || format == "z") return Kind::utf8;
    if (format == "U" || format == "Z") return Kind::large;
    if (format == "vu" || format == "vz") return Kind::view;
    return std::nullopt;
  }
  std::string_view operator()(std::size_t i) const {
    const std::size_t j = static_cast<std::size_t>(a.offset) + i;
    const char* data = static_cast<const char*>(a.buffers[2]);
    switch (kind) {
      case Kind::utf8: {
        const auto* off = static_cast<const std::int32_t*>(a.buffers[1]);
        return {data + off[j], static_cast<std::size_t>(off[j + 1] - off[j])};
      }
      case Kind::large: {
        const auto* off = static_cast<const std::int64_t*>(a.buffers[1]);
        return {data + off[j], static_cast<std::size_t>(off[j + 1] - off[j])};
      }
      case Kind::view: {
        // 16 bytes a value: its length, then the text itself when it fits in 12 bytes, else a
        // prefix, the index of the data buffer and the offset in it.
        const auto* view = static_cast<const char*>(a.buffers[1]) + 16 * j;
        std::int32_t size, buffer, offset;
        std::memcpy(&size, view, 4);
        if (size <= 12) return {view + 4, static_cast<std::size_t>(size)};
        std::memcpy(&buffer, view + 8, 4);
        std::memcpy(&offset, view + 12, 4);
        return {static_cast<const char*>(a.buffers[2 + buffer]) + offset,
                static_cast<std::size_t>(size)};
      }
    }
    return {};
  }
};

// The codes of a utf8 or large utf8 array: the values up to the last 8 bytes of the values
// buffer may be read 8 bytes at a time.
template <typename Offset>
void code_offsets(const ArrowArray& a, std::size_t n, const Validity& valid, Factorizer& f,
                  std::int32_t* out) {
  const Offset* off = static_cast<const Offset*>(a.buffers[1]) + a.offset;
  const char* data = static_cast<const char*>(a.buffers[2]);
  const Offset end = off[n];
  std::size_t safe = n;
  while (safe > 0 && off[safe - 1] + 8 > end) --safe;
  auto text = [&](std::size_t i) {
    return std::string_view(data + off[i], static_cast<std::size_t>(off[i + 1] - off[i]));
  };
  if (!valid.bits) {  // no nulls (the common case): no test a cell
    for (std::size_t i = 0; i < safe; ++i) out[i] = f.code8(text(i));
    for (std::size_t i = safe; i < n; ++i) out[i] = f.code(text(i));
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!valid(i)) {
      out[i] = -1;
      continue;
    }
    out[i] = i < safe ? f.code8(text(i)) : f.code(text(i));
  }
}

template <typename Visit>
bool with_int_type(std::string_view format, Visit&& visit) {
  if (format == "c") return visit(std::int8_t{}), true;
  if (format == "C") return visit(std::uint8_t{}), true;
  if (format == "s") return visit(std::int16_t{}), true;
  if (format == "S") return visit(std::uint16_t{}), true;
  if (format == "i") return visit(std::int32_t{}), true;
  if (format == "I") return visit(std::uint32_t{}), true;
  if (format == "l") return visit(std::int64_t{}), true;
  if (format == "L") return visit(std::uint64_t{}), true;
  return false;
}

// Codes of the `a.length` values of one Arrow array. Returns the problem with a type that
// holds no survey cells.
std::optional<std::string> code_arrow(const ArrowSchema& s, const ArrowArray& a, Factorizer& f,
                                      std::int32_t* out) {
  const auto n = static_cast<std::size_t>(a.length);
  const std::string_view format = s.format;
  const Validity valid(a);
  if (s.dictionary) {  // a categorical: read the dictionary once, then map the indices
    if (!a.dictionary) return std::string("a dictionary array without its dictionary");
    std::vector<std::int32_t> dict(static_cast<std::size_t>(a.dictionary->length));
    if (auto bad = code_arrow(*s.dictionary, *a.dictionary, f, dict.data())) return bad;
    const bool known = with_int_type(format, [&](auto type) {
      using T = decltype(type);
      const T* index = static_cast<const T*>(a.buffers[1]) + a.offset;
      for (std::size_t i = 0; i < n; ++i)
        out[i] = valid(i) ? dict[static_cast<std::size_t>(index[i])] : -1;
    });
    if (!known) return fmt::format("dictionary indices of Arrow type '{}'", format);
    return std::nullopt;
  }
  if (auto kind = Strings::kind_of(format)) {
    if (*kind == Strings::Kind::utf8) {
      code_offsets<std::int32_t>(a, n, valid, f, out);
    } else if (*kind == Strings::Kind::large) {
      code_offsets<std::int64_t>(a, n, valid, f, out);
    } else if (!valid.bits) {  // string views without nulls (Polars): no test a cell
      const char* views = static_cast<const char*>(a.buffers[1]) + 16 * a.offset;
      for (std::size_t i = 0; i < n; ++i) {
        const char* view = views + 16 * i;
        std::int32_t size;
        std::memcpy(&size, view, 4);
        if (size <= 12) {  // the text inline, in the view's 16 bytes
          out[i] = f.code8(std::string_view(view + 4, static_cast<std::size_t>(size)));
          continue;
        }
        std::int32_t buffer, offset;
        std::memcpy(&buffer, view + 8, 4);
        std::memcpy(&offset, view + 12, 4);
        out[i] = f.code(std::string_view(static_cast<const char*>(a.buffers[2 + buffer]) + offset,
                                         static_cast<std::size_t>(size)));
      }
    } else {
      const Strings text{*kind, a};
      for (std::size_t i = 0; i < n; ++i) {
        if (!valid(i)) {
          out[i] = -1;
          continue;
        }
        const std::string_view t = text(i);
        out[i] = t.size() <= 12 ? f.code8(t) : f.code(t);  // held in the view's 16 bytes
      }
    }
    return std::nullopt;
  }
  const bool integer = with_int_type(format, [&](auto type) {
    using T = decltype(type);
    code_ints(static_cast<const T*>(a.buffers[1]) + a.offset, n, valid, !valid.bits, f, out);
  });
  if (integer) return std::nullopt;
  if (format == "g" || format == "f") {
    for (std::size_t i = 0; i < n; ++i) {
      if (!valid(i)) {
        out[i] = -1;
      } else if (format == "g") {
        out[i] = f.number(static_cast<const double*>(a.buffers[1])[a.offset + i]);
      } else {
        out[i] = f.number(static_cast<const float*>(a.buffers[1])[a.offset + i]);
      }
    }
    return std::nullopt;
  }
  if (format == "b") {  // as pandas writes booleans: a cell that reads as no answer
    const auto* bits = static_cast<const std::uint8_t*>(a.buffers[1]);
    for (std::size_t i = 0; i < n; ++i) {
      const auto j = static_cast<std::uint64_t>(a.offset) + i;
      out[i] = valid(i) ? f.code((bits[j >> 3] >> (j & 7)) & 1 ? "True" : "False") : -1;
    }
    return std::nullopt;
  }
  if (format == "n") {
    std::fill(out, out + n, -1);
    return std::nullopt;
  }
  if ((format == "+l" || format == "+L") && s.n_children == 1) {  // lists of letters: "B|C"
    const auto kind = Strings::kind_of(s.children[0]->format);
    const ArrowArray& child = *a.children[0];
    if (!kind || child.dictionary)
      return fmt::format("lists of Arrow type '{}'", s.children[0]->format);
    const Strings text{*kind, child};
    const Validity child_valid(child);
    std::string joined;
    for (std::size_t i = 0; i < n; ++i) {
      if (!valid(i)) {
        out[i] = -1;
        continue;
      }
      const std::size_t j = static_cast<std::size_t>(a.offset) + i;
      std::int64_t begin, end;
      if (format == "+l") {
        begin = static_cast<const std::int32_t*>(a.buffers[1])[j];
        end = static_cast<const std::int32_t*>(a.buffers[1])[j + 1];
      } else {
        begin = static_cast<const std::int64_t*>(a.buffers[1])[j];
        end = static_cast<const std::int64_t*>(a.buffers[1])[j + 1];
      }
      joined.clear();
      for (auto k = static_cast<std::size_t>(begin); k < static_cast<std::size_t>(end); ++k) {
        if (!joined.empty()) joined += '|';
        if (child_valid(k)) joined += text(k);
      }
      out[i] = f.code(joined);
    }
    return std::nullopt;
  }
  return fmt::format("Arrow type '{}'", format);
}

// An Arrow stream moved out of its PyCapsule (the capsule is left released, as the protocol
// asks); released here whatever happens.
class ArrowStream {
 public:
  explicit ArrowStream(const py::capsule& capsule) {
    auto* p =
        static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream"));
    if (!p) throw py::error_already_set();
    // A stream is read once: its capsule is left released (a second read would call into
    // freed memory).
    if (!p->release) throw py::value_error("an Arrow stream that was read already");
    stream_ = *p;
    p->release = nullptr;
  }
  ArrowStream(const ArrowStream&) = delete;
  ArrowStream& operator=(const ArrowStream&) = delete;
  ~ArrowStream() {
    for (ArrowArray& chunk : chunks_)
      if (chunk.release) chunk.release(&chunk);
    if (schema_.release) schema_.release(&schema_);
    if (stream_.release) stream_.release(&stream_);
  }

  // The number of values of the stream (read whole first); 0 when it does not read, which
  // code() then reports.
  std::size_t length() { return read() ? 0 : length_; }

  // Codes every value of the stream into `codes`, which has one slot per row; or, for a stream
  // of one chunk whose values can be their own codes (whole numbers, a dictionary's indices),
  // sets `in_place` to them, valid while this stream lives.
  std::optional<std::string> code(Factorizer& f, Codes& codes, std::optional<ColumnCodes>& in_place,
                                  ScoreColumn<std::int8_t>& bytes) {
    if (auto bad = read()) return bad;
    const ArrowSchema& schema = schema_;
    std::size_t at = length_;
    if (at != codes.size()) return fmt::format("has {} values for {} rows", at, codes.size());
    if (chunks_.size() == 1 && (in_place = own_codes(schema, chunks_[0], f, bytes)))
      return std::nullopt;
    at = 0;
    for (const ArrowArray& chunk : chunks_) {
      if (auto bad = code_arrow(schema, chunk, f, codes.data() + at))
        return "holds " + *bad + ", not survey cells";
      at += static_cast<std::size_t>(chunk.length);
    }
    return std::nullopt;
  }

 private:
  std::string last_error() {
    const char* e = stream_.get_last_error ? stream_.get_last_error(&stream_) : nullptr;
    return fmt::format("could not be read from Arrow: {}", e ? e : "unknown error");
  }
  // The values of `a` as codes where they are: whole numbers that can be their own codes, or the
  // indices of a dictionary whose values have codes 0, 1, 2, ... in order; no nulls either way.
  static std::optional<ColumnCodes> own_codes(const ArrowSchema& s, const ArrowArray& a,
                                              Factorizer& f, ScoreColumn<std::int8_t>& bytes) {
    if (f.presence() || (a.null_count != 0 && a.buffers[0])) return std::nullopt;
    const auto n = static_cast<std::size_t>(a.length);
    std::optional<ColumnCodes> out;
    if (!s.dictionary) {
      with_int_type(s.format, [&](auto type) {
        using T = decltype(type);
        out = own_codes_of(static_cast<const T*>(a.buffers[1]) + a.offset, n, f, bytes);
      });
      return out;
    }
    if (!a.dictionary) return std::nullopt;
    std::vector<std::int32_t> dict(static_cast<std::size_t>(a.dictionary->length));
    if (code_arrow(*s.dictionary, *a.dictionary, f, dict.data())) return std::nullopt;
    for (std::size_t k = 0; k < dict.size(); ++k)
      if (dict[k] != static_cast<std::int32_t>(k)) return std::nullopt;
    with_int_type(s.format, [&](auto type) {
      using T = decltype(type);
      // Unsigned indices read the same as signed ones below the signed type's limit.
      if (dict.size() <=
          static_cast<std::size_t>(std::numeric_limits<std::make_signed_t<T>>::max()))
        out = as_codes(static_cast<const T*>(a.buffers[1]) + a.offset);
    });
    return out;
  }

  // Reads the schema and every chunk, once: the chunks stay until this stream goes (one may be
  // read in place).
  std::optional<std::string> read() {
    if (read_) return error_;
    read_ = true;
    if (stream_.get_schema(&stream_, &schema_)) return error_ = last_error();
    for (;;) {
      ArrowArray chunk{};
      if (stream_.get_next(&stream_, &chunk)) return error_ = last_error();
      if (!chunk.release) break;  // the end of the stream
      chunks_.push_back(chunk);
      length_ += static_cast<std::size_t>(chunk.length);
    }
    return std::nullopt;
  }

  ArrowArrayStream stream_{};
  ArrowSchema schema_{};
  std::vector<ArrowArray> chunks_;
  std::size_t length_ = 0;
  bool read_ = false;
  std::optional<std::string> error_;  // of read()
};

// --- numpy ----------------------------------------------------------------------------------

// Codes by object identity, in front of the text table: cells that are the very same Python
// object (single letters, strings mapped from a few values) are found before any text is read.
class PointerCache {
 public:
  std::int32_t* find_or_slot(PyObject* key) {
    if ((count_ + 1) * 2 > keys_.size()) grow();
    std::size_t i = hash(key) & (keys_.size() - 1);
    while (keys_[i] && keys_[i] != key) i = (i + 1) & (keys_.size() - 1);
    if (!keys_[i]) {
      keys_[i] = key;
      codes_[i] = kNew;
      ++count_;
    }
    return &codes_[i];
  }
  static constexpr std::int32_t kNew = -2;

 private:
  static std::size_t hash(PyObject* p) {
    return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(p) >> 4) *
           0x9E3779B97F4A7C15ull;
  }
  void grow() {
    std::vector<PyObject*> keys = std::move(keys_);
    std::vector<std::int32_t> codes = std::move(codes_);
    keys_.assign(keys.empty() ? 1024 : keys.size() * 2, nullptr);
    codes_.assign(keys_.size(), kNew);
    count_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i]) *find_or_slot(keys[i]) = codes[i];
  }
  std::vector<PyObject*> keys_;
  std::vector<std::int32_t> codes_;
  std::size_t count_ = 0;
};

// The code of one Python cell (under the GIL).
std::int32_t object_code(PyObject* o, Factorizer& f) {
  if (PyUnicode_CheckExact(o) && PyUnicode_IS_COMPACT_ASCII(o)) {  // no call, no copy
    return f.code(std::string_view(static_cast<const char*>(PyUnicode_DATA(o)),
                                   static_cast<std::size_t>(PyUnicode_GET_LENGTH(o))));
  }
  if (PyUnicode_Check(o)) {
    Py_ssize_t size = 0;
    if (const char* utf8 = PyUnicode_AsUTF8AndSize(o, &size))
      return f.code(std::string_view(utf8, static_cast<std::size_t>(size)));
    // A lone surrogate has no UTF-8: the cell reads as its escaped text ("B\ud800"), which
    // no option or number is, so that row alone gets an error naming it, not the whole frame.
    PyErr_Clear();
    const py::object escaped = py::reinterpret_steal<py::object>(
        PyUnicode_AsEncodedString(o, "utf-8", "backslashreplace"));
    if (!escaped) throw py::error_already_set();
    return f.code(std::string_view(PyBytes_AS_STRING(escaped.ptr()),
                                   static_cast<std::size_t>(PyBytes_GET_SIZE(escaped.ptr()))));
  }
  if (o == Py_None) return -1;
  if (PyFloat_Check(o)) return f.number(PyFloat_AS_DOUBLE(o));
  if (PyList_Check(o) || PyTuple_Check(o)) {  // a list of letters: "B|C"
    std::string joined;
    for (auto item : py::reinterpret_borrow<py::sequence>(o)) {
      if (!joined.empty()) joined += '|';
      joined += py::str(item).cast<std::string>();
    }
    return f.code(joined);
  }
  // pandas' NA and NaT are missing; anything else reads as its text (an int, a Decimal).
  const std::string text = py::str(o).cast<std::string>();
  return text == "<NA>" || text == "NaT" || text == "nan" ? -1 : f.code(text);
}

// The code of one Python cell without the GIL, where the cell allows: an exact str of ASCII
// text (its bytes are fixed when it is made), None or an exact float. False for any other cell,
// which waits for the GIL (object_code). The column's array holds a reference to every cell, so
// none goes away meanwhile.
bool free_code(PyObject* o, Factorizer& f, std::int32_t& code) {
  if (PyUnicode_CheckExact(o) && PyUnicode_IS_COMPACT_ASCII(o)) {
    code = f.code(std::string_view(static_cast<const char*>(PyUnicode_DATA(o)),
                                   static_cast<std::size_t>(PyUnicode_GET_LENGTH(o))));
    return true;
  }
  if (o == Py_None) {
    code = -1;
    return true;
  }
  if (PyFloat_CheckExact(o)) {
    code = f.number(PyFloat_AS_DOUBLE(o));
    return true;
  }
  return false;
}

// An object column's codes, without the GIL: the rows of cells that need it are left in
// `deferred` (their codes unset) for code_deferred.
void code_objects_free(PyObject* const* cells, std::size_t n, Factorizer& f, Codes& codes,
                       std::vector<std::size_t>& deferred) {
  if (f.presence()) {  // ids are all different: no identity to reuse
    for (std::size_t i = 0; i < n; ++i)
      if (!free_code(cells[i], f, codes[i])) deferred.push_back(i);
    return;
  }
  PointerCache by_identity;
  // Cells that are all different objects (strings read from a file) would only fill the cache:
  // when the first 4,096 cells find fewer than half their objects there, stop using it.
  bool use_cache = true;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    PyObject* o = cells[i];
    if (i == 4096 && hits < 2048) use_cache = false;
    if (!use_cache) {
      if (!free_code(o, f, codes[i])) deferred.push_back(i);
      continue;
    }
    std::int32_t* cached = by_identity.find_or_slot(o);
    if (*cached != PointerCache::kNew) {
      codes[i] = *cached;
      ++hits;
    } else if (free_code(o, f, codes[i])) {
      *cached = codes[i];  // str, None and float are immutable
    } else {
      deferred.push_back(i);
    }
  }
}

// The codes of the cells code_objects_free left, under the GIL.
void code_deferred(PyObject* const* cells, const std::vector<std::size_t>& rows, Factorizer& f,
                   Codes& codes) {
  PointerCache by_identity;  // pandas' NA, say, is one object however many cells hold it
  for (std::size_t i : rows) {
    PyObject* o = cells[i];
    if (f.presence() || PyList_Check(o)) {  // ids are all different; a list's identity
                                            // says nothing about its contents next time
      codes[i] = object_code(o, f);
      continue;
    }
    std::int32_t* cached = by_identity.find_or_slot(o);
    if (*cached == PointerCache::kNew) *cached = object_code(o, f);
    codes[i] = *cached;
  }
}

// A numpy column's codes, under the GIL.
void code_numpy(const py::array& array, Factorizer& f, Codes& codes) {
  const std::size_t n = codes.size();
  const char kind = array.dtype().kind();
  if (kind == 'i' || kind == 'u') {
    auto a = array.cast<py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>>();
    code_ints(
        a.data(), n, [](std::size_t) { return true; }, true, f, codes.data());
  } else if (kind == 'f') {
    auto a = array.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    for (std::size_t i = 0; i < n; ++i) codes[i] = f.number(a.data()[i]);
  } else {
    auto objects = array.cast<py::array_t<py::object, py::array::c_style>>();
    const auto* cells = reinterpret_cast<PyObject* const*>(objects.data());
    std::vector<std::size_t> deferred;
    code_objects_free(cells, n, f, codes, deferred);
    code_deferred(cells, deferred, f, codes);
  }
}

// One input column on its way to codes. Arrow streams, categoricals and numbers are read
// later, with the GIL released; object columns are read when taken. A categorical's own codes
// and whole numbers that can be their own codes are not copied: they are read in place.
struct Source {
  std::string name;
  std::unique_ptr<ArrowStream> arrow;    // kept while the codes are read: they may be its own
  std::optional<py::array> categorical;  // a categorical's codes (signed, of any width)
  std::optional<py::array> integers;     // whole numbers (of any width)
  std::optional<py::array> objects;      // Python objects, read without the GIL where they can
  std::vector<std::size_t> deferred;     // rows of `objects` whose cells need the GIL
  py::array_t<double, py::array::c_style | py::array::forcecast> floats;
  Codes category_codes;  // the code of each category
  Codes codes;
  std::optional<ColumnCodes> in_place;  // the column's codes where they are (or in `bytes`)
  ScoreColumn<std::int8_t> bytes;       // whole numbers that are their own codes, narrowed
  std::unique_ptr<Factorizer> factorizer;
  std::string problem;

  Source(std::string column, const py::handle& cells, std::size_t rows, bool presence)
      : name(std::move(column)),
        codes(ColumnPool<std::int32_t>::take(rows)),
        factorizer(std::make_unique<Factorizer>(presence)) {
    if (py::isinstance<py::capsule>(cells)) {
      arrow = std::make_unique<ArrowStream>(py::reinterpret_borrow<py::capsule>(cells));
    } else if (py::isinstance<py::tuple>(cells)) {  // (codes, categories)
      auto pair = py::reinterpret_borrow<py::tuple>(cells);
      categorical = contiguous(pair[0]);
      if (categorical->dtype().kind() != 'i')
        categorical =
            categorical
                ->cast<py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>>();
      if (py::isinstance<py::capsule>(pair[1])) {  // Arrow categories: pandas' default strings
        ArrowStream categories(py::reinterpret_borrow<py::capsule>(pair[1]));
        category_codes.resize(categories.length());
        std::optional<ColumnCodes> own;
        ScoreColumn<std::int8_t> narrowed;
        if (auto bad = categories.code(*factorizer, category_codes, own, narrowed))
          throw py::type_error(fmt::format("column '{}': categories {}", name, *bad));
        if (own)  // whole numbers 0, 1, 2, ...: each category is its own code
          for (std::size_t k = 0; k < category_codes.size(); ++k)
            category_codes[k] = static_cast<std::int32_t>((*own)[k]);
      } else {
        auto categories = pair[1].cast<py::array>();
        category_codes.resize(static_cast<std::size_t>(categories.size()));
        code_numpy(categories, *factorizer, category_codes);
      }
      check_size(static_cast<std::size_t>(categorical->size()));
    } else {
      auto array = cells.cast<py::array>();
      check_size(static_cast<std::size_t>(array.size()));
      const char kind = array.dtype().kind();
      if (kind == 'i' || kind == 'u') {  // numbers are read later, without the GIL
        integers = contiguous(array);
      } else if (kind == 'f') {
        floats = array.cast<decltype(floats)>();
      } else if (kind == 'O') {
        objects = contiguous(array);
      } else {
        code_numpy(array, *factorizer, codes);
      }
    }
  }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  ~Source() {  // the buffers go back for the next call
    ColumnPool<std::int32_t>::give(std::move(codes));
    ColumnPool<std::int8_t>::give(std::move(bytes));
  }
  static py::array contiguous(const py::handle& a) {
    auto out = py::array::ensure(a, py::array::c_style);
    if (!out) throw py::error_already_set();
    return out;
  }
  void check_size(std::size_t n) const {
    if (n != codes.size())
      throw py::value_error(
          fmt::format("column '{}' has {} values for {} rows", name, n, codes.size()));
  }
  // The GIL-free part.
  void finish() noexcept {
    try {
      read();
    } catch (const std::exception& e) {
      problem = fmt::format("column '{}': {}", name, e.what());
    }
  }
  void read() {
    const std::size_t n = codes.size();
    if (arrow) {
      if (auto bad = arrow->code(*factorizer, codes, in_place, bytes))
        problem = fmt::format("column '{}' {}", name, *bad);
    } else if (integers) {
      with_int_array(*integers, [&](const auto* v) {
        if (!(in_place = own_codes_of(v, n, *factorizer, bytes)))
          code_ints(
              v, n, [](std::size_t) { return true; }, true, *factorizer, codes.data());
      });
    } else if (objects) {
      code_objects_free(static_cast<PyObject* const*>(objects->data()), n, *factorizer, codes,
                        deferred);
    } else if (floats.size()) {
      for (std::size_t i = 0; i < n; ++i) codes[i] = factorizer->number(floats.data()[i]);
    } else if (categorical) {
      // Categories that are distinct texts, none blank, get codes 0, 1, 2, ... in order: then
      // the categorical's own codes (-1 for missing) are the column's, read where they are.
      bool direct = true;
      for (std::size_t k = 0; k < category_codes.size(); ++k)
        direct = direct && category_codes[k] == static_cast<std::int32_t>(k);
      with_int_array(*categorical, [&](const auto* c) {
        if constexpr (std::is_signed_v<std::remove_cv_t<std::remove_pointer_t<decltype(c)>>>) {
          if (direct) {
            in_place = ColumnCodes(c);
            return;
          }
        }
        for (std::size_t i = 0; i < n; ++i)
          codes[i] = c[i] < 0 ? -1 : category_codes[static_cast<std::size_t>(c[i])];
      });
    }
  }
  // Under the GIL, after finish(): the cells that needed it.
  void finish_deferred() {
    if (deferred.empty()) return;
    code_deferred(static_cast<PyObject* const*>(objects->data()), deferred, *factorizer, codes);
    deferred = {};
  }
  // The column's codes: its own, or the ones made for it.
  ColumnCodes data() const { return in_place ? *in_place : ColumnCodes(codes.data()); }
};

// A numpy object array of `rows` cells: the rows' texts, None elsewhere.
py::array texts(const RowTexts& v, std::size_t rows) {
  py::array out(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(rows)});
  auto** cells = static_cast<PyObject**>(out.mutable_data());
  for (std::size_t i = 0; i < rows; ++i) {  // numpy fills a new object array with None
    if (!cells[i]) {
      Py_INCREF(Py_None);
      cells[i] = Py_None;
    }
  }
  for (const auto& [row, text] : v.entries) {
    PyObject* o = PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
    if (!o) throw py::error_already_set();
    Py_XDECREF(cells[row]);
    cells[row] = o;
  }
  return out;
}

}  // namespace

struct FrameColumns::Sources {
  std::vector<std::unique_ptr<Source>> all;  // the ids, then `columns`, then `fields`
};

FrameColumns::FrameColumns(const Named& columns, const py::object& ids, const Named& fields,
                           std::size_t rows, unsigned threads, bool id_texts)
    : sources_(std::make_unique<Sources>()) {
  auto& sources = sources_->all;
  sources.push_back(std::make_unique<Source>("enterprise_id", ids, rows, !id_texts));
  for (const auto& [name, cells] : columns)
    sources.push_back(std::make_unique<Source>(name, cells, rows, false));
  for (const auto& [name, cells] : fields)
    sources.push_back(std::make_unique<Source>(name, cells, rows, false));
  {
    py::gil_scoped_release release;
    // A column a thread: columns are many and alike, so no thread waits long on another.
    const std::size_t workers = std::min<std::size_t>(
        threads ? threads : std::thread::hardware_concurrency(), sources.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t k; (k = next++) < sources.size();) sources[k]->finish();
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  // The cells that only Python reads (not ASCII str, pandas' NA, lists).
  for (const auto& s : sources) s->finish_deferred();
  for (const auto& s : sources)
    if (!s->problem.empty()) throw py::type_error(s->problem);

  py::gil_scoped_release release;
  auto column = [](const Source& s) {
    return ColumnarSurveys::Column{s.name, s.data(), s.factorizer->values()};
  };
  table_.rows = rows;
  for (std::size_t k = 1; k <= columns.size(); ++k) table_.columns.push_back(column(*sources[k]));
  for (std::size_t k = 1 + columns.size(); k < sources.size(); ++k)
    table_.fields.push_back(column(*sources[k]));
  has_id_ = ColumnPool<std::uint8_t>::take(rows);
  sources[0]->data().visit([&](const auto* codes) {
    for (std::size_t r = 0; r < rows; ++r) has_id_[r] = codes[r] >= 0;
  });
  table_.has_id = has_id_.data();
  if (id_texts) table_.enterprise_id = column(*sources[0]);
}

FrameColumns::~FrameColumns() { ColumnPool<std::uint8_t>::give(std::move(has_id_)); }

void bind_columnar(py::module_& m) {
  m.def(
      "table_columns",
      [](const Loaded& rules, const std::vector<std::string>& names) {
        TableColumns table = classify_columns(names, rules.checked_engine().rules());
        if (!table.errors.empty()) throw py::value_error(table.errors.front());
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& c : table.columns) {
          static constexpr const char* kinds[] = {"enterprise_id", "field", "item", "scenario"};
          out.emplace_back(kinds[static_cast<int>(c.kind)], c.id);
        }
        return out;
      },
      py::arg("rules"), py::arg("names"),
      "The role of each column of a survey table, as (kind, id): kind 'enterprise_id', "
      "'field', 'item' or 'scenario'; id the item or scenario id. Raises ValueError with the "
      "first problem (a misspelt item, a column named twice, no enterprise_id).");

  m.def(
      "score_arrays",
      [](const Loaded& rules, const std::vector<std::pair<std::string, py::object>>& columns,
         const py::object& ids, std::size_t rows, const std::string& missing,
         const pybind11::object& threads_arg, bool warnings, const std::string& lang) {
        const unsigned threads = thread_count(threads_arg);
        const auto l = parse_lang(lang);
        if (!l) throw py::value_error("lang: expected 'zh' or 'en', got '" + lang + "'");
        const Engine& engine = rules.checked_engine();
        const MissingPolicy policy = missing_policy(missing);
        FrameColumns frame(columns, ids, {}, rows, threads, false);
        frame.table().warnings = warnings;
        frame.table().lang = *l;
        const auto& r = engine.rules();
        const std::size_t dims = r.dimensions.size(), scen = r.scenarios.size();
        // What goes out, each written whole below: no zeroing first. Kept columns (column_pool.h),
        // which the arrays' owners give back when Python frees them.
        ColumnarScores scores;
        scores.total = ColumnPool<std::int64_t>::take(rows);
        scores.dim_points = ColumnPool<std::int64_t>::take(rows * dims);
        scores.level = ColumnPool<std::int32_t>::take(rows);
        scores.scenario_levels = ColumnPool<std::int8_t>::take(rows * scen);
        // The exact thousandths become floats and the levels bytes as each block of rows is
        // scored, in place.
        scores.frame_units = true;
        scores.level_bytes = ColumnPool<std::int8_t>::take(rows);
        ScoreColumn<std::uint8_t> failed = ColumnPool<std::uint8_t>::take(rows);
        {
          py::gil_scoped_release release;
          score_columns(engine, frame.table(), policy, threads, scores);
          std::fill(failed.begin(), failed.end(), 0);
          for (const auto& [row, text] : scores.errors.entries) failed[row] = 1;
          ColumnPool<std::int32_t>::give(std::move(scores.level));
        }

        // The engine's columns are already contiguous: the scenario levels move into numpy as
        // they are.
        const auto n = static_cast<py::ssize_t>(rows);
        py::dict out;
        out["level"] = to_numpy(std::move(scores.level_bytes), {n});
        out["total"] = to_numpy_as<double>(std::move(scores.total), {n});
        out["points"] =
            to_numpy_as<double>(std::move(scores.dim_points), {static_cast<py::ssize_t>(dims), n});
        out["scenarios"] =
            to_numpy(std::move(scores.scenario_levels), {static_cast<py::ssize_t>(scen), n});
        out["failed"] = to_numpy(std::move(failed), {n}).attr("view")("bool");
        out["errors"] = texts(scores.errors, rows);
        out["issues"] = std::move(scores.issues);  // every error of each failed row (issue 20)
        if (warnings) out["warnings"] = texts(scores.warnings, rows);
        return out;
      },
      py::arg("rules"), py::arg("columns"), py::arg("ids"), py::arg("rows"),
      py::arg("missing") = "error", py::arg("threads") = 0, py::arg("warnings") = false,
      py::arg("lang") = "zh",
      "Scores a table given as (name, cells) columns in the CSV survey layout; cells are an "
      "Arrow stream PyCapsule, a (codes, categories) pair (numpy codes; categories a numpy array "
      "or an Arrow stream PyCapsule), or a numpy array. "
      "`ids` is the enterprise_id column in the same forms. Returns numpy columns: level "
      "(int8), total (float), points (each dimension, float), scenarios (one row each, int8), "
      "failed (bool), errors and warnings (object, None where there is nothing to say; warnings "
      "in `lang`).");
}

}  // namespace smedx::python
