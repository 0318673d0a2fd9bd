// smedx score: score surveys from files or stdin and write one record per input record.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
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
#include "smedx/data_path.h"
#include "smedx/engine.h"
#include "smedx/output_files.h"
#include "smedx/record.h"
#include "smedx/text.h"

namespace smedx::cli {

namespace {

using smedx::escape_control;

std::string table_header(const smedx::RuleSet& rules) {
  std::string dims;
  for (const auto& d : rules.dimensions) dims += fmt::format(" {:>10}", d.id);
  return fmt::format("{:<14} {:>5} {:>8}{}  {}", "enterprise", "level", "total", dims, "notes");
}

// A table is for a terminal: ids and messages from the input have their control characters
// escaped.
std::string table_row(const smedx::Assessment& a, const smedx::RuleSet& rules) {
  if (!a.ok()) {
    std::string dims;
    for (std::size_t i = 0; i < rules.dimensions.size(); ++i) dims += fmt::format(" {:>10}", "-");
    return fmt::format("{:<14} {:>5} {:>8}{}  error: {}", escape_control(a.enterprise_id), "-", "-",
                       dims, escape_control(a.errors.front().message));
  }
  std::string dims, notes = a.level_name;
  for (const auto& d : a.dimensions) dims += fmt::format(" {:>10}", d.points.to_string());
  for (const auto& w : a.warnings) notes += "; warning: " + w.message;
  return fmt::format("{:<14} {:>5} {:>8}{}  {}", escape_control(a.enterprise_id), a.level,
                     a.total.to_string(), dims, escape_control(notes));
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
  std::string fields;  // one comma-separated list, so that input files after it stay inputs
  std::string encoding = "auto";
  std::string lang = "zh";  // of error and warning messages: records and --check
  bool check = false;       // list every problem on stderr instead of writing records
};

// --check: every problem of every survey, lint style, on stderr; no records. Exit 1 when any
// survey has errors.
int check_surveys(const smedx::Engine& engine, const std::vector<std::string>& inputs,
                  const std::vector<smedx::InputFormat>& formats,
                  const smedx::BatchOptions& options, smedx::Lang lang) {
  std::size_t records = 0, failed = 0, problems = 0;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    std::ifstream in;
    if (inputs[k] != "-") in.open(inputs[k], std::ios::binary);
    std::istream& source = inputs[k] == "-" ? std::cin : in;
    const std::string name = inputs[k] == "-" ? "<stdin>" : inputs[k];
    const auto summary = smedx::visit_stream(
        engine, source, name, formats[k],
        [&](const smedx::CodedSurvey& s) {
          ++records;
          failed += !s.ok();
          for (const auto& e : s.errors) {
            std::string text = smedx::issue_text(e, lang);
            // The code after the message's first line: "… [E-ANSWER-OPTION]"
            if (!e.code.empty()) {
              const std::size_t eol = text.find('\n');
              text.insert(std::min(eol, text.size()), " [" + e.code + "]");
            }
            std::fputs(text.c_str(), stderr);
            ++problems;
          }
        },
        options);
    if (summary.records == 0 && !summary.fatal.empty()) {
      for (const auto& e : summary.fatal) std::fputs(smedx::issue_text(e, lang).c_str(), stderr);
      ++failed;
    }
  }
  if (lang == smedx::Lang::zh)
    std::fprintf(stderr, "共 %zu 条记录，%zu 条有错误，%zu 个问题\n", records, failed, problems);
  else
    std::fprintf(stderr, "%zu record%s, %zu with errors, %zu problem%s\n", records,
                 records == 1 ? "" : "s", failed, problems, problems == 1 ? "" : "s");
  return failed ? 1 : 0;
}

std::vector<std::string> split_fields(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int score(const ScoreOptions& o) {
  // Work out every input before anything is opened for writing, so a usage error writes
  // nothing and an output that is an input is refused before it could be emptied.
  std::vector<std::string> inputs = o.inputs;
  if (inputs.empty()) inputs.push_back("-");
  std::vector<smedx::InputFormat> formats;
  Inputs read;
  read.add(smedx::find_data(o.rules, smedx::DataKind::rule_set).path.value_or(o.rules));
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
                   shown(input).c_str());
      return 2;
    }
    if (input != "-" && !std::filesystem::is_regular_file(input)) {
      std::fprintf(stderr, "error: %s: no such file\n", shown(input).c_str());
      return 2;
    }
    formats.push_back(*f);
    if (input == "-")
      read.add_stdin();
    else
      read.add(input);
  }
  if (const auto problem = same_file_problem(o.output, read)) {
    std::fprintf(stderr, "error: %s\n", problem->c_str());
    return 2;
  }

  const auto loaded = load_or_report(o.rules);
  if (!loaded) return 2;
  const smedx::Engine engine(loaded->rules());
  const smedx::RuleSet& rules = engine.rules();
  const smedx::Lang lang = *smedx::parse_lang(o.lang);
  if (o.check) {
    smedx::BatchOptions options;
    options.threads = o.threads;
    options.encoding = *smedx::parse_text_encoding(o.encoding);
    options.missing =
        o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
    return check_surveys(engine, inputs, formats, options, lang);
  }

  const auto keys = smedx::json_record_keys();
  const std::vector<std::string> fields = split_fields(o.fields);
  for (const auto& f : fields) {
    if (std::find(keys.begin(), keys.end(), f) != keys.end()) continue;
    std::string valid;
    for (auto k : keys) valid += (valid.empty() ? "" : ", ") + std::string(k);
    std::fprintf(stderr, "error: --fields: unknown field '%s' (valid: %s)\n", shown(f).c_str(),
                 valid.c_str());
    return 2;
  }
  if (!fields.empty() && o.format != "jsonl") {
    std::fprintf(stderr, "error: --fields: only for --format jsonl\n");
    return 2;
  }

  // A file is written whole or not at all (see output.h); stdout as it comes.
  std::optional<AtomicFile> file;
  if (!o.output.empty()) file.emplace(o.output);
  std::ostream& out = file ? file->stream() : std::cout;
  // JSON Lines and CSV take the fast path (records written from the score columns on the
  // workers); the table goes through a Formatter.
  smedx::OutputFormat output;
  smedx::Formatter formatter;
  if (o.format == "csv") {
    // The enterprise fields of the first CSV file (pass-through columns included) go to the
    // output after the id, as score_frame keeps them.
    if (formats[0] == smedx::InputFormat::csv && inputs[0] != "-") {
      std::ifstream first(inputs[0], std::ios::binary);
      output.csv_fields =
          smedx::csv_enterprise_fields(first, rules, *smedx::parse_text_encoding(o.encoding));
    }
    out << smedx::csv_header(rules, output.csv_fields) << '\n';
    output.kind = smedx::OutputFormat::Kind::csv;
    output.lang = lang;
  } else if (o.format == "table") {
    out << table_header(rules) << '\n';
    formatter = [&rules](const smedx::ScoredRecord& r) { return table_row(r.assessment(), rules); };
  } else {
    output.fields = fields;
    output.lang = lang;
  }

  smedx::BatchOptions options;
  options.threads = o.threads;
  options.encoding = *smedx::parse_text_encoding(o.encoding);
  options.missing = o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
  Progress progress;
  std::size_t done = 0, written = 0, errors = 0, fatal = 0;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    std::ifstream in;
    if (inputs[k] != "-") {
      in.open(inputs[k], std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "error: %s: cannot read\n", shown(inputs[k]).c_str());
        return 2;
      }
    }
    std::istream& source = inputs[k] == "-" ? std::cin : in;
    const std::string name = inputs[k] == "-" ? "<stdin>" : inputs[k];
    auto report = [&](std::size_t n) { progress(done + n); };
    const auto summary =
        formatter
            ? smedx::score_stream(engine, source, name, formats[k], formatter, out, options, report)
            : smedx::score_stream(engine, source, name, formats[k], output, out, options, report);
    done += summary.records;
    written += summary.written;
    errors += summary.errors;
    // A CSV file with a bad header and no rows has no record to carry the header's problems.
    if (summary.records == 0 && !summary.fatal.empty()) {
      std::fputs(smedx::format_issues(summary.fatal).c_str(), stderr);
      ++fatal;
    }
  }
  if (file) {
    file->commit();  // throws, naming the file and the reason, when it cannot be written whole
  } else {
    out.flush();
    if (!out) {
      std::fprintf(stderr, "error: <stdout>: cannot write\n");
      return 2;
    }
  }
  // On stderr, so that stdout stays pure data.
  std::fprintf(stderr, "%zu record%s in, %zu record%s out, %zu with errors\n", done,
               done == 1 ? "" : "s", written, written == 1 ? "" : "s", errors);
  if (written != done) {
    std::fprintf(stderr, "error: records in and out differ: this is a bug in smedx\n");
    return 2;
  }
  return errors || fatal ? 1 : 0;
}

}  // namespace

