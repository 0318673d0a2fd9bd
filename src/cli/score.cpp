// smedx score: score surveys from files or stdin and write one record per input record.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common.h"
#include "smedx/batch.h"
#include "smedx/columns.h"
#include "smedx/engine.h"
#include "smedx/survey_io.h"

namespace smedx::cli {

namespace {

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

// The enterprise field columns of a CSV file's header; none when the header does not read
// (its records then come out as errors).
std::shared_ptr<std::vector<std::string>> csv_fields(const std::string& path,
                                                     const smedx::RuleSet& rules) {
  auto fields = std::make_shared<std::vector<std::string>>();
  std::ifstream in(path, std::ios::binary);
  std::string header;
  if (!std::getline(in, header)) return fields;
  if (header.size() >= 3 && header.compare(0, 3, "\xEF\xBB\xBF") == 0) header.erase(0, 3);
  auto names = smedx::split_csv(header);
  if (!names) return fields;
  for (auto& c : smedx::classify_columns(*names, rules).columns)
    if (c.kind == smedx::TableColumn::Kind::field) fields->push_back(std::move(c.name));
  return fields;
}

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
    // The enterprise fields of the first CSV file (pass-through columns included) go to the
    // output after the id, as score_frame keeps them.
    auto fields = std::make_shared<std::vector<std::string>>();
    if (formats[0] == smedx::InputFormat::csv && inputs[0] != "-")
      fields = csv_fields(inputs[0], rules);
    out << smedx::csv_header(rules, *fields) << '\n';
    formatter = [fields](const smedx::ScoredRecord& r) { return smedx::to_csv(r, *fields); };
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

}  // namespace

Command add_score(CLI::App& app) {
  auto o = std::make_shared<ScoreOptions>();
  auto* cmd = app.add_subcommand("score", "score surveys (JSON, JSON Lines) against a rule set");
  cmd->add_option("--rules", o->rules, "a rule-set folder or YAML file")->required();
  cmd->add_option("inputs", o->inputs,
                  "survey files: *.jsonl, *.csv (batches), *.json, *.yaml (one survey); "
                  "'-' or none for stdin (JSON Lines)");
  cmd->add_option("--format", o->format, "output: jsonl (default), csv or table")
      ->check(CLI::IsMember({"jsonl", "csv", "table"}));
  cmd->add_option("--input-format", o->input_format,
                  "jsonl, csv, json or yaml (default: from the file name)")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  cmd->add_option("-o,--output", o->output, "write here instead of stdout");
  cmd->add_option("--threads", o->threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--missing", o->missing,
                  "a missing answer is an error (default), or 'zero': the lowest option, "
                  "with a warning")
      ->check(CLI::IsMember({"error", "zero"}));

  return {cmd, [o] { return score(*o); }};
}

}  // namespace smedx::cli
