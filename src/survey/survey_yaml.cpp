#include "survey/survey_yaml.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <regex>

#include "smedx/decimal.h"
#include "smedx/survey_text.h"

namespace smedx::detail {

namespace {

using Kind = YamlNode::Kind;

// A plain decimal number as written (exponents allowed). Not YAML's wider forms (0x1e, .inf):
// a survey's numbers are percentages and figures.
bool is_number(const YamlNode& n) {
  static const std::regex number(R"([-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?)");
  return n.kind == Kind::scalar && !n.quoted && std::regex_match(n.value, number);
}

bool is_letter(const YamlNode& n) {
  return n.kind == Kind::scalar && n.value.size() == 1 && n.value[0] >= 'A' && n.value[0] <= 'Z';
}

class SurveyReader {
 public:
  SurveyReader(const std::string& file, std::vector<Issue>& issues)
      : file_(file), issues_(issues) {}

  std::optional<Survey> read(const YamlNode& n, const std::string& path) {
    const std::size_t before = issues_.size();
    Survey s;
    s.where = loc(n);
    if (n.kind != Kind::map) {
      error(n, path, fmt::format("expected a survey mapping, got {}", n.kind_name()));
      return std::nullopt;
    }
    for (const auto& [k, v] : n.entries) {
      if (k.value == "enterprise") {
        enterprise(v, path + ".enterprise", s);
      } else if (k.value == "answers") {
        answers(v, path + ".answers", s);
      } else if (k.value == "scenarios") {
        scenarios(v, path + ".scenarios", s);
      } else {
        error(k, path,
              fmt::format("unknown key '{}' in a survey (expected enterprise, answers, "
                          "scenarios)",
                          k.value));
      }
    }
    for (const char* key : {"enterprise", "answers", "scenarios"}) {
      if (!n.find(key)) error(n, path, fmt::format("missing required key '{}' in a survey", key));
    }
    if (issues_.size() != before) return std::nullopt;
    return s;
  }

 private:
  Location loc(const YamlNode& n) const { return Location{file_, n.line, n.column}; }
  void error(const YamlNode& at, const std::string& path, std::string message) {
    issues_.push_back(coded_issue("E-SURVEY-SHAPE", {std::move(message)}, path, loc(at)));
  }

  void enterprise(const YamlNode& n, const std::string& path, Survey& s) {
    if (n.kind != Kind::map) {
      error(n, path, fmt::format("expected a mapping for 'enterprise', got {}", n.kind_name()));
      return;
    }
    for (const auto& [k, v] : n.entries) {
      if (v.kind != Kind::scalar && v.kind != Kind::null) {
        error(v, path + "." + k.value,
              fmt::format("expected a text value for enterprise field '{}', got {}", k.value,
                          v.kind_name()));
        continue;
      }
      if (k.value == "id") {
        s.enterprise_id = v.value;
      } else {
        s.enterprise.emplace_back(k.value, v.value);
      }
    }
    if (s.enterprise_id.empty()) error(n, path, "missing enterprise.id");
  }

  void answers(const YamlNode& n, const std::string& path, Survey& s) {
    if (n.kind != Kind::map) {
      error(n, path, fmt::format("expected a mapping for 'answers', got {}", n.kind_name()));
      return;
    }
    for (const auto& [k, v] : n.entries) {
      const std::string ap = path + "." + k.value;
      Answer a;
      a.where = loc(v);
      if (is_letter(v)) {
        a.letters = {v.value[0]};
      } else if (is_number(v)) {
        a.kind = Answer::Kind::percent;
        a.percent = v.value;
      } else if (v.kind == Kind::sequence) {
        a.list = true;
        for (const auto& e : v.items) {
          if (!is_letter(e)) {
            error(e, ap,
                  fmt::format(
                      "expected option letters in the list for '{}', got {}", k.value,
                      e.kind == Kind::scalar ? "'" + e.value + "'" : std::string(e.kind_name())));
            continue;
          }
          a.letters.push_back(e.value[0]);
        }
      } else if (v.kind == Kind::map && v.find("before") && v.find("after") &&
                 v.entries.size() == 2) {
        a.kind = Answer::Kind::figures;
        const YamlNode& b = *v.find("before");
        const YamlNode& f = *v.find("after");
        if (!is_number(b) || !is_number(f)) {
          error(v, ap, fmt::format("expected numbers for 'before' and 'after' of '{}'", k.value));
          continue;
        }
        a.before = b.value;
        a.after = f.value;
      } else {
        error(
            v, ap,
            fmt::format("expected an option letter, a list of letters, a percentage or "
                        "{{before, after}} for '{}', got {}",
                        k.value,
                        v.kind == Kind::scalar ? "'" + v.value + "'" : std::string(v.kind_name())));
        continue;
      }
      s.answers.emplace_back(k.value, std::move(a));
    }
  }

  void scenarios(const YamlNode& n, const std::string& path, Survey& s) {
    if (n.kind != Kind::map) {
      error(n, path, fmt::format("expected a mapping for 'scenarios', got {}", n.kind_name()));
      return;
    }
    for (const auto& [k, v] : n.entries) {
      int level = 0;
      const char* end = v.value.data() + v.value.size();
      auto [ptr, ec] = std::from_chars(v.value.data(), end, level);
      if (v.kind != Kind::scalar || v.quoted || ec != std::errc{} || ptr != end) {
        error(
            v, path + "." + k.value,
            fmt::format("expected a whole-number scenario level for '{}', got {}", k.value,
                        v.kind == Kind::scalar ? "'" + v.value + "'" : std::string(v.kind_name())));
        continue;
      }
      s.scenarios.emplace_back(k.value, level);
      s.scenario_where.push_back(loc(v));
    }
  }

  const std::string& file_;
  std::vector<Issue>& issues_;
};

}  // namespace

std::optional<Survey> read_survey(const YamlNode& node, const std::string& file,
                                  const std::string& path, std::vector<Issue>& issues) {
  return SurveyReader(file, issues).read(node, path);
}

}  // namespace smedx::detail

namespace smedx {

SurveyParse parse_survey_yaml(std::string_view yaml, std::string_view source) {
  SurveyParse out;
  const std::string file(source);
  auto root = detail::parse_yaml(yaml, file, {}, out.issues);
  if (!root) return out;
  if (const auto* e = root->find("enterprise"))
    if (const auto* id = e->find("id")) out.enterprise_id = id->value;
  auto s = detail::read_survey(*root, file, "", out.issues);
  // A duplicate key is an error even though the tree was built: no survey then.
  if (s && !has_errors(out.issues)) out.survey = std::move(*s);
  return out;
}

}  // namespace smedx