Command add_score(CLI::App& app) {
  auto o = std::make_shared<ScoreOptions>();
  auto* cmd =
      app.add_subcommand("score", "score surveys (JSON Lines, CSV, JSON, YAML) against a rule set");
  cmd->add_option("--rules", o->rules,
                  "a rule-set folder or YAML file, or an installed rule set's name (miit-2024)")
      ->required();
  cmd->add_option("inputs", o->inputs,
                  "survey files: *.jsonl, *.csv (batches), *.json, *.yaml (one survey); "
                  "'-' or none for stdin (JSON Lines)");
  cmd->add_option("--format", o->format, "output: jsonl (default), csv or table")
      ->check(CLI::IsMember({"jsonl", "csv", "table"}));
  cmd->add_option("--fields", o->fields,
                  "JSON record keys to write, comma-separated (default: all): enterprise_id, "
                  "enterprise, level, level_name, total, dimensions, sub_indicators, items, "
                  "scenarios, scenario_counts, explanation, warnings, provenance");
  cmd->add_option("--input-format", o->input_format,
                  "jsonl, csv, json or yaml (default: from the file name)")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  cmd->add_option("-o,--output", o->output,
                  "write here instead of stdout (whole or not at all; never an input)");
  add_threads_option(cmd, o->threads);
  cmd->add_option("--missing", o->missing,
                  "a missing answer is an error (default), or 'zero': the lowest option, "
                  "with a warning")
      ->check(CLI::IsMember({"error", "zero"}));
  add_encoding_option(cmd, o->encoding);
  cmd->add_option(
         "--lang", o->lang,
         "language of error and warning messages: zh (default) or en, for platform logs; every "
         "error also carries its code (docs/messages.md)")
      ->check(CLI::IsMember({"zh", "en"}));
  cmd->add_flag("--check", o->check,
                "list every problem of every survey on stderr (file:line:column, code, "
                "suggestion), lint style, instead of writing records; exit 1 when any has errors");

  return {cmd, [o] { return score(*o); }};
}

}  // namespace smedx::cli
