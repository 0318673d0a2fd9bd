// The catalogue in a pilot (smedx/pilot_products.h): the product rating (以评促建) on a
// hand-computed example, the register's unknown solutions as located warnings, the 产品矩阵.
#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>

#include "smedx/catalogue.h"
#include "smedx/pilot.h"
#include "smedx/pilot_products.h"
#include "smedx/programme.h"
#include "support.h"

using namespace smedx;

namespace {

// An example survey (examples/surveys/cohort.jsonl) relabelled as enterprise `id`'s survey of
// `phase` on `on`.
std::string survey(const std::string& template_id, const std::string& id, const std::string& phase,
                   const std::string& on) {
  static const std::string cohort =
      test::read_file(std::string(SMEDX_SOURCE_DIR) + "/examples/surveys/cohort.jsonl");
  const auto at = cohort.find("\"id\":\"" + template_id + "\"");
  REQUIRE(at != std::string::npos);
  const auto start = cohort.rfind('\n', at) + 1;
  std::string line = cohort.substr(start, cohort.find('\n', at) - start);
  const auto answers = line.find("},\"answers\"");
  return "{\"enterprise\":{\"id\":\"" + id + "\",\"phase\":\"" + phase + "\",\"assessed_on\":\"" +
         on + "\"" + line.substr(answers) + "\n";
}

// Two products: P-MES of provider A (100000 元 and 20000 元 a year), P-ERP of B (50000 元).
const char* kCatalogue = R"(catalogue:
  id: test-pool
  title: 测试资源池
  rule_set: {id: miit-2024}
  categories: [生产制造, 财务]
products:
  - id: P-MES
    name: 测试生产执行系统
    provider: A
    category: 生产制造
    deployment: saas
    price: 100000
    annual: 20000
    weeks: 4
    delivers:
      scenarios: {S05: 2}
  - id: P-ERP
    name: 测试云ERP
    provider: B
    category: 财务
    deployment: saas
    price: 50000
    weeks: 2
    delivers:
      scenarios: {S07: 2}
)";

struct Run {
  ProgrammeLoad prog = load_programme(std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026");
  Pilot pilot{*prog.programme, test::miit2024()};
  PilotResult result;
  Run() {
    auto cat = load_catalogue_from_string(kCatalogue, test::miit2024().rules(), "catalogue.yaml");
    REQUIRE_MESSAGE(cat.ok(), format_issues(cat.issues));
    pilot.set_catalogue(std::make_shared<const Catalogue>(std::move(*cat.catalogue)));
    auto add = [&](auto method, const std::string& text, const char* name, TableFormat f) {
      std::istringstream in(text);
      (pilot.*method)(in, name, f);
    };
    add(&Pilot::add_providers, "id,name\nA,甲服务商\nB,乙服务商\n", "providers.csv",
        TableFormat::csv);
    // E4 names a product that is not in the catalogue; E5 has no acceptance yet.
    add(&Pilot::add_register,
        "id,name,industry,district,batch,tags,providers,contract_date,planned_end,investment,"
        "solutions\n"
        "E1,一号,chem_new_materials,河口区,batch1,,A,2026-03-01,2026-07-31,100,P-MES\n"
        "E2,二号,chem_new_materials,利津县,batch1,,A,2026-03-01,2026-07-31,100,P-MES\n"
        "E3,三号,equipment_parts,东营区,batch1,,B,2026-03-01,2026-07-31,100,P-ERP\n"
        "E4,四号,equipment_parts,垦利区,batch1,,B,2026-03-01,2026-07-31,100,P-ERPX\n"
        "E5,五号,chem_new_materials,广饶县,batch2,,A,2026-12-05,2027-04-30,100,P-MES\n",
        "register.csv", TableFormat::csv);
    add(&Pilot::add_evidence,
        "enterprise_id,baseline_report,acceptance_report,contract,invoices,investment_list,"
        "authenticity\n"
        "E1,yes,yes,yes,yes,yes,yes\nE2,yes,yes,yes,yes,yes,yes\nE3,yes,yes,yes,yes,yes,yes\n"
        "E4,yes,yes,yes,yes,yes,yes\n",
        "evidence.csv", TableFormat::csv);
    std::istringstream surveys(survey("CN-2025-006", "E1", "baseline", "2026-02-01") +
                               survey("CN-2025-002", "E1", "acceptance", "2026-08-10") +
                               survey("CN-2025-006", "E2", "baseline", "2026-02-01") +
                               survey("CN-2025-005", "E2", "acceptance", "2026-08-10") +
                               survey("CN-2025-006", "E3", "baseline", "2026-02-01") +
                               survey("CN-2025-002", "E3", "acceptance", "2026-08-10") +
                               survey("CN-2025-006", "E4", "baseline", "2026-02-01") +
                               survey("CN-2025-005", "E4", "acceptance", "2026-08-10") +
                               survey("CN-2025-005", "E5", "baseline", "2026-11-20"));
    pilot.add_surveys(surveys, "surveys.jsonl", InputFormat::jsonl, nullptr, 1);
    // Ratings of 4.1 (E1 of A, E3 of B) and 3 (E2 of A, E4 of B) on the 1-5 scale.
    add(&Pilot::add_satisfaction,
        "{\"enterprise_id\":\"E1\",\"provider_id\":\"A\",\"quality\":5,\"timeliness\":4,"
        "\"effect\":4,\"price\":3}\n"
        "{\"enterprise_id\":\"E2\",\"provider_id\":\"A\",\"quality\":3,\"timeliness\":3,"
        "\"effect\":3,\"price\":3}\n"
        "{\"enterprise_id\":\"E3\",\"provider_id\":\"B\",\"quality\":5,\"timeliness\":4,"
        "\"effect\":4,\"price\":3}\n"
        "{\"enterprise_id\":\"E4\",\"provider_id\":\"B\",\"quality\":3,\"timeliness\":3,"
        "\"effect\":3,\"price\":3}\n",
        "satisfaction.jsonl", TableFormat::jsonl);
    REQUIRE_MESSAGE(pilot.errors().empty(), format_issues(pilot.errors()));
    result = pilot.run(parse_date("2026-12-20"));
    REQUIRE(result.products);
  }
};

}  // namespace

