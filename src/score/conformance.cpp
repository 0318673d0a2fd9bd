#include "smedx/conformance.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "survey/survey_yaml.h"
#include "yaml/yaml_tree.h"

namespace smedx {

namespace {

using detail::YamlNode;
using Kind = YamlNode::Kind;

class CaseReader {
 public:
  CaseReader(const std::string& file, std::vector<Issue>& issues) : file_(file), issues_(issues) {}

  void read(const YamlNode& root, std::vector<ConformanceCase>& out) {
    const YamlNode* cases = root.kind == Kind::map ? root.find("cases") : nullptr;
    if (!cases || cases->kind != Kind::sequence) {
      error(root, "", "expected a mapping with a 'cases' sequence");
      return;
    }
    for (std::size_t i = 0; i < cases->items.size(); ++i) {
      const YamlNode& c = cases->items[i];
      const std::string path = fmt::format("cases[{}]", i);
      if (c.kind != Kind::map) {
        error(c, path, fmt::format("expected a mapping for a case, got {}", c.kind_name()));
        continue;
      }
      ConformanceCase cc;
      cc.where = Location{file_, c.line, c.column};
      for (const auto& [k, v] : c.entries) {
        if (k.value == "name") {
          cc.name = v.value;
        } else if (k.value == "survey") {
          if (auto s = detail::read_survey(v, file_, path + ".survey", issues_)) cc.survey = *s;
        } else if (k.value == "expect") {
          expect(v, path + ".expect", cc);
        } else {
          error(k, path,
                fmt::format("unknown key '{}' in a case (expected name, survey, expect)", k.value));
        }
      }
      for (const char* key : {"name", "survey", "expect"}) {
        if (!c.find(key)) error(c, path, fmt::format("missing required key '{}' in a case", key));
      }
      out.push_back(std::move(cc));
    }
  }

 private:
  void error(const YamlNode& at, std::string path, std::string message) {
    issues_.push_back(Issue{Severity::error, std::move(message), std::move(path),
                            Location{file_, at.line, at.column}, ""});
  }

  std::optional<Decimal> number(const YamlNode& v, const std::string& path) {
    if (v.kind == Kind::scalar && !v.quoted) {
      if (auto d = Decimal::parse(v.value)) return d;
    }
    error(v, path, "expected an exact number (at most 3 decimal places)");
    return std::nullopt;
  }

  // "2", "C" or "B,C": a scenario level or an answer, as text to compare.
  static std::string canonical(const YamlNode& v) {
    if (v.kind != Kind::sequence) return v.value;
    std::string out;
    for (const auto& e : v.items) out += (out.empty() ? "" : ",") + e.value;
    return out;
  }

  ExpectedPath expected_path(const YamlNode& n, const std::string& path) {
    ExpectedPath e;
    for (const auto& [k, v] : n.entries) {
      if (k.value == "target") {
        if (auto d = number(v, path + ".target"))
          e.target = static_cast<int>(d->thousandths() / Decimal::scale);
      } else if (k.value == "status") {
        e.status = v.value;
      } else if (k.value == "cost") {
        e.cost = number(v, path + ".cost");
      } else if (k.value == "changes" && v.kind == Kind::sequence) {
        for (const auto& c : v.items) {
          ExpectedPath::Change ch;
          if (const auto* x = c.find("kind")) ch.kind = x->value;
          if (const auto* x = c.find("id")) ch.id = x->value;
          if (const auto* x = c.find("from")) ch.from = canonical(*x);
          if (const auto* x = c.find("to")) ch.to = canonical(*x);
          e.changes.push_back(std::move(ch));
        }
      } else {
        error(k, path,
              fmt::format("unknown key '{}' in an expected path (expected target, status, "
                          "cost, changes)",
                          k.value));
      }
    }
    return e;
  }

  void expect(const YamlNode& n, const std::string& path, ConformanceCase& cc) {
    if (n.kind != Kind::map) {
      error(n, path, fmt::format("expected a mapping for 'expect', got {}", n.kind_name()));
      return;
    }
    for (const auto& [k, v] : n.entries) {
      const std::string p = path + "." + k.value;
      if (k.value == "dimensions" && v.kind == Kind::map) {
        for (const auto& [dk, dv] : v.entries) {
          if (auto d = number(dv, p + "." + dk.value)) cc.dimensions[dk.value] = *d;
        }
      } else if (k.value == "total") {
        cc.total = number(v, p);
      } else if (k.value == "level") {
        auto d = number(v, p);
        if (d && d->thousandths() % Decimal::scale == 0) {
          cc.level = static_cast<int>(d->thousandths() / Decimal::scale);
        } else if (d) {
          error(v, p, "expected a whole level number");
        }
      } else if (k.value == "path" && v.kind == Kind::map) {
        cc.path = expected_path(v, p);
      } else if (k.value == "warnings" && v.kind == Kind::sequence) {
        cc.warnings.emplace();
        for (const auto& w : v.items) cc.warnings->push_back(w.value);
      } else {
        error(k, p,
              fmt::format("unknown or malformed expectation '{}' (expected dimensions, "
                          "total, level, warnings)",
                          k.value));
      }
    }
  }

  const std::string& file_;
  std::vector<Issue>& issues_;
};

}  // namespace

ConformanceSuite load_conformance(const std::filesystem::path& tests_yaml) {
  ConformanceSuite suite;
  const std::string file = tests_yaml.generic_string();
  std::ifstream in(tests_yaml, std::ios::binary);
  if (!in) {
    suite.issues.push_back(
        Issue{Severity::error, "cannot open file", "", Location{file, 0, 0}, ""});
    return suite;
  }
  std::stringstream text;
  text << in.rdbuf();
  // Conformance files hold many surveys: allow more nodes than a rule-set file.
  const detail::YamlLimits limits{32, 2'000'000};
  auto root = detail::parse_yaml(text.str(), file, limits, suite.issues);
  if (!root) return suite;
  CaseReader(file, suite.issues).read(*root, suite.cases);
  return suite;
}

}  // namespace smedx
