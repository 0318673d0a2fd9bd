// The smedx command: lint rule sets (and, as they arrive, score and diagnose surveys).
// Exit codes: 0 clean, 1 problems found in the input, 2 usage errors.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/summary.h"
#include "smedx/survey_io.h"

namespace {

int lint(const std::string& path, bool quiet) {
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "error: %s: no such file or folder\n", path.c_str());
    return 2;
  }
  const smedx::LoadResult result = smedx::load_rules(path);
  if (!result.issues().empty()) std::fputs(smedx::format_issues(result.issues()).c_str(), stderr);
  if (!result.ok()) return 1;
  if (!quiet) std::fputs(smedx::summarize(result.rules()).c_str(), stdout);
  return 0;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Writes one record per assessment in the chosen format.
class Output {
 public:
  Output(std::ostream& out, std::string format, const smedx::RuleSet& rules)
      : out_(out), format_(std::move(format)), rules_(rules) {}

  void header() {
    if (format_ == "csv") {
      out_ << "enterprise_id,level,total";
      for (const auto& d : rules_.dimensions) out_ << ',' << d.id;
      for (const auto& s : rules_.scenarios) out_ << ',' << s.id;
      out_ << ",error\n";
    } else if (format_ == "table") {
      out_ << fmt::format("{:<14} {:>5} {:>8} {:>8} {:>8} {:>8}  {}\n", "enterprise", "level",
                          "total", rules_.dimensions.size() > 0 ? rules_.dimensions[0].id : "",
                          rules_.dimensions.size() > 1 ? rules_.dimensions[1].id : "",
                          rules_.dimensions.size() > 2 ? rules_.dimensions[2].id : "", "notes");
    }
  }

  void record(const smedx::Assessment& a) {
    if (format_ == "jsonl") {
      out_ << smedx::to_json(a) << '\n';
    } else if (format_ == "csv") {
      out_ << csv_field(a.enterprise_id);
      if (a.ok()) {
        out_ << ',' << a.level << ',' << a.total.to_string();
        for (const auto& d : a.dimensions) out_ << ',' << d.points.to_string();
        for (const auto& [id, level] : a.scenarios) out_ << ',' << level;
        out_ << ",\n";
      } else {
        out_ << ",,";
        for (std::size_t i = 0; i < rules_.dimensions.size() + rules_.scenarios.size(); ++i)
          out_ << ',';
        out_ << ',' << csv_field(a.errors.front().message) << '\n';
      }
    } else {
      if (!a.ok()) {
        out_ << fmt::format("{:<14} {:>5} {:>8} {:>8} {:>8} {:>8}  error: {}\n", a.enterprise_id,
                            "-", "-", "-", "-", "-", a.errors.front().message);
        return;
      }
      std::string notes = a.level_name;
      for (const auto& w : a.warnings) notes += "; warning: " + w.message;
      std::string dims[3];
      for (std::size_t i = 0; i < 3 && i < a.dimensions.size(); ++i)
        dims[i] = a.dimensions[i].points.to_string();
      out_ << fmt::format("{:<14} {:>5} {:>8} {:>8} {:>8} {:>8}  {}\n", a.enterprise_id, a.level,
                          a.total.to_string(), dims[0], dims[1], dims[2], notes);
    }
  }

 private:
  std::ostream& out_;
  std::string format_;
  const smedx::RuleSet& rules_;
};

struct ScoreOptions {
  std::string rules;
  std::vector<std::string> inputs;
  std::string format = "jsonl";
  std::string output;
};

int score(const ScoreOptions& o) {
  if (!std::filesystem::exists(o.rules)) {
    std::fprintf(stderr, "error: %s: no such file or folder\n", o.rules.c_str());
    return 2;
  }
  const smedx::LoadResult loaded = smedx::load_rules(o.rules);
  if (!loaded.ok()) {
    std::fputs(smedx::format_issues(loaded.issues()).c_str(), stderr);
    return 2;
  }
  const smedx::Engine engine(loaded.rules());
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "error: %s: cannot write\n", o.output.c_str());
      return 2;
    }
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  Output writer(out, o.format, engine.rules());
  writer.header();
  bool any_error = false;
  auto one = [&](std::string_view json, const std::string& source, int line) {
    smedx::SurveyParse parsed = smedx::parse_survey_json(json, source, line);
    smedx::Assessment a =
        parsed.survey ? engine.score(*parsed.survey)
                      : smedx::failed_assessment(parsed.enterprise_id, std::move(parsed.issues));
    for (auto& e : a.errors) {
      if (!e.where.known()) e.where = smedx::Location{source, line, 1};
    }
    any_error = any_error || !a.ok();
    writer.record(a);
  };
  auto lines = [&](std::istream& in, const std::string& source) {
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
      one(line, source, n);
    }
  };
  std::vector<std::string> inputs = o.inputs;
  if (inputs.empty()) inputs.push_back("-");
  for (const auto& input : inputs) {
    if (input == "-") {
      lines(std::cin, "<stdin>");
      continue;
    }
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "error: %s: cannot open\n", input.c_str());
      return 2;
    }
    if (std::filesystem::path(input).extension() == ".json") {
      std::stringstream text;
      text << in.rdbuf();
      one(text.str(), input, 1);
    } else {
      lines(in, input);
    }
  }
  return any_error ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"smedx: assess the digital maturity of SMEs against the national indicators"};
  app.set_version_flag("--version", std::string("smedx ") + SMEDX_VERSION);
  app.require_subcommand(1);

  std::string rules_path;
  bool quiet = false;
  auto* lint_cmd = app.add_subcommand("lint", "check a rule set and print its summary");
  lint_cmd->add_option("rule-set", rules_path, "a rule-set folder or YAML file")->required();
  lint_cmd->add_flag("-q,--quiet", quiet, "print only problems, not the summary");

  ScoreOptions score_options;
  auto* score_cmd =
      app.add_subcommand("score", "score surveys (JSON, JSON Lines) against a rule set");
  score_cmd->add_option("--rules", score_options.rules, "a rule-set folder or YAML file")
      ->required();
  score_cmd->add_option("inputs", score_options.inputs,
                        "survey files: *.json (one survey) or *.jsonl; '-' or none for stdin");
  score_cmd->add_option("--format", score_options.format, "jsonl, csv or table")
      ->check(CLI::IsMember({"jsonl", "csv", "table"}));
  score_cmd->add_option("-o,--output", score_options.output, "write here instead of stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (*lint_cmd) return lint(rules_path, quiet);
  if (*score_cmd) return score(score_options);
  return 2;
}
