// The 绩效自评 report on the example pilot: the plan's five headings in order, figures taken from
// the same result as the other outputs, and a page whose visible text is Chinese only.
#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "smedx/pilot_run.h"
#include "smedx/self_evaluation.h"
#include "smedx/subsidy.h"

using namespace smedx;

namespace {

PilotRequest example(const std::string& report) {
  const std::string ex = std::string(SMEDX_SOURCE_DIR) + "/examples/pilot/";
  PilotRequest r;
  r.programme = std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026";
  r.register_file = ex + "register.csv";
  r.providers = ex + "providers.csv";
  r.evidence = ex + "evidence.csv";
  r.satisfaction = ex + "satisfaction.jsonl";
  r.investments = ex + "investments.csv";
  r.projects = ex + "projects.csv";
  r.selected = ex + "selected.csv";
  r.surveys = {ex + "baseline.jsonl", ex + "acceptance.jsonl"};
  r.as_of = "2027-03-15";
  r.report = report;
  r.threads = 1;
  return r;
}

}  // namespace

TEST_SUITE("self_evaluation") {
  TEST_CASE("self_evaluation.the plan's headings, the run's figures, Chinese only on the page") {
    const PilotRun run = run_pilot(example("final"));
    REQUIRE_MESSAGE(run.ok(), run.issues_text());
    const std::string html =
        self_evaluation_html(run.programme(), run.result(), ReportKind::final_);
    std::size_t at = 0;
    for (const char* heading : {"一、数字化改造", "二、复制推广", "三、中小企业创新能力提升",
                                "四、典型经验做法", "五、专项资金使用"}) {
      const auto found = html.find(heading, at);
      CHECK_MESSAGE(found != std::string::npos, heading);
      at = found;
    }
    CHECK(html.find("终期绩效自评报告") != std::string::npos);
    CHECK(html.find("size:A4") != std::string::npos);
    CHECK(html.find("thead{display:table-header-group}") != std::string::npos);
    CHECK(html.find("审核人") != std::string::npos);
    // The visible text: no ASCII word (no id, no English name).
    std::string text = std::regex_replace(html, std::regex("<style>[^]*?</style>"), "");
    text = std::regex_replace(text, std::regex("<[^>]*>"), " ");
    std::smatch word;
    CHECK_MESSAGE(!std::regex_search(text, word, std::regex("[A-Za-z]{2,}")), word.str());
    // Figures come from the result: the subsidy total in 元 with two decimals.
    const std::string json =
        self_evaluation_json(run.programme(), run.result(), ReportKind::final_);
    CHECK(json.find("\"report\":\"final\"") != std::string::npos);
    CHECK(json.find(yuan(run.result().subsidy->total.subsidy_fen)) != std::string::npos);
    CHECK(json.find("\"zh\":\"备案企业（家）\",\"value\":\"60\",\"target\":\"730\"") !=
          std::string::npos);
  }

  TEST_CASE("self_evaluation.an unknown report kind stops the run, named as the door names it") {
    auto request = example("mid");
    request.report_name = "--report";
    const PilotRun run = run_pilot(request);
    CHECK_FALSE(run.ok());
    CHECK(run.issues_text() == "error: --report 'mid' is not one of: midterm, final\n");
  }
}
