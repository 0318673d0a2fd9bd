// smedx diagnose: paths to a target level, 个性/共性 requirements and one file per enterprise.
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common.h"
#include "diagnose/report_html.h"
#include "smedx/batch.h"
#include "smedx/cohort.h"
#include "smedx/diagnosis.h"
#include "smedx/engine.h"
#include "smedx/output_files.h"
#include "smedx/report.h"
#include "smedx/text.h"

namespace smedx::cli {

namespace {

struct DiagnoseOptions {
  std::string rules;
  std::vector<std::string> inputs;
  std::string output;
  std::string input_format;
  std::string missing = "error";
  std::optional<int> target;  // none: the survey's, the profile's or the rule set's
  std::string threshold;
  bool by_district = false;
  bool force = false;
  unsigned threads = 0;
  std::string encoding = "auto";
};

// A file name for an enterprise id: the id itself where a file system allows it (Chinese ids
// stay readable), '/', '\\', control and reserved characters made '_', at most 120 bytes, never
// one of the cohort files' names and never twice. index.tsv maps ids to files.
// Names already given, and for each stem the next suffix to try: a cohort with one id repeated
// n times is named in O(n), not O(n²).
struct FileNames {
  std::unordered_set<std::string> used = {"cohort", "index"};
  std::unordered_map<std::string, int> next_suffix;
};

std::string file_stem(const std::string& id, FileNames& names) {
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
  if (names.used.insert(name).second) return name;
  int& k = names.next_suffix.try_emplace(stem, 2).first->second;
  do {
    name = stem + "-" + std::to_string(k++);
  } while (!names.used.insert(name).second);
  return name;
}

int diagnose(const DiagnoseOptions& o) {
  const auto loaded = load_or_report(o.rules);
  if (!loaded) return 2;
  const smedx::Engine engine(loaded->rules());
  const smedx::RuleSet& rules = engine.rules();
  if (!rules.diagnosis.present) {
    std::fprintf(stderr, "error: %s: the rule set has no diagnosis settings\n",
                 shown(o.rules).c_str());
    return 2;
  }
  const smedx::Diagnoser diagnoser(engine);
  const int top = rules.level_rule.top_level();
  if (o.target && (*o.target < 1 || *o.target > top)) {
    std::fprintf(stderr, "error: target level %d does not exist: the levels are 1–%d\n", *o.target,
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
                   shown(o.threshold).c_str());
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
  Inputs read;
  read.add(o.rules);
  for (const auto& input : inputs) {
    auto f = o.input_format.empty() ? smedx::input_format_for(input)
                                    : smedx::parse_input_format(o.input_format);
    if (!f || !std::filesystem::is_regular_file(input)) {
      std::fprintf(stderr, "error: %s: %s\n", shown(input).c_str(),
                   f ? "no such file" : "cannot tell the input format from the name");
      return 2;
    }
    formats.push_back(*f);
    read.add(input);
  }
  // Files are written into a fresh folder inside the output folder and moved into place only
  // when the whole diagnosis is written: a run that fails leaves the earlier files as they were.
  std::string problem;
  const auto folder = OutputFolder::open(o.output, o.force, read, problem, "diagnose");
  if (!folder) {
    std::fprintf(stderr, "error: %s\n", problem.c_str());
    return 2;
  }
  smedx::BatchOptions options;
  options.threads = o.threads;
  options.encoding = *smedx::parse_text_encoding(o.encoding);
  options.missing = o.missing == "zero" ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;

  // Pass 1 aggregates the cohort; pass 2 writes each enterprise's file with its requirements
  // tagged 共性 or 个性, which needs the whole cohort first.
  smedx::Cohort cohort(rules, threshold, o.by_district);
  // Diagnoses (and, in pass 2, each enterprise's files) are made on every core; `use` sees
  // them in input order on this thread.
  // Pass 1 keeps each record's path in brief (a few dozen bytes), so pass 2 need not search
  // again: the search is most of a diagnosis. Pass 1 makes only what the cohort counts.
  std::vector<std::vector<smedx::PathPlan>> plans(inputs.size());
  auto each = [&](const smedx::DiagnosisVisitor& prepare, const smedx::DiagnosisVisitor& use,
                  bool first) {
    std::size_t records = 0;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      std::ifstream in(inputs[k], std::ios::binary);
      if (!in) throw std::runtime_error(inputs[k] + ": cannot read");
      records += smedx::diagnose_stream(
                     diagnoser, in, inputs[k], formats[k], o.target, prepare, use, options,
                     first ? &plans[k] : nullptr, first ? nullptr : &plans[k],
                     first ? smedx::DiagnosisDetail::cohort : smedx::DiagnosisDetail::full)
                     .records;
    }
    return records;
  };
  // Each enterprise's file name is given in pass 1, in input order (a repeated id gets a
  // suffix), so that in pass 2 the workers write the files themselves, side by side.
  FileNames used;
  struct Name {
    std::string id, stem;
  };
  std::vector<Name> names;
  each(
      {},
      [&](std::size_t, smedx::Diagnosis& d) {
        cohort.add(d);
        std::string id = smedx::Cohort::label(d);
        std::string stem = file_stem(id, used);
        names.push_back({std::move(id), std::move(stem)});
      },
      true);
  std::string index = "enterprise_id\tfile\n";
  std::size_t written = 0, errors = 0, reached = 0;
  struct Files {
    std::string json, html;
    bool written = false;       // by the worker, under the name of pass 1
    std::exception_ptr failed;  // the worker's write failed: thrown on this thread
  };
  std::vector<Files> files(std::max<std::size_t>(1, options.block_size));
  const smedx::detail::EnterpriseHtml html(rules);  // what every file shares, made once
  // The record number of the block's first record: `use` counts them on this thread, and the
  // workers of a block start after the last block's `use` calls are done.
  std::size_t visited = 0;
  const std::size_t records = each(
      [&](std::size_t slot, smedx::Diagnosis& d) {
        cohort.tag(d);  // reads the cohort only: safe on every worker
        Files& f = files[slot];
        f.json = smedx::to_json(d);
        f.json += '\n';
        f.html.clear();  // the slot's buffer is reused
        html.render(d, f.html);
        f.written = false;
        f.failed = nullptr;
        // The record pass 1 named (unless the input changed in between: then `use` names it).
        const std::size_t record = visited + slot;
        if (record >= names.size() || names[record].id != smedx::Cohort::label(d)) return;
        try {
          folder->write(names[record].stem + ".json", f.json);
          folder->write(names[record].stem + ".html", f.html);
          f.written = true;
        } catch (...) {
          f.failed = std::current_exception();
        }
      },
      [&](std::size_t slot, smedx::Diagnosis& d) {
        Files& f = files[slot];
        if (f.failed) std::rethrow_exception(f.failed);
        const std::size_t record = visited++;
        const std::string id = smedx::Cohort::label(d);
        const std::string stem = f.written ? names[record].stem : file_stem(id, used);
        // An id may hold a tab or a newline: escaped, index.tsv keeps one line per enterprise.
        index += escape_tsv_field(id) + "\t" + stem + "\n";
        if (!f.written) {
          folder->write(stem + ".json", f.json);
          folder->write(stem + ".html", f.html);
        }
        ++written;
        errors += !d.assessment.ok();
        reached += d.assessment.ok() && d.assessment.level >= d.target;
      },
      false);
  folder->write("index.tsv", index);
  folder->write("cohort.json", cohort.to_json() + "\n");
  folder->write("cohort.html",
                smedx::cohort_html(cohort, rules, o.target.value_or(rules.diagnosis.target)));
  if (records != written) {
    std::fprintf(stderr, "error: %zu records in but %zu out: this is a bug in smedx\n", records,
                 written);
    return 2;
  }
  if (written == 0) {
    std::fprintf(stderr, "error: the inputs hold no surveys: the cohort is empty\n");
    return 1;
  }
  folder->commit();
  std::printf(
      "%zu record%s in, %zu record%s out: %zu enterprise%s diagnosed (%zu with survey errors), "
      "%zu already at their target; enterprise files, index.tsv, cohort.json and cohort.html in "
      "%s\n",
      records, records == 1 ? "" : "s", written, written == 1 ? "" : "s", written,
      written == 1 ? "" : "s", errors, reached, shown(o.output).c_str());
  return errors ? 1 : 0;
}

}  // namespace

Command add_diagnose(CLI::App& app) {
  auto o = std::make_shared<DiagnoseOptions>();
  auto* cmd = app.add_subcommand(
      "diagnose", "diagnose surveys: paths to a target level, 个性/共性 requirements, files");
  cmd->add_option("--rules", o->rules, "a rule-set folder")->required();
  cmd->add_option("inputs", o->inputs, "survey files (.jsonl, .csv, .json, .yaml)")->required();
  cmd->add_option("-o,--output", o->output,
                  "folder for the files: new, empty, or written by smedx before")
      ->required();
  cmd->add_option("--target", o->target,
                  "target level (default: the industry profile's, else the rule set's)");
  cmd->add_option("--threshold", o->threshold,
                  "share of a group that makes a requirement common (default: the rule "
                  "set's)");
  cmd->add_flag("--by-district", o->by_district,
                "group by industry and district, not industry alone");
  cmd->add_flag("--force", o->force,
                "write into a folder that holds files smedx did not write (they are kept; "
                "same-named files are replaced)");
  cmd->add_option("--input-format", o->input_format, "jsonl, csv, json or yaml")
      ->check(CLI::IsMember({"jsonl", "ndjson", "csv", "json", "yaml", "yml"}));
  cmd->add_option("--missing", o->missing, "error (default) or zero")
      ->check(CLI::IsMember({"error", "zero"}));
  cmd->add_option("--threads", o->threads,
                  "threads to use, the main one included (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--encoding", o->encoding,
                  "text encoding of the inputs: auto (default: UTF-8, or GB18030 when the "
                  "bytes say so), utf-8 or gb18030")
      ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gb18030"}));

  return {cmd, [o] { return diagnose(*o); }};
}

}  // namespace smedx::cli
