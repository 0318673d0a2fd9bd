// The smedx command: lint rule sets (and, as they arrive, score and diagnose surveys).
// Exit codes: 0 clean, 1 problems found in the input, 2 usage errors.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "smedx/batch.h"
#include "smedx/cohort.h"
#include "smedx/diagnosis.h"
#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/report.h"
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

// Loads a rule set for a command, printing its diagnostics; nothing when it cannot be used.
std::optional<smedx::LoadResult> load_or_report(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "error: %s: no such file or folder\n", path.c_str());
    return std::nullopt;
  }
  smedx::LoadResult loaded = smedx::load_rules(path);
  if (!loaded.issues().empty()) std::fputs(smedx::format_issues(loaded.issues()).c_str(), stderr);
  if (!loaded.ok()) return std::nullopt;
  return loaded;
}

std::string table_header(const smedx::RuleSet& rules) {
  std::string dims;
  for (const auto& d : rules.dimensions) dims += fmt::format(" {:>10}", d.id);
  return fmt::format("{:<14} {:>5} {:>8}{}  {}", "enterprise", "level", "total", dims, "notes");
}

std::string table_row(const smedx::Assessment& a, const smedx::RuleSet& rules) {
  if (!a.ok()) {
    std::string dims;
    for (std::size_t i = 0; i < rules.dimensions.size(); ++i) dims += fmt::format(" {:>10}", "-");
    return fmt::format("{:<14} {:>5} {:>8}{}  error: {}", a.enterprise_id, "-", "-", dims,
                       a.errors.front().message);
  }
  std::string dims, notes = a.level_name;
  for (const auto& d : a.dimensions) dims += fmt::format(" {:>10}", d.points.to_string());
  for (const auto& w : a.warnings) notes += "; warning: " + w.message;
  return fmt::format("{:<14} {:>5} {:>8}{}  {}", a.enterprise_id, a.level, a.total.to_string(),
                     dims, notes);
}

// A progress line on stderr, shown only on a terminal and only once a batch has run a second.
class Progress {
 public:
  Progress() : tty_(isatty(fileno(stderr))), start_(std::chrono::steady_clock::now()) {}
  ~Progress() {
    if (shown_) std::fputs("\n", stderr);
  }
  void operator()(std::size_t records) {
    if (!tty_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (seconds < 1.0) return;
    shown_ = true;
    std::fprintf(stderr, "\r%zu surveys scored, %.0f/s", records, records / seconds);
    std::fflush(stderr);
  }

 private:
  bool tty_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

struct ScoreOptions {
  std::string rules;
  std::vector<std::string> inputs;
  std::string format = "jsonl";
  std::string input_format;
  std::string output;
  std::string missing = "error";
  unsigned threads = 0;
};

int score(const ScoreOptions& o) {
  const auto loaded = load_or_report(o.rules);
  if (!loaded) return 2;
  const smedx::Engine engine(loaded->rules());
  const smedx::RuleSet& rules = engine.rules();

  // Work out every input's format before writing anything, so a usage error writes nothing.
  std::vector<std::string> inputs = o.inputs;
  if (inputs.empty()) inputs.push_back("-");
  std::vector<smedx::InputFormat> formats;
  for (const auto& input : inputs) {
    std::optional<smedx::InputFormat> f;
    if (!o.input_format.empty()) {
      f = smedx::parse_input_format(o.input_format);
    } else if (input == "-") {
      f = smedx::InputFormat::jsonl;
    } else {
      f = smedx::input_format_for(input);
    }
    if (!f) {
      std::fprintf(stderr,
                   "error: %s: cannot tell the input format from the name; use --input-format "
                   "jsonl|csv|json|yaml\n",
                   input.c_str());
      return 2;
    }
    if (input != "-" && !std::filesystem::is_regular_file(input)) {
      std::fprintf(stderr, "error: %s: no such file\n", input.c_str());
      return 2;
    }
    formats.push_back(*f);
  }

  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "error: %s: cannot write\n", o.output.c_str());
      return 2;
    }
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  smedx::Formatter formatter;
  if (o.format == "csv") {
    out << smedx::csv_header(rules) << '\n';
    formatter = [](const smedx::ScoredRecord& r) { return smedx::to_csv(r); };
  } else if (o.format == "table") {
    out << table_header(rules) << '\n';
    formatter = [&rules](const smedx::ScoredRecord& r) { return table_row(r.assessment(), rules); };
  } else {
    formatter = [](const smedx::ScoredRecord& r) { return smedx::to_json(r.assessment()); };
  }

