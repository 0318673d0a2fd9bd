// A fast reader for the usual shape of a survey's JSON: the three known sections, answers that
// are letters, lists of letters, plain numbers, "72.5%" or {before, after}, strings without
// escapes. It hands the sink exactly the pieces, in the order, that the simdjson walk in
// survey_json.cpp would, and gives up (returns false) at the first thing outside that shape:
// anything the walk would report, escapes, exponents, literals, numbers whose text would
// differ. The caller then starts again from a fresh sink with the walk, so every message still
// comes from one place. Most records are read in one pass over their bytes, without building a
// DOM.
#pragma once

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "survey/survey_coder.h"

namespace smedx::detail {

// A sink that says which key it expects next (SurveyCoder), and takes it without a lookup.
template <typename Sink>
concept expects_keys = requires(Sink& s, std::string_view k, const AnswerView& a) {
  { s.next_answer_key() } -> std::same_as<std::string_view>;
  { s.next_scenario_key() } -> std::same_as<std::string_view>;
  s.expected_answer(k, a);
  s.expected_scenario(k, 0);
};

class SurveyScanner {
 public:
  explicit SurveyScanner(std::string_view json) : p_(json.data()), end_(p_ + json.size()) {}

  // Reads the whole survey into `sink`; false (with some pieces given already) when the text
  // is outside the shape this reader takes.
  template <typename Sink>
  bool survey(Sink& sink) {
    bool enterprise = false, answers = false, scenarios = false;
    if (!open('{')) return false;
    if (close('}')) return false;  // {} misses every section: the walk says so
    do {
      std::string_view key;
      if (!string(key) || !colon()) return false;
      // A section given twice goes to the walk, which reports it.
      if (is(key, "enterprise")) {
        if (enterprise) return false;
        enterprise = true;
        if (!enterprise_section(sink)) return false;
      } else if (is(key, "answers")) {
        if (answers) return false;
        answers = true;
        if (!answers_section(sink)) return false;
      } else if (is(key, "scenarios")) {
        if (scenarios) return false;
        scenarios = true;
        if (!scenarios_section(sink)) return false;
      } else {
        return false;
      }
    } while (comma());
    if (!close('}')) return false;
    skip_space();
    return p_ == end_ && enterprise && answers && scenarios;
  }

 private:
  // `key` is `name`, compared in line (string_view's == calls memcmp).
  template <std::size_t N>
  static bool is(std::string_view key, const char (&name)[N]) noexcept {
    return NameTable::same(key, std::string_view(name, N - 1));
  }

