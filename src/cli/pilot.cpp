// smedx pilot: a pilot programme's acceptance, progress, provider rating and case candidates.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common.h"
#include "smedx/output_files.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx::cli {

namespace {

struct PilotOptions {
  std::string programme, register_file, providers, evidence, satisfaction, as_of, output;
  std::vector<std::string> surveys;
  unsigned threads = 0;
  bool pages = true;
  bool force = false;
};

namespace fs = std::filesystem;

std::optional<TableFormat> table_format(const std::string& file) {
  auto f = table_format_for(file);
  if (!f || !fs::is_regular_file(file)) {
    std::fprintf(stderr, "error: %s: %s\n", file.c_str(),
                 f ? "no such file" : "expected a .csv or .jsonl file");
    return std::nullopt;
  }
  return f;
}

// A file name for an enterprise's page: its id, with characters a file system refuses made '_'.
std::string page_name(const std::string& id, std::set<std::string>& used) {
  std::string stem;
  for (unsigned char c : id)
    stem += (c < 0x20 ||
             std::string_view("/\\<>:\"|?*").find(static_cast<char>(c)) != std::string_view::npos)
                ? '_'
                : static_cast<char>(c);
  if (stem.empty() || stem[0] == '.') stem = "enterprise" + stem;
  std::string name = stem;
  for (int k = 2; !used.insert(name).second; ++k) name = stem + "-" + std::to_string(k);
  return name + ".html";
}

int pilot(const PilotOptions& o) {
  const ProgrammeLoad prog = load_programme(o.programme);
  if (!prog.issues.empty()) std::fputs(format_issues(prog.issues).c_str(), stderr);
  if (!prog.ok()) return 2;
  const Programme& programme = *prog.programme;
  const auto loaded = load_or_report(programme.rule_set_path.string());
  if (!loaded) return 2;
  const auto& meta = loaded->rules().meta;
  if (meta.id != programme.rule_set_id ||
      (!programme.rule_set_version.empty() && meta.version != programme.rule_set_version)) {
    std::fprintf(stderr, "error: %s: the programme names rule set %s %s, the folder holds %s %s\n",
                 programme.rule_set_path.string().c_str(), programme.rule_set_id.c_str(),
                 programme.rule_set_version.c_str(), meta.id.c_str(), meta.version.c_str());
    return 2;
  }
  const Engine engine(loaded->rules());
  std::optional<Date> as_of;
  if (!o.as_of.empty()) {
    as_of = parse_date(o.as_of);
    if (!as_of) {
      std::fprintf(stderr, "error: --as-of '%s' is not a date (expected yyyy-mm-dd)\n",
                   o.as_of.c_str());
      return 2;
    }
  }
  Pilot p(programme, engine);
  auto table = [&](const std::string& file, auto add) {
    if (file.empty()) return true;
    const auto f = table_format(file);
    if (!f) return false;
    std::ifstream in(file, std::ios::binary);
    (p.*add)(in, file, *f);
    return true;
  };
  if (!table(o.providers, &Pilot::add_providers) || !table(o.register_file, &Pilot::add_register) ||
      !table(o.evidence, &Pilot::add_evidence) || !table(o.satisfaction, &Pilot::add_satisfaction))
    return 2;
  // Surveys assessed under another rule set name it: FILE@RULES.
  std::map<std::string, std::unique_ptr<LoadResult>> other_rules;
  std::vector<std::unique_ptr<Engine>> other_engines;
  for (const auto& spec : o.surveys) {
    std::string file = spec;
    const Engine* eng = &engine;
    if (const auto at = spec.rfind('@'); at != std::string::npos && !fs::exists(spec)) {
      file = spec.substr(0, at);
      auto r = load_or_report(spec.substr(at + 1));
      if (!r) return 2;
      other_rules[spec] = std::make_unique<LoadResult>(std::move(*r));
      other_engines.push_back(std::make_unique<Engine>(other_rules[spec]->rules()));
      eng = other_engines.back().get();
    }
    const auto f = input_format_for(file);
    if (!f || !fs::is_regular_file(file)) {
      std::fprintf(stderr, "error: %s: %s\n", file.c_str(),
                   f ? "no such file" : "cannot tell the input format from the name");
      return 2;
    }
    std::ifstream in(file, std::ios::binary);
    p.add_surveys(in, file, *f, eng, o.threads);
  }
  const PilotResult result = p.run(as_of);

  // The files are written as smedx diagnose writes its folder (output.h): never over an input,
  // never into a folder of someone else's files without --force, moved into place only whole.
  Inputs read;
  read.add(o.programme);
  read.add(programme.rule_set_path);
  for (const auto* f : {&o.register_file, &o.providers, &o.evidence, &o.satisfaction})
    if (!f->empty()) read.add(*f);
  for (const auto& spec : o.surveys)
    read.add(fs::exists(spec) ? spec : spec.substr(0, spec.rfind('@')));
  std::string problem;
  const auto folder = OutputFolder::open(o.output, o.force, read, problem, "pilot");
  if (!folder) {
    std::fprintf(stderr, "error: %s\n", problem.c_str());
    return 2;
  }
  const RuleSet& rules = engine.rules();
  int passed = 0, failed = 0, incomplete = 0;
  {
    // A chunk at a time into the files: memory does not grow with the output.
    std::string jsonl, csv = acceptance_csv_header() + "\n";
    auto flush = [&](bool last) {
      if (!last && jsonl.size() < (1u << 20)) return;
      folder->append("acceptance.jsonl", jsonl);
      folder->append("acceptance.csv", csv);
      jsonl.clear();
      csv.clear();
    };
    for (const auto& r : result.acceptance) {
      jsonl += acceptance_json(r, rules) + "\n";
      csv += acceptance_csv(r) + "\n";
      passed += r.decision == Decision::passed;
      failed += r.decision == Decision::failed;
      incomplete += r.decision == Decision::incomplete;
      flush(false);
    }
    flush(true);
  }
  folder->write("progress.json", progress_json(result.progress));
  folder->write("providers.json", providers_json(result.providers));
  folder->write("providers.csv", providers_csv(result.providers));
  folder->write("cases.json", cases_json(result.cases, rules));
  // The dashboard links each enterprise's acceptance page, beside it as <id>.html.
  std::vector<std::string> pages;
  if (o.pages) {
    std::set<std::string> used = {"dashboard"};
    for (const auto& r : result.acceptance) {
      const std::string name = page_name(r.enterprise->id, used);
      folder->write(name, acceptance_html(programme, r, rules));
      pages.push_back(name);
    }
  }
  folder->write("dashboard.html", dashboard_html(programme, result, pages));
  folder->commit();

  for (const auto& e : p.errors()) std::fputs(e.to_string().c_str(), stderr);
  const PilotCounts& c = p.counts();
  std::fprintf(stderr,
               "in: providers %zu rows (%zu kept), register %zu rows (%zu enterprises), evidence "
               "%zu rows, satisfaction %zu rows, surveys %zu records (%zu paired)\n",
               c.providers_rows, c.providers, c.register_rows, c.enterprises, c.evidence_rows,
               c.satisfaction_rows, c.survey_records, c.surveys_used);
  std::fprintf(stderr,
               "out: %zu acceptance records (%d passed, %d failed, %d incomplete), %zu providers "
               "rated, %zu case candidates, %zu error records, as of %s\n",
               result.acceptance.size(), passed, failed, incomplete, result.providers.size(),
               result.cases.size(), c.error_records, result.progress.as_of.to_string().c_str());
  std::fprintf(stderr, "wrote %s (dashboard: %s)\n", shown(o.output).c_str(),
               shown((fs::path(o.output) / "dashboard.html").string()).c_str());
  return p.errors().empty() ? 0 : 1;
}

}  // namespace