  smedx::BatchOptions options;
  options.threads = o.threads;
  options.missing = o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
  Progress progress;
  std::size_t done = 0, errors = 0;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    std::ifstream in;
    if (inputs[k] != "-") {
      in.open(inputs[k], std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "error: %s: cannot read\n", inputs[k].c_str());
        return 2;
      }
    }
    std::istream& source = inputs[k] == "-" ? std::cin : in;
    const auto summary =
        smedx::score_stream(engine, source, inputs[k] == "-" ? "<stdin>" : inputs[k], formats[k],
                            formatter, out, options, [&](std::size_t n) { progress(done + n); });
    done += summary.records;
    errors += summary.errors;
  }
  out.flush();
  if (!out) {
    std::fprintf(stderr, "error: %s: cannot write (disk full?)\n",
                 o.output.empty() ? "<stdout>" : o.output.c_str());
    return 2;
  }
  if (errors) std::fprintf(stderr, "%zu of %zu surveys had errors\n", errors, done);
  return errors ? 1 : 0;
}

struct DiagnoseOptions {
  std::string rules;
  std::vector<std::string> inputs;
  std::string output;
  std::string input_format;
  std::string missing = "error";
  int target = 0;  // 0: the profile's or the rule set's
  std::string threshold;
  bool by_district = false;
  unsigned threads = 0;
};

// A file name for an enterprise id: the id itself where a file system allows it (Chinese ids
// stay readable), '/', '\\', control and reserved characters made '_', at most 120 bytes, never
// one of the cohort files' names and never twice. index.tsv maps ids to files.
std::string file_stem(const std::string& id, std::set<std::string>& used) {
  std::string stem;
  for (unsigned char c : id) {
    const bool bad = c < 0x20 || c == 0x7f || std::strchr("/\\<>:\"|?*", c) != nullptr;
    stem += bad ? '_' : static_cast<char>(c);
  }
  if (stem.size() > 120) {
    std::size_t cut = 120;
    while (cut > 0 && (static_cast<unsigned char>(stem[cut]) & 0xC0) == 0x80) --cut;  // whole chars
    stem.resize(cut);
  }
  if (stem.empty() || stem[0] == '.') stem = "enterprise" + stem;
  std::string name = stem;
  for (int k = 2; !used.insert(name).second; ++k) name = stem + "-" + std::to_string(k);
  return name;
}