  void skip_space() {
    // Most tokens follow the last at once: one test for anything above a space.
    while (p_ < end_ && static_cast<unsigned char>(*p_) <= ' ' &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
      ++p_;
  }
  // The next byte (after white space) is `c`: consume it.
  [[gnu::always_inline]] bool open(char c) {
    if (p_ == end_ || *p_ != c) {  // mostly the byte itself, with no space before it
      skip_space();
      if (p_ == end_ || *p_ != c) return false;
    }
    ++p_;
    return true;
  }
  bool close(char c) { return open(c); }
  bool colon() { return open(':'); }
  bool comma() { return open(','); }
  bool peek(char c) {
    skip_space();
    return p_ < end_ && *p_ == c;
  }

  // A string without escapes or control characters; its text, without the quotes.
  bool string(std::string_view& out) {
    if (!open('"')) return false;
    const char* start = p_;
#if defined(__SSE2__)
    // Sixteen bytes at a time: most keys and values end within the first sixteen. (Elsewhere,
    // and for the last bytes, the loop below reads a byte at a time.)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  control = _mm_set1_epi8(0x1f);
    while (end_ - p_ >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
      const __m128i stops =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                       _mm_cmpeq_epi8(_mm_max_epu8(v, control), control));  // v <= 0x1f
      if (const auto hits = static_cast<unsigned>(_mm_movemask_epi8(stops))) {
        p_ += std::countr_zero(hits);
        break;
      }
      p_ += 16;
    }
#endif
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c == '\\' || c < 0x20) return false;
      ++p_;
    }
    out = std::string_view(start, static_cast<std::size_t>(p_ - start));
    ++p_;
    return true;
  }

  // The key `name` (a NameTable name that needs no escape) between quotes, if it comes next
  // with no space before it: one comparison, where a key read as a string is scanned for its
  // end and then looked up by the sink.
  bool expected_key(std::string_view name, std::string_view& out) {
    const std::size_t n = name.size();
    if (!name.data() || static_cast<std::size_t>(end_ - p_) < n + 2 || p_[0] != '"' ||
        p_[n + 1] != '"' || !NameTable::same(std::string_view(p_ + 1, n), name))
      return false;
    out = std::string_view(p_ + 1, n);
    p_ += n + 2;
    return true;
  }

  // A string of one capital letter, "B", as most answers are: read without the general loop.
  bool letter(char& out) {
    if (end_ - p_ < 3 || p_[0] != '"' || p_[2] != '"' || p_[1] < 'A' || p_[1] > 'Z') return false;
    out = p_[1];
    p_ += 3;
    return true;
  }

  // A JSON number without an exponent whose text, as the walk writes it (a whole number as
  // written; a fraction as its double's shortest text), is the number as written less the
  // zeros that end its fraction (and a point left bare): that holds for at most 15
  // significant digits and magnitudes from 0.001 to below 10^15, which is what this takes.
  // `whole`: it had no point.
  bool number(std::string_view& text, bool& whole) {
    skip_space();
    const char* start = p_;
    const bool negative = p_ < end_ && *p_ == '-';
    if (negative) ++p_;
    const char* digits = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    const auto int_digits = static_cast<std::size_t>(p_ - digits);
    if (int_digits == 0 || (int_digits > 1 && *digits == '0')) return false;
    whole = p_ == end_ || *p_ != '.';
    const char* stop = p_;
    if (whole) {
      if (int_digits > 18 || (negative && *digits == '0')) return false;  // -0 and big ones
    } else {
      ++p_;
      const char* frac = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == frac || int_digits > 15) return false;
      stop = p_;
      while (stop[-1] == '0') --stop;  // stops at the point at the latest
      const bool zero_int = *digits == '0';
      const char* first = zero_int ? frac : digits;  // the first significant digit, or later
      while (first < stop && (*first == '0' || *first == '.')) ++first;
      if (first == stop) return false;  // a zero: fmt writes 0 (or -0); leave it to the walk
      if (zero_int && first - frac >= 3) return false;  // below 0.001
      // Significant digits as the walk counts them (at most one more when the whole part ends
      // in zeros, which only gives up sooner): from the first non-zero one, less the point.
      const char* point = digits + int_digits;
      const auto significant = (stop - first) - (first < point && point < stop ? 1 : 0);
      if (significant > 15) return false;
      if (stop[-1] == '.') --stop;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E' || *p_ == '.')) return false;
    text = std::string_view(start, static_cast<std::size_t>(stop - start));
    return true;
  }

  // A member to the sink: the key it expected (expected_key) needs no lookup.
  template <typename Sink>
  static void give_answer(Sink& sink, bool expected, std::string_view key, const AnswerView& a) {
    if constexpr (expects_keys<Sink>) {
      if (expected) return sink.expected_answer(key, a);
    }
    sink.answer(key, a);
  }
  template <typename Sink>
  static void give_scenario(Sink& sink, bool expected, std::string_view key, int level) {
    if constexpr (expects_keys<Sink>) {
      if (expected) return sink.expected_scenario(key, level);
    }
    sink.scenario(key, level);
  }

  // The three sections' member loops are written out: one loop taking a lambda a value (tried)
  // cost 640-900 instructions a survey more, as the compiler then inlined less.
  template <typename Sink>
  bool enterprise_section(Sink& sink) {
    if (!open('{')) return false;
    if (close('}')) return true;
    // The keys so far: a key given twice goes to the walk, which reports it. A survey has a
    // handful of enterprise fields, so a look back costs a few comparisons.
    constexpr std::size_t most = 16;
    // Plain arrays left unset: a survey's handful of keys costs no zeroing of sixteen slots.
    const char* key_data[most];
    std::size_t key_size[most];
    std::size_t count = 0;
    do {
      std::string_view key, text;
      bool whole = false;
      if (!string(key) || !colon()) return false;
      if (count == most) return false;
      for (std::size_t k = 0; k < count; ++k)
        if (key_size[k] == key.size() && std::memcmp(key_data[k], key.data(), key.size()) == 0)
          return false;
      key_data[count] = key.data();
      key_size[count++] = key.size();
      if (peek('"') ? !string(text) : !number(text, whole)) return false;
      if (is(key, "id")) {
        sink.enterprise_id(text);
      } else {
        sink.enterprise_field(key, text);
      }
    } while (comma());
    return close('}');
  }

  template <typename Sink>
  bool answers_section(Sink& sink) {
    if (!open('{')) return false;
    if (close('}')) return true;
    std::array<char, 32> letters{};  // as many as the walk takes
    do {
      std::string_view key;
      bool expected = false;
      if constexpr (expects_keys<Sink>) expected = expected_key(sink.next_answer_key(), key);
      if ((!expected && !string(key)) || !colon()) return false;
      AnswerView a;
      skip_space();
      if (p_ == end_) return false;
      if (letter(letters[0])) {
        a.letters = std::span<const char>(letters.data(), 1);
        a.folded = true;
        a.folded_mask = std::uint32_t{1} << (letters[0] - 'A');
      } else if (*p_ == '"') {  // not one letter: a percentage as a spreadsheet writes it
        std::string_view s;
        if (!string(s) || s.size() < 2 || s.back() != '%') return false;
        a.kind = Answer::Kind::percent;
        a.percent = s;
      } else if (*p_ == '[') {
        ++p_;
        a.list = true;
        std::size_t n = 0;
        std::uint32_t mask = 0, repeated = 0;  // folded as read: see AnswerView
        if (!close(']')) {
          do {
            skip_space();
            if (n == letters.size() || !letter(letters[n])) return false;
            const std::uint32_t bit = std::uint32_t{1} << (letters[n++] - 'A');
            repeated |= mask & bit;
            mask |= bit;
          } while (comma());
          if (!close(']')) return false;
        }
        a.letters = std::span<const char>(letters.data(), n);
        a.folded = true;
        a.repeated = repeated != 0;
        a.folded_mask = mask;
      } else if (*p_ == '{') {
        ++p_;
        std::string_view k1, k2, n1, n2;
        bool w = false;
        if (!string(k1) || !colon() || !number(n1, w) || !comma() || !string(k2) || !colon() ||
            !number(n2, w) || !close('}'))
          return false;
        a.kind = Answer::Kind::figures;
        if (is(k1, "before") && is(k2, "after")) {
          a.before = n1;
          a.after = n2;
        } else if (is(k1, "after") && is(k2, "before")) {
          a.before = n2;
          a.after = n1;
        } else {
          return false;
        }
      } else {
        bool whole = false;
        if (!number(a.percent, whole)) return false;
        a.kind = Answer::Kind::percent;
      }
      give_answer(sink, expected, key, a);
    } while (comma());
    return close('}');
  }

  template <typename Sink>
  bool scenarios_section(Sink& sink) {
    if (!open('{')) return false;
    if (close('}')) return true;
    do {
      std::string_view key, text;
      bool whole = false;
      bool expected = false;
      if constexpr (expects_keys<Sink>) expected = expected_key(sink.next_scenario_key(), key);
      if ((!expected && !string(key)) || !colon()) return false;
      skip_space();
      int level = 0;
      // Most levels are one digit and then a comma or the brace.
      if (end_ - p_ >= 2 && *p_ >= '0' && *p_ <= '9' && (p_[1] == ',' || p_[1] == '}')) {
        level = *p_++ - '0';
      } else {
        if (!number(text, whole) || !whole || text.size() > 9) return false;
        for (char c : text.substr(text[0] == '-')) level = level * 10 + (c - '0');
        if (text[0] == '-') level = -level;
        level = std::clamp(level, -1'000'000, 1'000'000);
      }
      give_scenario(sink, expected, key, level);
    } while (comma());
    return close('}');
  }

  const char* p_;
  const char* end_;
};

// Reads `json` into `sink` when it has the usual shape and is well-formed UTF-8 (which it need
// not check when `utf8_checked`); false otherwise.
template <typename Sink>
bool scan_survey_json(std::string_view json, Sink& sink, bool utf8_checked = false) {
  if (!json.data()) return false;
  if (!utf8_checked && !simdjson::validate_utf8(json.data(), json.size())) return false;
  return SurveyScanner(json).survey(sink);
}

}  // namespace smedx::detail