Command add_pilot(CLI::App& app) {
  auto o = std::make_shared<PilotOptions>();
  CLI::App* sub = app.add_subcommand(
      "pilot", "Evaluate a pilot programme: acceptance, progress, provider rating, cases");
  sub->add_option("--programme", o->programme, "Programme folder or programme.yaml")->required();
  sub->add_option("--register", o->register_file, "Enterprise register (.csv or .jsonl)")
      ->required();
  sub->add_option("--providers", o->providers, "Service providers (.csv or .jsonl)")->required();
  sub->add_option("--surveys", o->surveys,
                  "Survey files (baseline and acceptance); FILE@RULES for surveys assessed under "
                  "another rule set")
      ->required();
  sub->add_option("--evidence", o->evidence, "Acceptance evidence checklist (.csv or .jsonl)");
  sub->add_option("--satisfaction", o->satisfaction, "Satisfaction ratings (.csv or .jsonl)");
  sub->add_option("--as-of", o->as_of,
                  "The date progress is measured at (yyyy-mm-dd; default: latest assessment)");
  sub->add_option("-o,--output", o->output, "Output folder: new, empty, or written by smedx before")
      ->required();
  sub->add_flag("--force", o->force, "write into a folder that holds other files too");
  sub->add_option("--threads", o->threads,
                  "Threads to use, the main one included (0, the default: all cores)");
  sub->add_flag("!--no-pages", o->pages, "Do not write the per-enterprise acceptance pages");
  return {sub, [o] { return pilot(*o); }};
}

}  // namespace smedx::cli
