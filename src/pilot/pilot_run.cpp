// The pilot driver: programme, rule sets and input files in; a PilotRun with the result, every
// problem met, and the output folder's files out. `smedx pilot` and Python's smedx.pilot both
// run this, so that they read the same inputs and write the same files.
#include "smedx/pilot_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "common/file_names.h"
#include "common/utf8.h"
#include "pilot/needs_evaluate.h"
#include "pilot/programme_check.h"
#include "smedx/case_booklet.h"
#include "smedx/catalogue.h"
#include "smedx/composition.h"
#include "smedx/data_path.h"
#include "smedx/load.h"
#include "smedx/pilot_needs.h"
#include "smedx/pilot_products.h"
#include "smedx/projects.h"
#include "smedx/self_evaluation.h"
#include "smedx/subsidy.h"

namespace smedx {

namespace fs = std::filesystem;

struct PilotRun::State {
  std::vector<Issue> issues;
  std::string issues_text;
  std::optional<Programme> programme;
  std::shared_ptr<const Engine> engine;
  std::vector<std::unique_ptr<Engine>> other_engines;  // FILE@RULES: the surveys point at them
  std::optional<Pilot> pilot;                          // refers to programme and engine
  PilotResult result;                                  // points into pilot
  Inputs inputs;
  bool pages = true;
  CsvHeaders headers = CsvHeaders::en;
  std::optional<ReportKind> self_evaluation;  // the 绩效自评 to write
  bool selected = false;                      // the city's cases given: the booklet is written
  bool ok = false;

  // One problem that stops the run.
  void stop(std::string file, std::string message) {
    Issue i;
    i.message = std::move(message);
    i.where.file = std::move(file);
    issues_text += i.to_string();
    issues.push_back(std::move(i));
  }
  // A loaded file's diagnostics, printed with their count line.
  void report(const std::vector<Issue>& file_issues) {
    if (file_issues.empty()) return;
    issues_text += format_issues(file_issues);
    issues.insert(issues.end(), file_issues.begin(), file_issues.end());
  }
  // A rule set for the run, its diagnostics reported; nothing when it cannot be used.
  std::unique_ptr<Engine> load(const std::string& path) {
    const DataLookup found = find_data(path, DataKind::rule_set);  // a path, or a name
    if (!found.found()) {
      stop(path, found.problem);
      return nullptr;
    }
    const LoadResult loaded = load_rules(*found.path);
    report(loaded.issues());
    if (!loaded.ok()) return nullptr;
    return std::make_unique<Engine>(loaded.rules());
  }
};

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}  // namespace

