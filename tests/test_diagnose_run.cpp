// The diagnose driver every door calls: its checks, the folder it leaves (or not), and one survey
// diagnosed alone giving the bytes `smedx diagnose` writes for a file holding only that survey.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "smedx/catalogue.h"
#include "smedx/diagnose_run.h"
#include "smedx/load.h"
#include "smedx/match.h"
#include "support.h"

namespace {

namespace fs = std::filesystem;

std::shared_ptr<const smedx::Engine> engine() {
  return std::shared_ptr<const smedx::Engine>(&smedx::test::miit2024(),
                                              [](const smedx::Engine*) {});
}

fs::path scratch(const std::string& name) {
  const fs::path p =
      fs::temp_directory_path() / ("smedx-diagnose-run-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

}  // namespace

TEST_SUITE("diagnose_run") {
  TEST_CASE("diagnose_run.one survey alone is the file the folder holds for it") {
    const std::string file = SMEDX_SOURCE_DIR "/examples/surveys/chem-01-huaxin.json";
    smedx::DiagnoseRequest r;
    r.rules = engine();
    r.files = {file};
    r.output = scratch("one");
    const smedx::DiagnoseRun run = smedx::run_diagnose(r);
    REQUIRE(run.ok());
    CHECK(run.run->diagnosed == 1);
    const std::string index = smedx::test::read_file((r.output / "index.tsv").string());
    // index.tsv: a header line, then enterprise_id TAB file name.
    const std::string row = index.substr(index.find('\n') + 1);
    const std::string name = row.substr(row.find('\t') + 1, row.find('\n') - row.find('\t') - 1);

    const smedx::SurveyDiagnosis one =
        smedx::diagnose_survey(smedx::test::miit2024(), smedx::test::read_file(file));
    REQUIRE(one.ok());
    CHECK_FALSE(one.survey_errors);
    CHECK(one.json + "\n" == smedx::test::read_file((r.output / (name + ".json")).string()));
    CHECK(one.html == smedx::test::read_file((r.output / (name + ".html")).string()));
    CHECK(smedx::diagnose_survey(smedx::test::miit2024(), smedx::test::read_file(file),
                                 smedx::InputFormat::json, std::nullopt, false)
              .html.empty());
    fs::remove_all(r.output);
  }

  TEST_CASE("diagnose_run.one survey: not one, a bad target, a survey with errors") {
    const std::string two =
        "{\"enterprise\":{\"id\":\"A\"},\"answers\":{}}\n"
        "{\"enterprise\":{\"id\":\"B\"},\"answers\":{}}\n";
    const auto many =
        smedx::diagnose_survey(smedx::test::miit2024(), two, smedx::InputFormat::jsonl);
    CHECK(many.problem == "the text holds 2 surveys: one expected");
    const auto target =
        smedx::diagnose_survey(smedx::test::miit2024(), "{}", smedx::InputFormat::json, 9);
    CHECK(target.problem == "target level 9 does not exist: the levels are 1–4");
    const auto bad = smedx::diagnose_survey(smedx::test::miit2024(),
                                            "{\"enterprise\":{\"id\":\"A\"},\"answers\":{}}");
    REQUIRE(bad.ok());
    CHECK(bad.survey_errors);
    CHECK(
        bad.json.find("\"error\":{\"message\":\"问卷结构错误：missing required key 'scenarios'") !=
        std::string::npos);
  }

  TEST_CASE("diagnose_run.the request is checked before anything is read or written") {
    smedx::DiagnoseRequest r;
    r.rules = engine();
    r.need_files = true;
    r.threshold_name = "--threshold";
    r.output = scratch("checked");
    auto run = smedx::run_diagnose(r);
    CHECK(run.stop == smedx::DiagnoseRun::Stop::usage);
    CHECK(run.problem == "diagnose needs input files (it reads them twice)");
    r.threshold = "1.5";
    CHECK(smedx::run_diagnose(r).problem ==
          "--threshold takes a share above 0 and at most 1 with at most 3 decimals (0.5, 0.667), "
          "got '1.5'");
    r.threshold.clear();
    r.files = {"no/such.jsonl", "x.txt"};
    CHECK(smedx::run_diagnose(r).problem == "no/such.jsonl: no such file");
    r.files = {"x.txt"};
    CHECK(smedx::run_diagnose(r).problem == "x.txt: cannot tell the input format from the name");
    CHECK_FALSE(fs::exists(r.output));

    const smedx::Engine plain(
        smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml").rules());
    r.rules = std::shared_ptr<const smedx::Engine>(&plain, [](const smedx::Engine*) {});
    r.rules_name = "minimal.yaml";
    CHECK(smedx::run_diagnose(r).problem == "minimal.yaml: the rule set has no diagnosis settings");
  }

  TEST_CASE("diagnose_run.the catalogue read for the plans is an input no output may replace") {
    // A catalogue saved under a name the run writes (cohort.json) in the output folder: refused
    // even with force, and the catalogue is left as it was.
    const fs::path copy = scratch("catalogue-as-output");
    fs::create_directories(copy);
    const fs::path cat = copy / "cohort.json";
    fs::copy_file(SMEDX_SOURCE_DIR "/catalogues/dongying-2026/catalogue.yaml", cat);
    const auto before = fs::file_size(cat);
    smedx::DiagnoseRequest r;
    r.rules = engine();
    r.files = {SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl"};
    r.output = copy;
    r.force = true;
    r.other_inputs = {cat.string()};
    std::string problem;
    try {
      smedx::run_diagnose(r);
    } catch (const std::runtime_error& e) {
      problem = e.what();  // found when the folder is written, as for a survey file in it
    }
    CHECK(problem.find("cohort.json: the output is the same file as the input") !=
          std::string::npos);
    CHECK(fs::file_size(cat) == before);
    CHECK_FALSE(fs::exists(copy / "cohort.html"));
    fs::remove_all(copy);
  }

  TEST_CASE("diagnose_run.an empty cohort leaves no folder behind") {
    smedx::DiagnoseRequest r;
    r.rules = engine();
    r.sources.push_back(smedx::SurveySource::text("", "<empty>", smedx::InputFormat::jsonl));
    const auto bare = smedx::run_diagnose(r);
    REQUIRE(bare.ok());  // without a folder an empty cohort is just empty
    CHECK(bare.run->diagnosed == 0);
    r.output = scratch("empty");
    const auto run = smedx::run_diagnose(r);
    CHECK(run.stop == smedx::DiagnoseRun::Stop::empty);
    CHECK(run.problem == "the inputs hold no surveys: the cohort is empty");
    CHECK_FALSE(fs::exists(r.output));
  }
}

// The pages as people read them (issue 20) and the 改造方案 in them (issue 17).
TEST_SUITE("diagnose_run.pages") {
  TEST_CASE("diagnose_run.pages: who diagnosed and when are inputs, checked, else blanks") {
    const std::string file = SMEDX_SOURCE_DIR "/examples/surveys/chem-06-xinyuan.json";
    const std::string text = smedx::test::read_file(file);
    const auto plain = smedx::diagnose_survey(smedx::test::miit2024(), text);
    REQUIRE(plain.ok());
    // Nothing given and no assessed_on in the survey: blanks to fill in by hand, never today.
    CHECK(plain.html.find("诊断日期：<span id='diagnosed-on'>＿＿＿＿＿＿</span>") !=
          std::string::npos);
    CHECK(plain.html.find("<div class='sign' id='signature'>") != std::string::npos);
    const auto signed_ = smedx::diagnose_survey(
        smedx::test::miit2024(), text, smedx::InputFormat::json, std::nullopt, true,
        smedx::MissingPolicy::error, {"2026-02-29", "某<诊断>机构", "张工"});
    CHECK(signed_.problem == "the diagnosis date must be a date YYYY-MM-DD, got '2026-02-29'");
    const auto given = smedx::diagnose_survey(
        smedx::test::miit2024(), text, smedx::InputFormat::json, std::nullopt, true,
        smedx::MissingPolicy::error, {"2028-02-29", "某<诊断>机构", "张工"});
    REQUIRE(given.ok());
    CHECK(given.html.find("<span id='diagnosed-on'>2028-02-29</span>") != std::string::npos);
    CHECK(given.html.find("<span id='organisation'>某&lt;诊断&gt;机构</span>") !=
          std::string::npos);
    CHECK(given.html.find("<span id='diagnostician'>张工</span>") != std::string::npos);
    CHECK(given.json == plain.json);  // the JSON is the diagnosis, not the signature
    // The survey's own assessed_on when no date is given.
    std::string dated = text;
    dated.insert(dated.find("\"id\""), "\"assessed_on\":\"2026-01-05\",");
    const auto own = smedx::diagnose_survey(smedx::test::miit2024(), dated);
    REQUIRE(own.ok());
    CHECK(own.html.find("<span id='diagnosed-on'>2026-01-05</span>") != std::string::npos);
  }

  TEST_CASE("diagnose_run.pages: the plan section is the match to each enterprise's target") {
    const smedx::Engine& engine = smedx::test::miit2024();
    const auto cat =
        smedx::load_catalogue(SMEDX_SOURCE_DIR "/catalogues/dongying-2026", engine.rules());
    REQUIRE(cat.ok());
    smedx::MatchOptions options;
    options.years = 2;
    smedx::DiagnoseRequest r;
    r.rules = ::engine();
    r.files = {SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl"};
    r.section = smedx::make_plan_section(engine, *cat.catalogue, options);
    r.output = scratch("plan");
    const smedx::DiagnoseRun run = smedx::run_diagnose(r);
    REQUIRE(run.ok());
    // Each enterprise's JSON ends with the match smedx match makes to its diagnosis target.
    std::vector<smedx::CodedSurvey> coded;
    {
      std::ifstream in(r.files.front());
      smedx::visit_stream(engine, in, "cohort", smedx::InputFormat::jsonl,
                          [&](const smedx::CodedSurvey& c) { coded.push_back(c); });
    }
    REQUIRE(coded.size() == run.run->diagnoses.size());
    int planned = 0;
    for (std::size_t k = 0; k < coded.size(); ++k) {
      const smedx::Diagnosis& d = run.run->diagnoses[k];
      CAPTURE(d.assessment.enterprise_id);
      options.target = d.target;
      const smedx::Matcher matcher(engine, *cat.catalogue, options);
      const smedx::Match m = matcher.match(coded[k]);
      const std::string json =
          smedx::test::read_file((r.output / (d.assessment.enterprise_id + ".json")).string());
      CHECK(json == smedx::to_json(d, "plan", smedx::to_json(m, matcher)) + "\n");
      const std::string html =
          smedx::test::read_file((r.output / (d.assessment.enterprise_id + ".html")).string());
      CHECK(html.find("<h2>改造方案（") != std::string::npos);
      if (m.reached && !m.already) {
        ++planned;
        CHECK(html.find("id='plan-cost'>" + std::to_string(m.plan.cost) + " 元</b>") !=
              std::string::npos);
        for (std::size_t p : m.plan.products) {
          const smedx::Product& product = cat.catalogue->products[p];
          // The provider by the catalogue's name for it, its id beside it.
          const std::string name(cat.catalogue->provider_name(product.provider));
          REQUIRE_FALSE(name.empty());
          CHECK(html.find("<tr><td>" + product.name + "</td><td>" + name + "（<span class='id'>" +
                          product.provider + "</span>）</td>") != std::string::npos);
        }
      }
    }
    CHECK(planned > 0);
    fs::remove_all(r.output);
  }

  TEST_CASE("diagnose_run.pages: a plan out of reach says which conditions no product covers") {
    const smedx::Engine& engine = smedx::test::miit2024();
    const auto cat =
        smedx::load_catalogue(SMEDX_SOURCE_DIR "/catalogues/dongying-2026", engine.rules());
    REQUIRE(cat.ok());
    const std::string file = SMEDX_SOURCE_DIR "/examples/surveys/chem-06-xinyuan.json";
    smedx::CodedSurvey coded;
    {
      std::ifstream in(file);
      smedx::visit_stream(engine, in, "one", smedx::InputFormat::json,
                          [&](const smedx::CodedSurvey& c) { coded = c; });
    }
    // Not a structured binding: clang 14 cannot capture one in CAPTURE/CHECK.
    for (const auto& case_ :
         {std::pair<int, std::optional<std::int64_t>>{4, std::nullopt}, {2, 1000}}) {
      const int target = case_.first;
      const std::optional<std::int64_t> budget = case_.second;
      CAPTURE(target);
      smedx::MatchOptions options;
      options.budget = budget;
      smedx::DiagnoseRequest r;
      r.rules = ::engine();
      r.files = {file};
      r.target = target;
      r.section = smedx::make_plan_section(engine, *cat.catalogue, options);
      r.output = scratch("gap");
      REQUIRE(smedx::run_diagnose(r).ok());
      options.target = target;
      const smedx::Matcher matcher(engine, *cat.catalogue, options);
      const smedx::Match m = matcher.match(coded);
      REQUIRE_FALSE(m.reached);
      const std::string html = smedx::test::read_file((r.output / "CN-2025-006.html").string());
      CHECK(html.find("资源池中的产品不能使本企业达到") != std::string::npos);
      // The gap, each condition in words; else why (the budget), never the JSON's pointer.
      for (const auto& g : m.gap) CHECK(html.find("<li>" + g + "</li>") != std::string::npos);
      if (m.gap.empty()) CHECK(html.find(m.reason) != std::string::npos);
      CHECK(html.find("缺口见") == std::string::npos);
      fs::remove_all(r.output);
    }
  }
}
