// Surveys from JSON, through simdjson's DOM parser (Debian's libsimdjson-dev): fast and
// strict, which beats writing a parser by hand. One walker reads the survey object and hands
// its pieces to a sink: a builder that makes a Survey (the API path), or the coder that checks
// and codes answers straight from the parser's buffer (the batch path, no Survey in between).
// Numbers are kept as their shortest round-trip text, so "10.01" stays 10.01 when compared
// exactly with band bounds.
#include <fmt/format.h>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <optional>

#include "common/clip.h"
#include "smedx/survey_text.h"
#include "survey/survey_coder.h"
#include "survey/survey_json_scan.h"

namespace smedx {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The shortest text of a double as fmt writes it, for what surveys hold (0.001 <= |d| < 1e15,
// at most 15 significant digits), without fmt's general algorithm: d is n / 10^k for the least
// k at which that division gives back d. Dividing two exactly held integers rounds correctly,
// as reading the decimal n·10^-k does, so the decimal reads as d; and no two decimals of at
// most 15 significant digits read as the same double, so it is the one fmt finds. Nothing
// (fall back to fmt) for any other double.
std::optional<std::string_view> short_decimal(double d, std::array<char, 64>& buf) {
  static constexpr double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const double magnitude = d < 0 ? -d : d;
  if (!(magnitude >= 1e-3 && magnitude < 1e15)) return std::nullopt;
  for (int k = 0; k < 16; ++k) {
    const double scaled = magnitude * p10[k];
    if (scaled >= 1e15) return std::nullopt;
    const auto n = static_cast<std::int64_t>(scaled + 0.5);  // a candidate; checked next
    if (static_cast<double>(n) / p10[k] != magnitude) continue;
    // n's digits, with a point k from the end (and zeros before it when n is short).
    char digits[24];
    int len = 0;
    for (std::int64_t v = n; v > 0; v /= 10) digits[len++] = static_cast<char>('0' + v % 10);
    char* out = buf.data();
    if (d < 0) *out++ = '-';
    if (len <= k) {
      *out++ = '0';
      *out++ = '.';
      for (int z = len; z < k; ++z) *out++ = '0';
    }
    for (int i = len - 1; i >= 0; --i) {
      *out++ = digits[i];
      if (i == k && k > 0 && len > k) *out++ = '.';
    }
    return std::string_view(buf.data(), static_cast<std::size_t>(out - buf.data()));
  }
  return std::nullopt;
}

// Writes a number's text into `buf` (no allocation for any number a survey holds).
std::string_view number_text(element e, std::array<char, 64>& buf) {
  if (e.type() == element_type::DOUBLE)
    if (auto fast = short_decimal(double(e), buf)) return *fast;
  fmt::format_to_n_result<char*> r{};
  switch (e.type()) {
    case element_type::INT64:
      r = fmt::format_to_n(buf.data(), buf.size(), "{}", int64_t(e));
      break;
    case element_type::UINT64:
      r = fmt::format_to_n(buf.data(), buf.size(), "{}", uint64_t(e));
      break;
    default:
      r = fmt::format_to_n(buf.data(), buf.size(), "{}", double(e));
  }
  return {buf.data(), std::min(r.size, buf.size())};
}

bool is_number(element e) {
  const auto t = e.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

std::string_view type_name(element e) {
  switch (e.type()) {
    case element_type::ARRAY:
      return "a list";
    case element_type::OBJECT:
      return "an object";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

std::optional<char> letter(element e) {
  std::string_view s;
  if (e.get_string().get(s) || s.size() != 1 || s[0] < 'A' || s[0] > 'Z') return std::nullopt;
  return s[0];
}

// A list of strings of which one at least is not a plain capital letter ("c", "多个业务环节"):
// its strings joined with '|' into `out`, for the coder to read. False for a list of plain
// letters, or one holding anything but strings, which the list reader words.
bool written_list(simdjson::dom::array list, std::string& out) {
  out.clear();
  bool plain = true;
  for (element e : list) {
    std::string_view sv;
    if (e.get_string().get(sv)) return false;
    plain = plain && sv.size() == 1 && sv[0] >= 'A' && sv[0] <= 'Z';
    if (!out.empty()) out += '|';
    out += sv;
  }
  return !plain && !out.empty();
}

// The members "before" and "after" of a two-member object, in one pass over it.
bool before_after(simdjson::dom::object figures, element& before, element& after) {
  bool has_before = false, has_after = false;
  for (auto [k, v] : figures) {
    if (k == "before") {
      before = v;
      has_before = true;
    } else if (k == "after") {
      after = v;
      has_after = true;
    }
  }
  return has_before && has_after;
}

// JSON numbers with a fraction or an exponent are read as doubles. With at most 15 significant
// digits a number survives that
// exactly (its shortest round-trip text is the number as written); with more it may not, so such
// a number is refused rather than silently rounded. Returns the first such number.
std::optional<std::string_view> too_precise(std::string_view json) {
  // Fast path: such a number needs 16 bytes in a row that are digits or points. Look at the last
  // byte of each 16-byte window first: when it is neither, no window holding it qualifies and
  // the search jumps past it, so most records are decided in a sixteenth of their bytes.
  auto numeric = [](char c) { return (c >= '0' && c <= '9') || c == '.'; };
  bool candidate = false;
  for (std::size_t start = 0; start + 16 <= json.size();) {
    std::size_t j = start + 15;
    while (j > start && numeric(json[j])) --j;
    if (j == start && numeric(json[j])) {
      candidate = true;
      break;
    }
    start = j + 1;
  }
  if (!candidate) return std::nullopt;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;
    std::size_t end = i;
    std::string significant;
    bool exponent = false;
    for (; end < json.size(); ++end) {
      const char d = json[end];
      if (d == 'e' || d == 'E') exponent = true;
      if (!((d >= '0' && d <= '9') || d == '.' || d == '-' || d == '+' || d == 'e' || d == 'E'))
        break;
      if (!exponent && d >= '0' && d <= '9' && (!significant.empty() || d != '0')) significant += d;
    }
    while (!significant.empty() && significant.back() == '0') significant.pop_back();
    const std::string_view token = json.substr(i, end - i);
    // Integers are read exactly as 64-bit integers; only fractions and exponents go through
    // a double.
    const bool fractional = token.find_first_of(".eE") != std::string_view::npos;
    if (fractional && significant.size() > 15) return token;
    i = end - 1;
  }
  return std::nullopt;
}

// Builds a Survey from the walker's pieces.
struct SurveyBuilder {
  Survey survey;
  void enterprise_id(std::string_view id) { survey.enterprise_id.assign(id); }
  void enterprise_field(std::string_view k, std::string_view v) {
    survey.enterprise.emplace_back(std::string(k), std::string(v));
  }
  void answer(std::string_view key, const detail::AnswerView& v) {
    Answer a;
    a.kind = v.kind;
    a.list = v.list;
    a.letters.assign(v.letters.begin(), v.letters.end());
    a.text = v.text;
    a.percent = v.percent;
    a.before = v.before;
    a.after = v.after;
    a.where = survey.where;
    survey.answers.emplace_back(std::string(key), std::move(a));
  }
  void scenario(std::string_view key, int level) {
    survey.scenarios.emplace_back(std::string(key), level);
    survey.scenario_where.push_back(survey.where);
  }
};

// Walks one survey object. Shape problems (malformed JSON, wrong types, unknown top-level keys)
// go to `issues`; what the sink receives is well-formed.
template <typename Sink>
void walk(std::string_view json, std::size_t capacity, const Location& where, Sink& sink,
          std::vector<Issue>& issues) {
  // A shape problem, in its English words under E-SURVEY-SHAPE, unless a code of its own is
  // given with its args.
  auto error = [&](std::string path, std::string message, std::string_view code = {},
                   std::vector<std::string> args = {}) {
    issues.push_back(
        code.empty() ? coded_issue("E-SURVEY-SHAPE", {std::move(message)}, std::move(path), where)
                     : coded_issue(code, std::move(args), std::move(path), where));
  };
  if (auto number = too_precise(json)) {
    error("", "", "E-JSON-PRECISION", {std::string(*number)});
    return;
  }
  thread_local simdjson::dom::parser parser;
  element root;
  // An empty view may have no buffer at all, and simdjson memcpy()s from it: never null.
  const char* text = json.data() ? json.data() : "";
  const bool padded = json.data() && capacity >= json.size() + simdjson::SIMDJSON_PADDING;
  if (auto err = parser.parse(text, json.size(), /*realloc_if_needed=*/!padded).get(root)) {
    error("", "", "E-JSON-SYNTAX", {simdjson::error_message(err)});
    return;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    error("", fmt::format("expected a survey object, got {}", type_name(root)));
    return;
  }
  std::array<char, 64> num{}, before{}, after{};
  std::array<char, 32> letters{};
  std::string written;  // a list of strings not all plain letters, joined with '|'
  bool seen_enterprise = false, seen_answers = false, seen_scenarios = false;
  for (auto [key, value] : obj) {
    // A section given twice (JSON allows it) is an error, not one of them read silently.
    if ((key == "enterprise" && seen_enterprise) || (key == "answers" && seen_answers) ||
        (key == "scenarios" && seen_scenarios)) {
      error("", fmt::format("key '{}' given twice in a survey", detail::clip(key)));
      continue;
    }
    if (key == "enterprise") {
      seen_enterprise = true;
      simdjson::dom::object ent;
      if (value.get_object().get(ent)) {
        error("enterprise",
              fmt::format("expected an object for 'enterprise', got {}", type_name(value)));
        continue;
      }
      std::vector<std::string_view> keys;  // JSON lets a key repeat; readers disagree on which
      std::string first_id;                // value wins, so a repeated one is an error
      for (auto [k, v] : ent) {
        if (std::find(keys.begin(), keys.end(), k) != keys.end()) {
          error(fmt::format("enterprise.{}", detail::clip(k)),
                k == "id"
                    ? fmt::format("enterprise 'id' given twice ('{}' and '{}')",
                                  detail::clip(first_id),
                                  detail::clip(v.is_string() ? std::string(v.get_string().value())
                                                             : simdjson::minify(v)))
                    : fmt::format("enterprise field '{}' given twice", detail::clip(k)));
          continue;
        }
        keys.push_back(k);
        if (k == "id" && v.is_string())
          first_id = std::string(v.get_string().value());
        else if (k == "id")
          first_id = simdjson::minify(v);
        // Kept and passed through as text: strings as they are, numbers as written, anything
        // else (true, a list, an object) as its JSON.
        std::string_view text;
        std::string other;
        if (std::string_view sv; !v.get_string().get(sv)) {
          text = sv;
        } else if (is_number(v)) {
          text = number_text(v, num);
        } else if (!v.is_null()) {
          other = simdjson::minify(v);
          text = other;
        }
        if (k == "id") {
          sink.enterprise_id(text);
        } else {
          sink.enterprise_field(k, text);
        }
      }
    } else if (key == "answers") {
      seen_answers = true;
      simdjson::dom::object answers;
      if (value.get_object().get(answers)) {
        error("answers", fmt::format("expected an object for 'answers', got {}", type_name(value)));
        continue;
      }
      for (auto [k, v] : answers) {
        auto path = [k = k] { return fmt::format("answers.{}", detail::clip(k)); };
        detail::AnswerView a;
        simdjson::dom::array list;
        simdjson::dom::object figures;
        element b, f;
        if (auto l = letter(v)) {
          letters[0] = *l;
          a.letters = std::span<const char>(letters.data(), 1);
        } else if (is_number(v)) {
          a.kind = Answer::Kind::percent;
          a.percent = number_text(v, num);
        } else if (std::string_view sv;
                   !v.get_string().get(sv) && sv.size() > 1 && sv.back() == '%') {
          a.kind = Answer::Kind::percent;  // "72.5%", as a spreadsheet writes a percent cell
          a.percent = sv;
        } else if (std::string_view sv; !v.get_string().get(sv) && !sv.empty()) {
          a.text = sv;  // words, `B、C`, `c`: the coder reads it as people write options
        } else if (!v.get_array().get(list) && written_list(list, written)) {
          a.list = true;  // ["c", "多个业务环节"]: read as the parts of one written answer
          a.text = written;
        } else if (!v.get_array().get(list)) {
          a.list = true;
          std::size_t n = 0;
          bool bad = false;
          for (element e : list) {
            if (n == letters.size()) {
              error(path(), fmt::format("too many letters in the list for '{}' (at most {})",
                                        detail::clip(k), letters.size()));
              bad = true;
              break;
            }
            if (auto l2 = letter(e)) {
              letters[n++] = *l2;
            } else {
              std::string got(type_name(e));
              if (std::string_view sv; !e.get_string().get(sv))
                got = fmt::format("'{}'", detail::clip(sv));
              error(path(), fmt::format("expected option letters in the list for '{}', got {}",
                                        detail::clip(k), got));
              bad = true;
            }
          }
          if (bad) continue;
          a.letters = std::span<const char>(letters.data(), n);
        } else if (!v.get_object().get(figures) && figures.size() == 2 &&
                   before_after(figures, b, f)) {
          a.kind = Answer::Kind::figures;
          if (!is_number(b) || !is_number(f)) {
            error(path(), fmt::format("expected numbers for 'before' and 'after' of '{}'",
                                      detail::clip(k)));
            continue;
          }
          a.before = number_text(b, before);
          a.after = number_text(f, after);
        } else {
          std::string got(type_name(v));
          if (std::string_view sv; !v.get_string().get(sv))
            got = fmt::format("'{}'", detail::clip(sv));
          error(path(), fmt::format("expected an option letter, a list of letters, a percentage "
                                    "or {{before, after}} for '{}', got {}",
                                    detail::clip(k), got));
          continue;
        }
        sink.answer(k, a);
      }
    } else if (key == "scenarios") {
      seen_scenarios = true;
      simdjson::dom::object scenarios;
      if (value.get_object().get(scenarios)) {
        error("scenarios",
              fmt::format("expected an object for 'scenarios', got {}", type_name(value)));
        continue;
      }
      for (auto [k, v] : scenarios) {
        int64_t level = 0;
        if (v.get_int64().get(level)) {
          error(fmt::format("scenarios.{}", detail::clip(k)), "", "E-LEVEL-FORMAT",
                {detail::clip(k), std::string(type_name(v))});
          continue;
        }
        // Far out of range stays out of range: the coder reports it against the rule's levels.
        sink.scenario(k, static_cast<int>(std::clamp<int64_t>(level, -1'000'000, 1'000'000)));
      }
    } else {
      error("", fmt::format("unknown key '{}' in a survey (expected enterprise, answers, "
                            "scenarios)",
                            detail::clip(key)));
    }
  }
  if (!seen_enterprise) error("", "missing required key 'enterprise' in a survey");
  if (!seen_answers) error("", "missing required key 'answers' in a survey");
  if (!seen_scenarios) error("", "missing required key 'scenarios' in a survey");
}

}  // namespace

SurveyParse parse_survey_json(std::string_view json, std::string_view source, int line,
                              std::size_t capacity) {
  SurveyParse out;
  SurveyBuilder builder;
  builder.survey.where = Location{std::string(source), line, 1};
  if (!detail::scan_survey_json(json, builder)) {  // start again, with the walk
    Location where = std::move(builder.survey.where);
    builder = SurveyBuilder{};
    builder.survey.where = std::move(where);
    walk(json, capacity, builder.survey.where, builder, out.issues);
  }
  detail::cap_issues(out.issues);
  out.enterprise_id = builder.survey.enterprise_id;
  if (out.issues.empty()) out.survey = std::move(builder.survey);
  return out;
}

namespace detail {

void code_survey_json(std::string_view json, std::size_t capacity, const Location& where,
                      const RuleIndex& index, MissingPolicy missing, CodedSurvey& out,
                      JsonReader reader) {
  if (reader != JsonReader::walk_only) {
    SurveyCoder coder(index, missing, out, where);
    if (scan_survey_json(json, coder, reader == JsonReader::fast_utf8)) {
      coder.finish();
      return;
    }
  }  // else start again, with the walk
  SurveyCoder coder(index, missing, out, where);
  thread_local std::vector<Issue> shape;
  shape.clear();
  walk(json, capacity, where, coder, shape);
  if (shape.empty()) {
    coder.finish();
    return;
  }
  // A survey whose shape is wrong reports only that, as the Survey path does; the enterprise
  // fields read so far stay, to label the error record (the coder keeps the count of them).
  out.warnings.clear();
  out.errors = shape;
  cap_issues(out.errors);
}

}  // namespace detail

}  // namespace smedx
