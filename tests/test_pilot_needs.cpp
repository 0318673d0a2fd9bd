// The pilot's 共性+个性 改造需求清单 (issue 19, item 7): the example pilot's baselines below the
// target, diagnosed per industry; every figure checked against the enterprises' own lists and
// the documented 共性 rule (at least the rule set's share of the industry's below-target
// enterprises, and at least two).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "smedx/pilot.h"
#include "smedx/pilot_needs.h"
#include "smedx/pilot_run.h"
#include "smedx/survey_text.h"
#include "support.h"

using namespace smedx;

namespace {

PilotRequest example() {
  const std::string ex = std::string(SMEDX_SOURCE_DIR) + "/examples/pilot/";
  PilotRequest r;
  r.programme = std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026";
  r.register_file = ex + "register.csv";
  r.providers = ex + "providers.csv";
  r.evidence = ex + "evidence.csv";
  r.satisfaction = ex + "satisfaction.jsonl";
  r.surveys = {ex + "baseline.jsonl", ex + "acceptance.jsonl"};
  r.as_of = "2027-03-15";
  r.threads = 2;
  return r;
}

std::size_t lines(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += c == '\n';
  return n;
}

std::string key(const RuleSet& rules, const NeedRow& r) {
  const NeedText t = need_text(rules, r);
  return std::string(t.kind) + ":" + std::string(t.id);
}

}  // namespace