PilotRun run_pilot(const PilotRequest& request) {
  auto s = std::make_unique<PilotRun::State>();
  s->pages = request.pages;
  s->headers = request.headers;
  s->selected = !request.selected.empty();
  if (!request.report.empty()) {
    s->self_evaluation = report_kind(request.report);
    if (!s->self_evaluation) {
      s->stop("", fmt::format("{} '{}' is not one of: midterm, final", request.report_name,
                              request.report));
      return PilotRun(std::move(s));
    }
  }
  auto done = [&] { return PilotRun(std::move(s)); };
  // As smedx score and diagnose take --threads: a thread per core is plenty, thousands would
  // only fail to start.
  if (request.threads > PilotRequest::max_threads) {
    s->stop("", fmt::format("{} {} is out of range: 1 to {}, or 0 for all cores",
                            request.threads_name, request.threads, PilotRequest::max_threads));
    return done();
  }

  // A programme by name (dongying-2026) is looked up in the search path (smedx/data_path.h).
  const fs::path programme_path =
      find_data(request.programme.string(), DataKind::programme).path.value_or(request.programme);
  ProgrammeLoad prog = load_programme(programme_path);
  s->report(prog.issues);
  if (!prog.ok()) return done();
  const Programme& programme = s->programme.emplace(std::move(*prog.programme));
  std::string origin = request.rules_origin;
  if (request.rules) {
    s->engine = request.rules;
  } else {
    origin = programme.rule_set_path.string();
    // A programme copied away from its rule set (or installed) names a path that is not there:
    // the rule set is then the one of its id in the search path, still checked for its version.
    if (std::error_code ec; !fs::exists(programme.rule_set_path, ec)) {
      const DataLookup by_id = find_data(programme.rule_set_id, DataKind::rule_set);
      if (!by_id.found() || !is_data_name(programme.rule_set_id)) {
        s->stop(programme_path.string(),
                fmt::format("the programme's rule_set.path {} does not exist, and rule set {}: {}",
                            origin, programme.rule_set_id, by_id.problem));
        return done();
      }
      origin = by_id.path->string();
    }
    auto engine = s->load(origin);
    if (!engine) return done();
    s->engine = std::move(engine);
  }
  const auto& meta = s->engine->rules().meta;
  if (meta.id != programme.rule_set_id ||
      (!programme.rule_set_version.empty() && meta.version != programme.rule_set_version)) {
    s->stop(origin, "the programme names rule set " + programme.rule_set_id + " " +
                        programme.rule_set_version + ", the folder holds " + meta.id + " " +
                        meta.version);
    return done();
  }
  // What the programme asks of its rule set (the levels it names) and its sums, made exactly:
  // located in the programme's file.
  const auto problems = detail::check_programme(programme, s->engine->rules(), programme_path);
  s->report(problems);
  if (has_errors(problems)) return done();
  std::optional<Date> as_of;
  if (!request.as_of.empty()) {
    as_of = parse_date(request.as_of);
    if (!as_of) {
      s->stop("",
              request.as_of_name + " '" + request.as_of + "' is not a date (expected yyyy-mm-dd)");
      return done();
    }
  }
  Pilot& p = s->pilot.emplace(programme, *s->engine);
  // The catalogue before the register and surveys: it checks the register's solutions and keeps
  // the baselines for the match. Loaded against the programme's rule set, located as lint does.
  std::string catalogue_file;
  if (!request.catalogue.empty()) {
    DataLookup found = find_data(request.catalogue, DataKind::catalogue);
    // A name is also looked for beside the programme's folder (programmes/<id>/ and
    // catalogues/<name>/ of one data folder or checkout), as a catalogue finds its rule set.
    if (!found.found() && is_data_name(request.catalogue)) {
      fs::path folder = fs::absolute(programme_path).lexically_normal();
      if (!fs::is_directory(folder) || !folder.has_filename()) folder = folder.parent_path();
      if (!folder.has_filename()) folder = folder.parent_path();
      const fs::path beside = folder.parent_path().parent_path() / "catalogues" / request.catalogue;
      if (std::error_code ec; fs::is_regular_file(beside / "catalogue.yaml", ec))
        found.path = beside;
    }
    if (!found.found()) {
      s->stop(request.catalogue, found.problem);
      return done();
    }
    CatalogueLoad loaded = load_catalogue(*found.path, s->engine->rules());
    s->report(loaded.issues);
    if (!loaded.ok()) return done();
    catalogue_file = loaded.catalogue->origin;
    p.set_catalogue(std::make_shared<const Catalogue>(std::move(*loaded.catalogue)),
                    request.threads);
  }
  auto table = [&](const std::string& file, auto add) {
    if (file.empty()) return true;
    const auto f = table_format_for(file);
    if (!f || !fs::is_regular_file(file)) {
      s->stop(file, f ? "no such file" : "expected a .csv or .jsonl file");
      return false;
    }
    std::ifstream in(file, std::ios::binary);
    (p.*add)(in, file, *f);
    return true;
  };
  if (!table(request.providers, &Pilot::add_providers) ||
      !table(request.register_file, &Pilot::add_register) ||
      !table(request.evidence, &Pilot::add_evidence) ||
      !table(request.satisfaction, &Pilot::add_satisfaction) ||
      !table(request.selected, &Pilot::add_selected))
    return done();
  if (!request.investments.empty() && !programme.subsidy) {
    s->stop(request.investments,
            "the programme has no subsidy rule ('subsidy' in programme.yaml): the investments "
            "cannot be used");
    return done();
  }
  if (!table(request.investments, &Pilot::add_investments)) return done();
  if (!request.projects.empty() && !programme.stages) {
    s->stop(request.projects,
            "the programme lists no milestones ('stages' in programme.yaml): the projects "
            "cannot be used");
    return done();
  }
  if (!table(request.projects, &Pilot::add_projects)) return done();
  // Surveys assessed under another rule set name it: FILE@RULES.
  std::vector<std::string> survey_files;
  for (const auto& spec : request.surveys) {
    std::string file = spec;
    const Engine* eng = s->engine.get();
    if (const auto at = spec.rfind('@'); at != std::string::npos && !fs::exists(spec)) {
      file = spec.substr(0, at);
      auto other = s->load(spec.substr(at + 1));
      if (!other) return done();
      eng = s->other_engines.emplace_back(std::move(other)).get();
    }
    const auto f = input_format_for(file);
    if (!f || !fs::is_regular_file(file)) {
      s->stop(file, f ? "no such file" : "cannot tell the input format from the name");
      return done();
    }
    std::ifstream in(file, std::ios::binary);
    p.add_surveys(in, file, *f, eng, request.threads);
    survey_files.push_back(std::move(file));
  }
  s->result = p.run(as_of);

  // What an output folder must never write over, in the order the command has always named it.
  s->inputs.add(programme_path);
  s->inputs.add(programme.rule_set_path);
  if (!request.rules) s->inputs.add(origin);
  if (!request.rules_origin.empty()) s->inputs.add(request.rules_origin);
  for (const auto* f :
       {&request.register_file, &request.providers, &request.evidence, &request.satisfaction,
        &request.selected, &request.investments, &request.projects})
    if (!f->empty()) s->inputs.add(*f);
  for (const auto& f : survey_files) s->inputs.add(f);
  if (!catalogue_file.empty()) s->inputs.add(catalogue_file);
  s->ok = true;
  return done();
}