TEST_SUITE("pilot.products") {
  TEST_CASE("pilot.products rating on a hand-computed example, as the provider rating counts") {
    Run run;
    const PilotProducts& p = *run.result.products;
    REQUIRE(p.ratings.size() == 2);
    // P-MES: E1 (level 0 → 3, passed), E2 (0 → 1, failed), E5 (no acceptance: not judged).
    const ProductRating& mes = p.ratings[0];
    CHECK(mes.enterprises == std::vector<std::string>{"E1", "E2", "E5"});
    CHECK(mes.accepted == 2);
    CHECK(mes.passed == 1);
    CHECK(mes.failed == 1);
    CHECK(mes.incomplete == 0);
    CHECK(mes.pass_rate->to_string() == "50");
    CHECK(mes.gained == 2);
    CHECK(mes.level_steps == 4);                     // 3 + 1
    CHECK(mes.mean_level_gain->to_string() == "2");  // 4 / 2
    CHECK(mes.cost_fen == 12000000);                 // (100000 + 20000 × 1 year) 元
    CHECK(*mes.cost_per_level_step_fen == 6000000);  // 120000 元 × 2 enterprises / 4 levels
    // The ratings of provider A by E1 and E2: (4.1 + 3) / 2 = 3.55 → (3.55 − 1) / 4 × 100.
    CHECK(mes.ratings == 2);
    CHECK(mes.mean_satisfaction->to_string() == "3.55");
    CHECK(mes.satisfaction->to_string() == "63.75");
    CHECK(mes.notes.empty());
    // P-ERP: E3 only (0 → 3, passed); 50000 元 / 3 levels = 16666.666… → 1666667 fen.
    const ProductRating& erp = p.ratings[1];
    CHECK(erp.enterprises == std::vector<std::string>{"E3"});
    CHECK(erp.pass_rate->to_string() == "100");
    CHECK(erp.mean_level_gain->to_string() == "3");
    CHECK(*erp.cost_per_level_step_fen == 1666667);
    CHECK(erp.mean_satisfaction->to_string() == "4.1");
    CHECK(erp.satisfaction->to_string() == "77.5");  // (4.1 − 1) / 4 × 100
    // The same counts as the provider rating of A, whose enterprises are P-MES's.
    const ProviderScore& a =
        run.result.providers[0].id == "A" ? run.result.providers[0] : run.result.providers[1];
    CHECK(a.pass_rate == mes.pass_rate);
    CHECK(a.mean_satisfaction == mes.mean_satisfaction);
    CHECK(a.satisfaction == mes.satisfaction);
  }

  TEST_CASE("pilot.products a solution that is not a product is a located warning, not an error") {
    Run run;
    const PilotProducts& p = *run.result.products;
    REQUIRE(p.warnings.size() == 1);
    const Issue& w = p.warnings[0];
    CHECK(w.severity == Severity::warning);
    CHECK(w.where.file == "register.csv");
    CHECK(w.where.line == 5);
    CHECK(w.where.column == 63);  // the solutions cell
    CHECK(w.message ==
          "solution 'P-ERPX' of enterprise 'E4' is not a product of catalogue test-pool (did you "
          "mean 'P-ERP'?)");
    CHECK(run.pilot.errors().empty());
    CHECK(run.result.acceptance.size() == 5);  // E4 is still accepted or not on its own merits
  }

  TEST_CASE("pilot.products the 产品矩阵 is the match room's over the scored baselines") {
    Run run;
    const ProductMatrix& m = run.result.products->matrix;
    CHECK(m.target == 2);       // the programme's target level
    CHECK(m.enterprises == 5);  // every scored baseline
    REQUIRE(m.products.size() == 2);
    std::size_t short_of_target = m.enterprises - m.reached - m.already - m.errors;
    // Two scenarios cannot bring a level-0 survey to level 2: each condition's gap lists who.
    CHECK(short_of_target > 0);
    std::size_t listed = 0;
    for (const auto& g : m.gaps) listed += g.enterprises.size();
    CHECK(listed >= short_of_target);
    const std::string json =
        pilot_products_json(*run.prog.programme, *run.result.products, run.result);
    CHECK(json.find("\"matrix\":" + to_json(m, *run.result.products->matcher)) !=
          std::string::npos);
  }
}