TEST_SUITE("pilot.needs") {
  TEST_CASE("pilot.needs counts 共性 among the industry's enterprises below the target") {
    const PilotRun run = run_pilot(example());
    REQUIRE_MESSAGE(run.ok(), run.issues_text());
    const PilotResult& result = run.result();
    REQUIRE(result.needs);
    const PilotNeeds& n = *result.needs;
    const RuleSet& rules = run.rules();
    CHECK(n.target == run.programme().target_level);
    CHECK(n.threshold == rules.diagnosis.common_threshold);
    REQUIRE(n.industries.size() == run.programme().industries.size());

    // The baselines, from the acceptance records: below the target ones are listed, in order.
    std::map<std::string, int> baseline, below;
    std::vector<std::string> expected;
    for (const auto& r : result.acceptance) {
      if (!r.baseline || !r.baseline->ok()) continue;
      ++baseline[r.enterprise->industry];
      if (r.baseline->level >= n.target) continue;
      ++below[r.enterprise->industry];
      expected.push_back(r.enterprise->id);
    }
    std::vector<std::string> listed;
    for (const auto& e : n.enterprises) listed.push_back(e.enterprise->id);
    CHECK(listed == expected);
    CHECK(expected.size() >= 10);  // the example has enough for 共性 to mean something

    for (const auto& g : n.industries) {
      CAPTURE(g.industry);
      CHECK(g.zh == run.programme().find_industry(g.industry)->zh);
      CHECK(g.baseline == baseline[g.industry]);
      CHECK(g.below == below[g.industry]);
      CHECK(g.at_or_above == g.baseline - g.below);
      // Who needs what, from the enterprises' own lists.
      std::map<std::string, std::vector<std::string>> who;
      int individual = 0;
      for (const auto& e : n.enterprises) {
        if (e.enterprise->industry != g.industry) continue;
        CHECK(e.level < n.target);
        if (e.status == PathStatus::reachable) CHECK_FALSE(e.requirements.empty());
        for (const auto& r : e.requirements) {
          who[key(rules, r)].push_back(e.enterprise->id);
          individual += !r.common;
        }
      }
      CHECK(g.individual == individual);
      std::set<std::string> common;
      for (const auto& [k, ids] : who) {
        const auto count = static_cast<std::int64_t>(ids.size());
        const bool is_common =
            count >= 2 && count * 1000 >= n.threshold.thousandths() * std::int64_t{g.below};
        if (is_common) common.insert(k);
      }
      std::set<std::string> listed_common;
      for (const auto& c : g.common) {
        const std::string k = c.kind + ":" + c.id;
        listed_common.insert(k);
        CHECK(c.enterprises == who[k]);
        CHECK(c.count == static_cast<int>(who[k].size()));
        CHECK(c.share_percent ==
              Decimal::from_thousandths((std::int64_t{c.count} * 200'000 + g.below) /
                                        (2 * std::int64_t{g.below})));
        // The Chinese name from the rule set.
        if (c.kind == "scenario") {
          REQUIRE(rules.find_scenario(c.id));
          CHECK(c.zh == rules.find_scenario(c.id)->zh);
          CHECK(c.constraint == rules.find_scenario(c.id)->constraint);
        } else {
          bool found = false;
          for (const Item* i : rules.items())
            if (i->id == c.id) found = c.zh == i->zh;
          CHECK_MESSAGE(found, c.id);
        }
      }
      CHECK(listed_common == common);
      // Most needed first.
      for (std::size_t k = 1; k < g.common.size(); ++k)
        CHECK(g.common[k - 1].count >= g.common[k].count);
      // Each enterprise's requirement is marked 共性 exactly when its industry shares it.
      for (const auto& e : n.enterprises)
        if (e.enterprise->industry == g.industry)
          for (const auto& r : e.requirements)
            CHECK(r.common == (common.count(key(rules, r)) == 1));
    }
    int with_common = 0;
    for (const auto& g : n.industries) with_common += !g.common.empty();
    CHECK(with_common >= 1);
  }

  TEST_CASE("pilot.needs files: a row per industry and common need, per enterprise and need") {
    const PilotRun run = run_pilot(example());
    REQUIRE(run.ok());
    const PilotNeeds& n = *run.result().needs;
    std::size_t common = 0, individual = 0;
    for (const auto& g : n.industries) common += g.common.size();
    for (const auto& e : n.enterprises)
      individual += std::max<std::size_t>(1, e.requirements.size());
    const std::string zh = needs_common_csv(n, CsvHeaders::zh);
    CHECK(zh.starts_with("行业,类型,编号,名称,约束性场景,需要的企业数,低于目标等级企业数,"));
    CHECK(lines(zh) == common + 1);
    CHECK(needs_common_csv(n).starts_with("industry_zh,kind_zh,code,zh,"));
    const std::string each = needs_individual_csv(n, CsvHeaders::zh);
    CHECK(each.starts_with("企业编号,企业名称,行业,区县,基线等级,目标等级,类型,"));
    CHECK(lines(each) == individual + 1);
    CHECK(lines(needs_individual_csv(n)) == individual + 1);
    // The first enterprise's first requirement, as people read it.
    const EnterpriseNeeds& first = n.enterprises.front();
    REQUIRE_FALSE(first.requirements.empty());
    const NeedText t = need_text(run.rules(), first.requirements.front());
    CHECK(each.find(fmt::format("\n{},{},{},", first.enterprise->id, first.enterprise->name,
                                run.programme().find_industry(first.enterprise->industry)->zh)) !=
          std::string::npos);
    CHECK(each.find(fmt::format(",{},{},{},{},", t.code, t.zh, t.change,
                                first.requirements.front().common ? "共性" : "个性")) !=
          std::string::npos);
    // The dashboard has the section, with the count it is counted among.
    const std::string page = dashboard_html(run.programme(), run.result());
    CHECK(page.find("共性+个性改造需求清单") != std::string::npos);
    for (const auto& g : n.industries)
      CHECK(page.find(fmt::format("<td class='n' id='needs-below-{}'>{}</td>", g.industry,
                                  g.below)) != std::string::npos);
  }

  TEST_CASE("pilot.needs the driver writes them, with a BOM and the headers asked for") {
    auto request = example();
    request.pages = false;
    request.headers = CsvHeaders::zh;
    const PilotRun run = run_pilot(request);
    REQUIRE(run.ok());
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("smedx-test-needs-{}", ::getpid());
    std::filesystem::remove_all(dir);
    CHECK_FALSE(run.write_folder(dir, false));
    const std::string bom = "\xEF\xBB\xBF";
    CHECK(test::read_file((dir / "needs_common.csv").string()) ==
          bom + needs_common_csv(*run.result().needs, CsvHeaders::zh));
    CHECK(test::read_file((dir / "needs_individual.csv").string()) ==
          bom + needs_individual_csv(*run.result().needs, CsvHeaders::zh));
    CHECK(test::read_file((dir / "needs.json").string()) == needs_json(*run.result().needs));
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("pilot.needs rows read back as the diagnosis words them") {
    const PilotRun run = run_pilot(example());
    REQUIRE(run.ok());
    const PilotNeeds& n = *run.result().needs;
    const RuleSet& rules = run.rules();
    // The baseline of the first few enterprises, diagnosed alone: the same requirements.
    const std::string text =
        test::read_file(std::string(SMEDX_SOURCE_DIR) + "/examples/pilot/baseline.jsonl");
    std::istringstream lines_in(text);
    std::string line;
    int compared = 0;
    const Engine engine(rules);
    const Diagnoser alone(engine);
    while (std::getline(lines_in, line) && compared < 8) {
      const SurveyParse survey = parse_survey_json(line, "baseline.jsonl");
      REQUIRE(survey.survey);
      for (const auto& e : n.enterprises) {
        if (e.enterprise->id != survey.survey->enterprise_id) continue;
        const Diagnosis d = alone.diagnose(*survey.survey, n.target);
        REQUIRE(d.requirements.size() == e.requirements.size());
        for (std::size_t k = 0; k < d.requirements.size(); ++k) {
          const Requirement& r = d.requirements[k];
          const NeedText t = need_text(rules, e.requirements[k]);
          CHECK(t.id == r.change.id);
          CHECK(t.zh == r.zh);
          CHECK(t.change == need_change_text(r.change));
          CHECK(t.meaning == r.meaning);
          CHECK(t.priority == r.priority);
        }
        ++compared;
      }
    }
    CHECK(compared == 8);
  }

  TEST_CASE("pilot.needs change text: scenario levels and item options, in Chinese") {
    Change s;
    s.kind = Change::Kind::scenario;
    s.from_level = 1;
    s.to_level = 2;
    CHECK(need_change_text(s) == "1级→2级");
    Change i;
    i.kind = Change::Kind::item;
    i.from = {'A'};
    i.to = {'A', 'C'};
    CHECK(need_change_text(i) == "A→A、C");
    i.from = {};
    CHECK(need_change_text(i) == "无→A、C");
    CHECK(need_kind_zh("scenario") == "场景");
    CHECK(need_priority_zh("high") == "高");
  }
}