int diagnose(const DiagnoseOptions& o) {
  const auto loaded = load_or_report(o.rules);
  if (!loaded) return 2;
  const smedx::Engine engine(loaded->rules());
  const smedx::RuleSet& rules = engine.rules();
  if (!rules.diagnosis.present) {
    std::fprintf(stderr, "error: %s: the rule set has no diagnosis settings\n", o.rules.c_str());
    return 2;
  }
  const smedx::Diagnoser diagnoser(engine);
  const int top = rules.level_rule.top_level();
  if (o.target != 0 && (o.target < 1 || o.target > top)) {
    std::fprintf(stderr, "error: target level %d does not exist: the levels are 1–%d\n", o.target,
                 top);
    return 2;
  }
  smedx::Decimal threshold = rules.diagnosis.common_threshold;
  if (!o.threshold.empty()) {
    const auto t = smedx::Decimal::parse(o.threshold);
    if (!t || *t <= smedx::Decimal{} || *t > smedx::Decimal::from_int(1)) {
      std::fprintf(stderr,
                   "error: --threshold takes a share above 0 and at most 1 with at most 3 "
                   "decimals (0.5, 0.667), got '%s'\n",
                   o.threshold.c_str());
      return 2;
    }
    threshold = *t;
  }
  std::vector<std::string> inputs = o.inputs;
  if (inputs.empty()) {
    std::fprintf(stderr, "error: diagnose needs input files (it reads them twice)\n");
    return 2;
  }
  std::vector<smedx::InputFormat> formats;
  for (const auto& input : inputs) {
    auto f = o.input_format.empty() ? smedx::input_format_for(input)
                                    : smedx::parse_input_format(o.input_format);
    if (!f || !std::filesystem::is_regular_file(input)) {
      std::fprintf(stderr, "error: %s: %s\n", input.c_str(),
                   f ? "no such file" : "cannot tell the input format from the name");
      return 2;
    }
    formats.push_back(*f);
  }
  std::error_code ec;
  std::filesystem::create_directories(o.output, ec);
  if (ec) {
    std::fprintf(stderr, "error: %s: %s\n", o.output.c_str(), ec.message().c_str());
    return 2;
  }
  smedx::BatchOptions options;
  options.threads = o.threads;
  options.missing = o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
  const std::optional<int> target = o.target ? std::optional<int>(o.target) : std::nullopt;

  // Pass 1 aggregates the cohort; pass 2 writes each enterprise's file with its requirements
  // tagged 共性 or 个性, which needs the whole cohort first.
  smedx::Cohort cohort(rules, threshold, o.by_district);
  auto each = [&](const std::function<void(smedx::Diagnosis&)>& use) {
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      std::ifstream in(inputs[k], std::ios::binary);
      if (!in) throw std::runtime_error(inputs[k] + ": cannot read");
      smedx::visit_stream(
          engine, in, inputs[k], formats[k],
          [&](const smedx::CodedSurvey& coded) {
            smedx::Diagnosis d = diagnoser.diagnose(coded, target);
            use(d);
          },
          options);
    }
  };
  each([&](smedx::Diagnosis& d) { cohort.add(d); });
  std::set<std::string> used = {"cohort", "index"};
  std::string index = "enterprise_id\tfile\n";
  std::size_t written = 0, errors = 0, reached = 0;
  auto write = [&](const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error(path.string() + ": cannot write");
  };
  each([&](smedx::Diagnosis& d) {
    cohort.tag(d);
    const std::string stem = file_stem(smedx::Cohort::label(d), used);
    index += smedx::Cohort::label(d) + "\t" + stem + "\n";
    write(std::filesystem::path(o.output) / (stem + ".json"), smedx::to_json(d) + "\n");
    write(std::filesystem::path(o.output) / (stem + ".html"), smedx::enterprise_html(d, rules));
    ++written;
    errors += !d.assessment.ok();
    reached += d.assessment.ok() && d.assessment.level >= d.target;
  });
  write(std::filesystem::path(o.output) / "index.tsv", index);
  write(std::filesystem::path(o.output) / "cohort.json", cohort.to_json() + "\n");
  write(std::filesystem::path(o.output) / "cohort.html",
        smedx::cohort_html(cohort, rules, o.target ? o.target : rules.diagnosis.target));
  if (written == 0) {
    std::fprintf(stderr, "error: the inputs hold no surveys: the cohort is empty\n");
    return 1;
  }
  std::printf(
      "%zu enterprises diagnosed (%zu with survey errors), %zu already at their target; "
      "enterprise files, cohort.json and cohort.html in %s\n",
      written, errors, reached, o.output.c_str());
  return errors ? 1 : 0;
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
                        "survey files: *.jsonl, *.csv (batches), *.json, *.yaml (one survey); "
                        "'-' or none for stdin (JSON Lines)");
  score_cmd->add_option("--format", score_options.format, "output: jsonl (default), csv or table")
      ->check(CLI::IsMember({"jsonl", "csv", "table"}));
  score_cmd
      ->add_option("--input-format", score_options.input_format,
                   "jsonl, csv, json or yaml (default: from the file name)")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  score_cmd->add_option("-o,--output", score_options.output, "write here instead of stdout");
  score_cmd->add_option("--threads", score_options.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  score_cmd
      ->add_option("--missing", score_options.missing,
                   "a missing answer is an error (default), or 'zero': the lowest option, "
                   "with a warning")
      ->check(CLI::IsMember({"error", "zero"}));

  DiagnoseOptions diagnose_options;
  auto* diagnose_cmd = app.add_subcommand(
      "diagnose", "diagnose surveys: paths to a target level, 个性/共性 requirements, files");
  diagnose_cmd->add_option("--rules", diagnose_options.rules, "a rule-set folder")->required();
  diagnose_cmd
      ->add_option("inputs", diagnose_options.inputs, "survey files (.jsonl, .csv, .json, .yaml)")
      ->required();
  diagnose_cmd->add_option("-o,--output", diagnose_options.output, "folder for the files")
      ->required();
  diagnose_cmd->add_option("--target", diagnose_options.target,
                           "target level (default: the industry profile's, else the rule set's)");
  diagnose_cmd->add_option("--threshold", diagnose_options.threshold,
                           "share of a group that makes a requirement common (default: the rule "
                           "set's)");
  diagnose_cmd->add_flag("--by-district", diagnose_options.by_district,
                         "group by industry and district, not industry alone");
  diagnose_cmd
      ->add_option("--input-format", diagnose_options.input_format, "jsonl, csv, json or yaml")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  diagnose_cmd->add_option("--missing", diagnose_options.missing, "error (default) or zero")
      ->check(CLI::IsMember({"error", "zero"}));
  diagnose_cmd->add_option("--threads", diagnose_options.threads, "worker threads")
      ->check(CLI::Range(1u, 1024u));

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
  try {
    if (*lint_cmd) return lint(rules_path, quiet);
    if (*score_cmd) return score(score_options);
    if (*diagnose_cmd) return diagnose(diagnose_options);
  } catch (const std::exception& e) {  // a file system error, out of memory: say so, exit 2
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 2;
}