PilotRun::PilotRun(std::unique_ptr<State> s) : s_(std::move(s)) {}
PilotRun::PilotRun(PilotRun&&) noexcept = default;
PilotRun& PilotRun::operator=(PilotRun&&) noexcept = default;
PilotRun::~PilotRun() = default;

bool PilotRun::ok() const noexcept { return s_->ok; }
const std::vector<Issue>& PilotRun::issues() const noexcept { return s_->issues; }
const std::string& PilotRun::issues_text() const noexcept { return s_->issues_text; }

namespace {
const PilotRun::State& checked(const std::unique_ptr<PilotRun::State>& s) {
  if (!s->ok) throw std::logic_error("the pilot run stopped: " + s->issues_text);
  return *s;
}
}  // namespace

const Programme& PilotRun::programme() const { return *checked(s_).programme; }
const RuleSet& PilotRun::rules() const { return checked(s_).engine->rules(); }
const PilotResult& PilotRun::result() const { return checked(s_).result; }
const std::vector<Issue>& PilotRun::errors() const { return checked(s_).pilot->errors(); }
const PilotCounts& PilotRun::counts() const { return checked(s_).pilot->counts(); }
const Inputs& PilotRun::inputs() const { return checked(s_).inputs; }

void PilotRun::write(OutputFolder& folder) const {
  const State& s = checked(s_);
  const RuleSet& rules = s.engine->rules();
  {
    // A chunk at a time into the files: memory does not grow with the output.
    // A UTF-8 byte order mark first in every CSV, so that Excel on a Chinese Windows reads the
    // names as UTF-8, not GBK.
    std::string jsonl, csv = std::string(kBom) + acceptance_csv_header(s.headers) + "\n";
    auto flush = [&](bool last) {
      if (!last && jsonl.size() < (1u << 20)) return;
      folder.append("acceptance.jsonl", jsonl);
      folder.append("acceptance.csv", csv);
      jsonl.clear();
      csv.clear();
    };
    for (const auto& r : s.result.acceptance) {
      jsonl += acceptance_json(r, rules) + "\n";
      csv += acceptance_csv(r, *s.programme, s.headers) + "\n";
      flush(false);
    }
    flush(true);
  }
  folder.write("progress.json", progress_json(s.result.progress));
  folder.write("providers.json", providers_json(s.result.providers));
  folder.write("providers.csv", std::string(kBom) + providers_csv(s.result.providers, s.headers));
  folder.write("cases.json", cases_json(s.result.cases, rules));
  // The follow-up list, for each 县区 and each provider to work through.
  folder.write("follow_up_by_district.csv", follow_up_csv(*s.programme, s.result, false));
  folder.write("follow_up_by_provider.csv", follow_up_csv(*s.programme, s.result, true));
  if (s.result.subsidy) {
    folder.write("subsidy.json", subsidy_json(*s.programme, *s.result.subsidy));
    folder.write("subsidy.csv",
                 std::string(kBom) + subsidy_csv(*s.programme, *s.result.subsidy, s.headers));
    folder.write(
        "subsidy_ledger.csv",
        std::string(kBom) + subsidy_ledger_csv(*s.programme, *s.result.subsidy, s.headers));
  }
  if (s.self_evaluation) {
    folder.write("self_evaluation.json",
                 self_evaluation_json(*s.programme, s.result, *s.self_evaluation));
    folder.write("self_evaluation.html",
                 self_evaluation_html(*s.programme, s.result, *s.self_evaluation));
  }
  if (s.result.composition)
    folder.write("composition.json", composition_json(*s.result.composition));
  if (s.result.projects) {
    folder.write("projects.json", projects_json(*s.programme, *s.result.projects));
    folder.write("projects.csv",
                 std::string(kBom) + projects_csv(*s.programme, *s.result.projects, s.headers));
  }
  if (s.result.products) {
    const PilotProducts& products = *s.result.products;
    folder.write("products.json", pilot_products_json(*s.programme, products, s.result));
    folder.write("product_rating.csv",
                 std::string(kBom) + product_rating_csv(products, s.result, s.headers));
    folder.write(
        "product_matrix.csv",
        std::string(kBom) + product_matrix_csv(*s.programme, products, s.result, s.headers));
  }
  // The 共性+个性 改造需求清单: per industry, and per enterprise and requirement.
  if (s.result.needs) {
    auto chunks = [&](const std::string& name) {
      return [&folder, name](std::string& part) {
        folder.append(name, part);
        part.clear();
      };
    };
    detail::needs_json_chunks(*s.result.needs, chunks("needs.json"));
    folder.write("needs_common.csv",
                 std::string(kBom) + needs_common_csv(*s.result.needs, s.headers));
    folder.write("needs_individual.csv", kBom);
    detail::needs_individual_chunks(*s.result.needs, s.headers, chunks("needs_individual.csv"));
  }
  // The 典型案例集, when the city has selected its cases.
  if (s.selected) folder.write("cases.html", case_booklet_html(*s.programme, s.result));
  // The dashboard links each enterprise's acceptance page, beside it as <id>.html.
  std::vector<std::string> pages;
  if (s.pages) {
    detail::FileNames names{"dashboard", "cases"};  // cases.html: the booklet
    for (const auto& r : s.result.acceptance) {
      const std::string name = names.stem(r.enterprise->id) + ".html";
      folder.write(name, acceptance_html(*s.programme, r, rules, &s.result));
      pages.push_back(name);
    }
  }
  folder.write("dashboard.html", dashboard_html(*s.programme, s.result, pages));
}

// The files are written as smedx diagnose writes its folder (output_files.h): never over an
// input, never into a folder of someone else's files without force, moved into place only whole.
std::optional<std::string> PilotRun::write_folder(const fs::path& dir, bool force) const {
  std::string problem;
  const auto folder = OutputFolder::open(dir, force, inputs(), problem, "pilot");
  if (!folder) return problem;
  write(*folder);
  folder->commit();
  return std::nullopt;
}

}  // namespace smedx
