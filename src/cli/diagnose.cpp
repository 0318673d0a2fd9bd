// smedx diagnose: paths to a target level, 个性/共性 requirements and one file per enterprise.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.h"
#include "smedx/batch.h"
#include "smedx/cohort.h"
#include "smedx/diagnosis.h"
#include "smedx/engine.h"
#include "smedx/report.h"

namespace smedx::cli {

namespace {

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
  std::string encoding = "auto";
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
  options.encoding = *smedx::parse_text_encoding(o.encoding);
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

Command add_diagnose(CLI::App& app) {
  auto o = std::make_shared<DiagnoseOptions>();
  auto* cmd = app.add_subcommand(
      "diagnose", "diagnose surveys: paths to a target level, 个性/共性 requirements, files");
  cmd->add_option("--rules", o->rules, "a rule-set folder")->required();
  cmd->add_option("inputs", o->inputs, "survey files (.jsonl, .csv, .json, .yaml)")->required();
  cmd->add_option("-o,--output", o->output, "folder for the files")->required();
  cmd->add_option("--target", o->target,
                  "target level (default: the industry profile's, else the rule set's)");
  cmd->add_option("--threshold", o->threshold,
                  "share of a group that makes a requirement common (default: the rule "
                  "set's)");
  cmd->add_flag("--by-district", o->by_district,
                "group by industry and district, not industry alone");
  cmd->add_option("--input-format", o->input_format, "jsonl, csv, json or yaml")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  cmd->add_option("--missing", o->missing, "error (default) or zero")
      ->check(CLI::IsMember({"error", "zero"}));
  cmd->add_option("--threads", o->threads, "worker threads")->check(CLI::Range(1u, 1024u));
  cmd->add_option("--encoding", o->encoding,
                  "text encoding of the inputs: auto (default: UTF-8, or GB18030 when the "
                  "bytes say so), utf-8 or gb18030")
      ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gb18030"}));

  return {cmd, [o] { return diagnose(*o); }};
}

}  // namespace smedx::cli
