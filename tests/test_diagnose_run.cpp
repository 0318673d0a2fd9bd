// The diagnose driver every door calls: its checks, the folder it leaves (or not), and one survey
// diagnosed alone giving the bytes `smedx diagnose` writes for a file holding only that survey.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "smedx/diagnose_run.h"
#include "smedx/load.h"
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
