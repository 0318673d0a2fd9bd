// smedx pilot: a pilot programme's acceptance, progress, provider rating and case candidates.
// The driver is run_pilot (smedx/pilot_run.h); this door converts the options and prints.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "common.h"
#include "smedx/pilot.h"
#include "smedx/pilot_products.h"
#include "smedx/pilot_run.h"

namespace smedx::cli {

namespace {

struct PilotOptions {
  PilotRequest request;
  std::string output;
  bool force = false;
  std::string headers = "en";
};

int pilot(const PilotOptions& o) {
  PilotRequest request = o.request;
  request.headers = o.headers == "zh" ? CsvHeaders::zh : CsvHeaders::en;
  const PilotRun run = run_pilot(request);
  std::fputs(run.issues_text().c_str(), stderr);
  if (!run.ok()) return 2;
  if (const auto problem = run.write_folder(o.output, o.force)) {
    std::fprintf(stderr, "error: %s\n", problem->c_str());
    return 2;
  }
  const PilotResult& result = run.result();
  int passed = 0, failed = 0, incomplete = 0;
  for (const auto& r : result.acceptance) {
    passed += r.decision == Decision::passed;
    failed += r.decision == Decision::failed;
    incomplete += r.decision == Decision::incomplete;
  }
  for (const auto& e : run.errors()) std::fputs(e.to_string().c_str(), stderr);
  if (result.products)
    for (const auto& w : result.products->warnings) std::fputs(w.to_string().c_str(), stderr);
  const PilotCounts& c = run.counts();
  std::fprintf(stderr,
               "in: providers %zu rows (%zu kept), register %zu rows (%zu enterprises), evidence "
               "%zu rows, satisfaction %zu rows, surveys %zu records (%zu paired)\n",
               c.providers_rows, c.providers, c.register_rows, c.enterprises, c.evidence_rows,
               c.satisfaction_rows, c.survey_records, c.surveys_used);
  // Only when given: the line stays as it was for a run without them.
  if (!o.request.investments.empty() || !o.request.projects.empty())
    std::fprintf(stderr, "in: investments %zu rows, projects %zu rows\n", c.investment_rows,
                 c.project_rows);
  std::fprintf(stderr,
               "out: %zu acceptance records (%d passed, %d failed, %d incomplete), %zu providers "
               "rated, %zu case candidates, %zu error records, as of %s\n",
               result.acceptance.size(), passed, failed, incomplete, result.providers.size(),
               result.cases.size(), c.error_records, result.progress.as_of.to_string().c_str());
  if (result.products) {
    const PilotProducts& x = *result.products;
    std::size_t used = 0;
    for (const auto& r : x.ratings) used += !r.enterprises.empty();
    std::fprintf(stderr,
                 "products: %zu in the catalogue, %zu named in the register's solutions (%zu "
                 "warnings); 产品矩阵 of %zu baselines: %zu reach the target with products, %zu "
                 "already there\n",
                 x.ratings.size(), used, x.warnings.size(), x.matrix.enterprises, x.matrix.reached,
                 x.matrix.already);
  }
  std::fprintf(stderr, "wrote %s (dashboard: %s)\n", shown(o.output).c_str(),
               shown((std::filesystem::path(o.output) / "dashboard.html").string()).c_str());
  return run.errors().empty() ? 0 : 1;
}

}  // namespace

Command add_pilot(CLI::App& app) {
  auto o = std::make_shared<PilotOptions>();
  PilotRequest& r = o->request;
  r.as_of_name = "--as-of";
  r.threads_name = "--threads";
  r.report_name = "--report";
  CLI::App* sub = app.add_subcommand(
      "pilot", "Evaluate a pilot programme: acceptance, progress, provider rating, cases");
  sub->add_option(
         "--programme", r.programme,
         "Programme folder or programme.yaml, or an installed programme's name (dongying-2026)")
      ->required();
  sub->add_option("--register", r.register_file, "Enterprise register (.csv or .jsonl)")
      ->required();
  sub->add_option("--providers", r.providers, "Service providers (.csv or .jsonl)")->required();
  sub->add_option("--surveys", r.surveys,
                  "Survey files (baseline and acceptance); FILE@RULES for surveys assessed under "
                  "another rule set")
      ->required();
  sub->add_option("--evidence", r.evidence, "Acceptance evidence checklist (.csv or .jsonl)");
  sub->add_option("--satisfaction", r.satisfaction, "Satisfaction ratings (.csv or .jsonl)");
  sub->add_option("--selected", r.selected,
                  "The 典型案例 the city selected: enterprise_id per record (.csv or .jsonl)");
  sub->add_option("--investments", r.investments,
                  "投入清单 for the programme's subsidy rule (.csv or .jsonl: enterprise_id, "
                  "category, item, amount, invoice)");
  sub->add_option("--projects", r.projects,
                  "Project milestones (.csv or .jsonl: enterprise_id, then a date per milestone "
                  "of the programme's stages)");
  sub->add_option("--report", r.report,
                  "Also write the city's 绩效自评: midterm or final (self_evaluation.json and "
                  ".html)");
  sub->add_option("--catalogue", r.catalogue,
                  "Solution catalogue (folder, catalogue.yaml or installed name): adds the "
                  "产品矩阵 and product rating");
  sub->add_option("--as-of", r.as_of,
                  "The date progress is measured at (yyyy-mm-dd; default: latest assessment)");
  sub->add_option("-o,--output", o->output, "Output folder: new, empty, or written by smedx before")
      ->required();
  sub->add_flag("--force", o->force, "write into a folder that holds other files too");
  sub->add_option("--threads", r.threads,
                  "Threads to use, the main one included (0, the default: all cores; at most "
                  "1024)");
  sub->add_flag("!--no-pages", r.pages, "Do not write the per-enterprise acceptance pages");
  sub->add_option("--headers", o->headers,
                  "Column headers of the CSV files: en (field names, the default) or zh (Chinese)")
      ->check(CLI::IsMember({"en", "zh"}));
  return {sub, [o] { return pilot(*o); }};
}

}  // namespace smedx::cli
