// Project stages: the milestones read from programme.yaml, the projects table read, and each
// enterprise's stage, status and overdue milestones at a date, with the funnels.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "smedx/load.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"
#include "smedx/projects.h"

using namespace smedx;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

std::string programme_with(const std::string& stages) {
  std::string y = slurp(std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026/programme.yaml");
  const auto at = y.find("\nstages:");
  REQUIRE(at != std::string::npos);
  return y.substr(0, at + 1) + stages;
}

const char* kStages = R"(stages:
  milestones:
    - {id: filed, zh: 备案}
    - {id: contracted, zh: 合同, due: {after: filed, days: 30}}
    - {id: finished, zh: 完工}
    - {id: applied, zh: 申请验收, due: {after: finished, days: 90}}
)";

struct Run {
  ProgrammeLoad prog;
  LoadResult rules;
  Engine engine;
  Pilot pilot;
  explicit Run(const std::string& stages = kStages)
      : prog(load_programme_from_string(programme_with(stages), "programme.yaml")),
        rules(load_rules(std::string(SMEDX_SOURCE_DIR) + "/indicators/miit-2024")),
        engine(rules.rules()),
        pilot(checked(prog), engine) {
    std::istringstream providers("id,name\nA,甲\nB,乙\n");
    pilot.add_providers(providers, "providers.csv", TableFormat::csv);
    std::istringstream reg(
        "id,name,industry,district,batch,providers\n"
        "E1,一号,chem_new_materials,河口区,batch1,A\n"
        "E2,二号,chem_new_materials,利津县,batch1,A|B\n"
        "E3,三号,equipment_parts,东营区,batch2,B\n"
        "E4,四号,equipment_parts,东营区,batch2,B\n"
        "E5,五号,equipment_parts,东营区,batch2,B\n");
    pilot.add_register(reg, "register.csv", TableFormat::csv);
  }
  static const Programme& checked(const ProgrammeLoad& p) {
    REQUIRE_MESSAGE(p.ok(), format_issues(p.issues));
    return *p.programme;
  }
  void projects(const std::string& csv) {
    std::istringstream in(csv);
    pilot.add_projects(in, "projects.csv", TableFormat::csv);
  }
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const auto& e : pilot.errors())
      out.push_back(fmt::format("{}:{}: {}", e.where.file, e.where.line, e.message));
    return out;
  }
};

}  // namespace

TEST_SUITE("projects") {
  TEST_CASE("projects.stage, status and overdue milestones at a date") {
    Run r;
    r.projects(
        "enterprise_id,filed,contracted,finished,applied\n"
        "E1,2026-03-01,2026-03-20,2026-07-01,2026-08-01\n"    // done
        "E2,2026-03-01,2026-03-20,2026-07-01,\n"              // applied due 2026-09-29
        "E3,2026-03-01,,,\n"                                  // contract due 2026-03-31
        "E4,2026-03-01,2026-03-10,2026-09-01,2026-12-30\n");  // dated after the as-of date
    CHECK(r.errors() == std::vector<std::string>{});
    const auto result = r.pilot.run(parse_date("2026-10-01"));
    REQUIRE(result.projects);
    const ProjectsResult& p = *result.projects;
    REQUIRE(p.enterprises.size() == 5);
    CHECK(p.enterprises[0].status == "done");
    CHECK(p.enterprises[0].reached == 3);
    // E2: finished 2026-07-01 + 90 days = 2026-09-29, two days before the as-of date.
    const auto& e2 = p.enterprises[1];
    CHECK(e2.status == "overdue");
    CHECK(e2.reached == 2);
    REQUIRE(e2.overdue.size() == 1);
    CHECK(e2.overdue[0].due.to_string() == "2026-09-29");
    CHECK(e2.overdue[0].days_over == 2);
    CHECK(e2.next_due->to_string() == "2026-09-29");
    // E3: filed 2026-03-01 + 30 = 2026-03-31 for the contract; 184 days over.
    const auto& e3 = p.enterprises[2];
    CHECK(e3.status == "overdue");
    CHECK(e3.overdue[0].days_over == 184);
    // E4: the application dated 2026-12-30 is not reached on 2026-10-01, and not due
    // (2026-09-01 + 90 = 2026-11-30).
    const auto& e4 = p.enterprises[3];
    CHECK(e4.status == "on_track");
    CHECK(e4.reached == 2);
    CHECK(e4.overdue.empty());
    CHECK(p.enterprises[4].status == "not_recorded");
    // Funnels: reached counts each milestone reached; E2 counts under both its providers.
    CHECK(p.total.reached == std::vector<int>{4, 3, 3, 1});
    CHECK(p.total.overdue == 2);
    REQUIRE(p.by_provider.size() == 2);
    CHECK(p.by_provider[0].enterprises == 2);  // A: E1, E2
    CHECK(p.by_provider[1].enterprises == 4);  // B: E2, E3, E4, E5
    CHECK(p.by_provider[1].overdue == 2);
  }

  TEST_CASE("projects.bad rows are located errors") {
    Run r;
    r.projects(
        "enterprise_id,filed,contracted,finished,applied\n"
        "E1,2026-03-01,2026-02-20,,\n"
        "E9,2026-03-01,,,\n"
        "E2,2026-02-30,,,\n"
        "E1,2026-03-01,,,\n");
    CHECK(r.errors() ==
          std::vector<std::string>{
              "projects.csv:2: contracted 2026-02-20 is before filed 2026-03-01, "
              "which comes earlier",
              "projects.csv:3: a project of enterprise 'E9', which is not in the "
              "register",
              "projects.csv:4: filed '2026-02-30' is not a date (expected yyyy-mm-dd)",
          });
    Run bad;
    bad.projects("enterprise_id,filed,contractd\nE1,2026-03-01,\n");
    REQUIRE_FALSE(bad.errors().empty());
    CHECK(bad.errors()[0] ==
          "projects.csv:1: unknown column 'contractd' in the projects (did you mean "
          "'contracted'?)");
  }

  TEST_CASE("projects.a deadline counts from an earlier milestone only") {
    std::string stages = kStages;
    stages.replace(stages.find("after: filed"), 12, "after: applied");
    const auto r = load_programme_from_string(programme_with(stages), "programme.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.issues[0].message == "'applied' is not a milestone listed before 'contracted'");
  }
}
