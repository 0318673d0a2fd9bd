// Surveys from JSON, through simdjson's DOM parser (Debian's libsimdjson-dev): fast and
// strict, which beats writing a parser by hand. Numbers are kept as their shortest round-trip
// text, so "10.01" stays 10.01 when compared exactly with band bounds.
#include <fmt/format.h>

#include <simdjson.h>

#include "smedx/survey_io.h"

namespace smedx {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string number_text(element e) {
  switch (e.type()) {
    case element_type::INT64:
      return std::to_string(int64_t(e));
    case element_type::UINT64:
      return std::to_string(uint64_t(e));
    default:
      return fmt::format("{}", double(e));
  }
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

}  // namespace

SurveyParse parse_survey_json(std::string_view json, std::string_view source, int line) {
  SurveyParse out;
  const Location where{std::string(source), line, 1};
  auto error = [&](std::string path, std::string message) {
    out.issues.push_back(Issue{Severity::error, std::move(message), std::move(path), where, ""});
  };
  thread_local simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root)) {
    error("", fmt::format("malformed JSON: {}", simdjson::error_message(err)));
    return out;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    error("", fmt::format("expected a survey object, got {}", type_name(root)));
    return out;
  }
  Survey s;
  s.where = where;
  bool seen_enterprise = false, seen_answers = false, seen_scenarios = false;
  for (auto [key, value] : obj) {
    if (key == "enterprise") {
      seen_enterprise = true;
      simdjson::dom::object ent;
      if (value.get_object().get(ent)) {
        error("enterprise",
              fmt::format("expected an object for 'enterprise', got {}", type_name(value)));
        continue;
      }
      for (auto [k, v] : ent) {
        std::string text;
        if (std::string_view sv; !v.get_string().get(sv)) {
          text = std::string(sv);
        } else if (is_number(v)) {
          text = number_text(v);
        } else if (!v.is_null()) {
          error(fmt::format("enterprise.{}", k),
                fmt::format("expected a text value for enterprise field '{}', got {}", k,
                            type_name(v)));
          continue;
        }
        if (k == "id") {
          s.enterprise_id = text;
        } else {
          s.enterprise.emplace_back(std::string(k), std::move(text));
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
        const std::string path = fmt::format("answers.{}", k);
        Answer a;
        a.where = where;
        simdjson::dom::array list;
        simdjson::dom::object figures;
        if (auto l = letter(v)) {
          a.letters = {*l};
        } else if (is_number(v)) {
          a.kind = Answer::Kind::percent;
          a.percent = number_text(v);
        } else if (!v.get_array().get(list)) {
          a.list = true;
          for (element e : list) {
            if (auto l2 = letter(e)) {
              a.letters.push_back(*l2);
            } else {
              error(path, fmt::format("expected option letters in the list for '{}', got {}", k,
                                      type_name(e)));
            }
          }
        } else if (!v.get_object().get(figures) && figures.size() == 2 &&
                   !figures["before"].error() && !figures["after"].error()) {
          a.kind = Answer::Kind::figures;
          element b = figures["before"].value_unsafe(), f = figures["after"].value_unsafe();
          if (!is_number(b) || !is_number(f)) {
            error(path, fmt::format("expected numbers for 'before' and 'after' of '{}'", k));
            continue;
          }
          a.before = number_text(b);
          a.after = number_text(f);
        } else {
          std::string got(type_name(v));
          if (std::string_view sv; !v.get_string().get(sv)) got = fmt::format("'{}'", sv);
          error(path, fmt::format("expected an option letter, a list of letters, a percentage or "
                                  "{{before, after}} for '{}', got {}",
                                  k, got));
          continue;
        }
        s.answers.emplace_back(std::string(k), std::move(a));
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
        if (v.get_int64().get(level) || level < -1000 || level > 1000) {
          error(fmt::format("scenarios.{}", k),
                fmt::format("expected a whole-number scenario level for '{}', got {}", k,
                            type_name(v)));
          continue;
        }
        s.scenarios.emplace_back(std::string(k), static_cast<int>(level));
        s.scenario_where.push_back(where);
      }
    } else {
      error("", fmt::format("unknown key '{}' in a survey (expected enterprise, answers, "
                            "scenarios)",
                            key));
    }
  }
  if (!seen_enterprise) error("", "missing required key 'enterprise' in a survey");
  if (!seen_answers) error("", "missing required key 'answers' in a survey");
  if (!seen_scenarios) error("", "missing required key 'scenarios' in a survey");
  if (seen_enterprise && s.enterprise_id.empty()) error("enterprise.id", "missing enterprise.id");
  out.enterprise_id = s.enterprise_id;
  if (out.issues.empty()) out.survey = std::move(s);
  return out;
}

}  // namespace smedx
