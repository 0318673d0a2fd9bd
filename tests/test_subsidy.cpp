// 奖补: the subsidy rule read from programme.yaml, the 投入清单 read, and the amounts computed by
// hand below (rates, tiers, caps and the rounding to the fen), exactly.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "smedx/load.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"
#include "smedx/subsidy.h"

using namespace smedx;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

// The example programme with its subsidy section replaced by `subsidy`.
std::string programme_with(const std::string& subsidy) {
  std::string y = slurp(std::string(SMEDX_SOURCE_DIR) + "/programmes/dongying-2026/programme.yaml");
  const auto at = y.find("\nsubsidy:");
  REQUIRE(at != std::string::npos);
  return y.substr(0, at + 1) + subsidy;
}

const char* kRule = R"(subsidy:
  note: 测试规则
  categories:
    - {id: software, zh: 软件, eligible: true}
    - {id: hardware, zh: 硬件, eligible: false}
  rate_percent: 33.333
  cap: 1000
  tiers:
    - {level: 3, rate_percent: 50, cap: 2000}
  rounding: half_up
  payouts:
    - {id: p1, zh: 第一批, accepted_by: 2026-08-15}
    - {id: p2, zh: 第二批, accepted_by: 2026-12-31}
  fund:
    award: 1000
    lines:
      - {id: e, zh: 企业改造, amount: 799.99, enterprise: true}
      - {id: o, zh: 其他, amount: 200}
)";

// An example survey (examples/surveys/cohort.jsonl) relabelled.
std::string survey(const std::string& template_id, const std::string& id, const std::string& phase,
                   const std::string& on) {
  static const std::string cohort =
      slurp(std::string(SMEDX_SOURCE_DIR) + "/examples/surveys/cohort.jsonl");
  const auto at = cohort.find("\"id\":\"" + template_id + "\"");
  REQUIRE(at != std::string::npos);
  const auto start = cohort.rfind('\n', at) == std::string::npos ? 0 : cohort.rfind('\n', at) + 1;
  std::string line = cohort.substr(start, cohort.find('\n', at) - start);
  const auto answers = line.find("},\"answers\"");
  return "{\"enterprise\":{\"id\":\"" + id + "\",\"phase\":\"" + phase + "\",\"assessed_on\":\"" +
         on + "\"" + line.substr(answers) + "\n";
}

struct Run {
  ProgrammeLoad prog;
  LoadResult rules;
  Engine engine;
  Pilot pilot;
  PilotResult result;
  explicit Run(const std::string& subsidy)
      : prog(load_programme_from_string(programme_with(subsidy), "programme.yaml")),
        rules(load_rules(std::string(SMEDX_SOURCE_DIR) + "/indicators/miit-2024")),
        engine(rules.rules()),
        pilot(checked(prog), engine) {}
  static const Programme& checked(const ProgrammeLoad& p) {
    REQUIRE_MESSAGE(p.ok(), format_issues(p.issues));
    return *p.programme;
  }
  void add(void (Pilot::*f)(std::istream&, std::string_view, TableFormat), const std::string& text,
           const char* name, TableFormat format = TableFormat::csv) {
    std::istringstream in(text);
    (pilot.*f)(in, name, format);
  }
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const auto& e : pilot.errors())
      out.push_back(fmt::format("{}:{}: {}", e.where.file, e.where.line, e.message));
    return out;
  }
};

const char* kRegister =
    "id,name,industry,district,batch,tags,providers,contract_date,planned_end,investment,"
    "solutions\n"
    "E1,一号,chem_new_materials,河口区,batch1,,A,2026-03-01,2026-07-31,1,MES\n"
    "E2,二号,chem_new_materials,利津县,batch1,,A,2026-03-01,2026-07-31,1,MES\n"
    "E3,三号,equipment_parts,东营区,batch1,,A,2026-03-01,2026-07-31,1,MES\n"
    "E4,四号,equipment_parts,东营区,batch1,,A,2026-03-01,2026-07-31,1,MES\n"
    "E5,五号,equipment_parts,垦利区,batch2,,A,2026-12-01,2027-04-30,1,MES\n"
    "E6,六号,chem_new_materials,河口区,batch1,,A,2026-03-01,2026-07-31,1,MES\n";

// E1 at level 2, E2 and E3 at level 3, E4 below the target, E5 not yet accepted, E6 at level 3
// with no invoice on its only line.
Run example(const std::string& rule = kRule) {
  Run r(rule);
  r.add(&Pilot::add_providers, "id,name\nA,甲\n", "providers.csv");
  r.add(&Pilot::add_register, kRegister, "register.csv");
  std::string ev =
      "enterprise_id,baseline_report,acceptance_report,contract,invoices,investment_list,"
      "authenticity\n";
  for (const char* id : {"E1", "E2", "E3", "E4", "E6"})
    ev += std::string(id) + ",yes,yes,yes,yes,yes,yes\n";
  r.add(&Pilot::add_evidence, ev, "evidence.csv");
  r.add(&Pilot::add_investments,
        "enterprise_id,category,item,amount,invoice\n"
        "E1,software,许可,10.00,F1\n"
        "E1,software,云,0.05,F2\n"
        "E1,hardware,工控机,500,F3\n"
        "E2,software,许可,5000.00,F4\n"
        "E3,software,许可,3999.99,F5\n"
        "E4,software,许可,100,F6\n"
        "E6,software,许可,100,\n",
        "investments.csv");
  std::string s;
  for (const char* id : {"E1", "E2", "E3", "E4", "E6"})
    s += survey("CN-2025-006", id, "baseline", "2026-02-01");
  s += survey("CN-2025-003", "E1", "acceptance", "2026-08-10");
  s += survey("CN-2025-002", "E2", "acceptance", "2026-08-20");
  s += survey("CN-2025-002", "E3", "acceptance", "2027-01-05");
  s += survey("CN-2025-005", "E4", "acceptance", "2026-08-10");
  s += survey("CN-2025-002", "E6", "acceptance", "2026-08-10");
  std::istringstream in(s);
  r.pilot.add_surveys(in, "surveys.jsonl", InputFormat::jsonl, nullptr, 1);
  CHECK(r.errors() == std::vector<std::string>{});
  r.result = r.pilot.run();
  REQUIRE(r.result.subsidy);
  return r;
}

}  // namespace

TEST_SUITE("subsidy") {
  TEST_CASE("subsidy.amounts are read in fen exactly, and written back") {
    CHECK(parse_yuan("12345.67") == 1234567);
    CHECK(parse_yuan("0.5") == 50);
    CHECK(parse_yuan("300000") == 30000000);
    CHECK_FALSE(parse_yuan("1.234"));
    CHECK_FALSE(parse_yuan("-5"));
    CHECK_FALSE(parse_yuan("1e5"));
    CHECK_FALSE(parse_yuan("1."));
    CHECK_FALSE(parse_yuan(".5"));
    CHECK_FALSE(parse_yuan("12345678901234"));  // 14 digits of 元
    CHECK(yuan(1234567) == "12345.67");
    CHECK(yuan(5) == "0.05");
  }

  TEST_CASE("subsidy.hand-computed: rate, tiers, caps and rounding to the fen") {
    const Run r = example();
    const SubsidyResult& s = *r.result.subsidy;
    REQUIRE(s.enterprises.size() == 6);
    using St = SubsidyRecord::Status;
    // E1, level 2: base 10.00 + 0.05 = 1005 fen (the hardware 500 元 is outside);
    // 1005 × 33.333 % = 334.99665 fen, half up 335.
    const auto& e1 = s.enterprises[0];
    CHECK(e1.status == St::eligible);
    CHECK(e1.level == 2);
    CHECK(e1.invested_fen == 51005);
    CHECK(e1.base_fen == 1005);
    CHECK(e1.computed_fen == 335);
    CHECK(e1.subsidy_fen == 335);
    CHECK_FALSE(e1.capped);
    REQUIRE(e1.payout);
    CHECK(e1.payout->id == "p1");
    // E2, level 3: the tier's 50 % of 5000.00 = 2500.00 元, over the tier's cap of 2000 元.
    const auto& e2 = s.enterprises[1];
    CHECK(e2.status == St::eligible);
    CHECK(e2.tier->level == 3);
    CHECK(e2.computed_fen == 250000);
    CHECK(e2.subsidy_fen == 200000);
    CHECK(e2.capped);
    CHECK(e2.payout->id == "p2");
    // E3, level 3: 50 % of 3999.99 = 1999.995 元, half up to 2000.00: at the cap, not over it;
    // accepted after every payout batch.
    const auto& e3 = s.enterprises[2];
    CHECK(e3.computed_fen == 200000);
    CHECK(e3.subsidy_fen == 200000);
    CHECK_FALSE(e3.capped);
    CHECK(e3.payout == nullptr);
    CHECK(e3.reasons.back() == "验收日期晚于各兑现批次的截止日期，待排批次");
    // E4 failed (below level 2), E5 not accepted, E6 passed without an invoice number.
    CHECK(s.enterprises[3].status == St::ineligible);
    CHECK(s.enterprises[3].subsidy_fen == 0);
    CHECK(s.enterprises[3].reasons == std::vector<std::string>{"验收未通过"});
    CHECK(s.enterprises[4].status == St::pending);
    CHECK(s.enterprises[4].reasons == std::vector<std::string>{"尚未验收", "无投入清单"});
    const auto& e6 = s.enterprises[5];
    CHECK(e6.status == St::eligible);
    CHECK(e6.base_fen == 0);
    CHECK(e6.subsidy_fen == 0);
    CHECK(e6.reasons.front() == "投入清单中无可计入奖补基数的投入");
    // The ledger says why a line is outside the base.
    REQUIRE(s.ledger.size() == 7);
    CHECK(s.ledger[2].reason == "硬件不在奖补范围");
    CHECK(s.ledger[6].reason == "无发票号");
    CHECK(s.ledger[0].counted);
    // Totals: 335 + 200000 + 200000 fen.
    CHECK(s.total.subsidy_fen == 400335);
    CHECK(s.total.eligible == 4);
    CHECK(s.total.capped == 1);
    REQUIRE(s.by_payout.size() == 3);
    CHECK(s.by_payout[0].subsidy_fen == 335);
    CHECK(s.by_payout[1].subsidy_fen == 200000);
    CHECK(s.by_payout[2].zh == "待排批次");
    CHECK(s.by_industry[0].key == "chem_new_materials");
    CHECK(s.by_industry[0].subsidy_fen == 200335);
    // The fund split: 799.99 of 1000 元 is 79.999 %, short of 80 %, decided exactly.
    REQUIRE(s.split);
    CHECK_FALSE(s.split->met);
    CHECK(s.split->enterprise_percent.to_string() == "79.999");
    CHECK_FALSE(s.split->within);  // 4003.35 元 computed against 799.99 planned
  }

  TEST_CASE("subsidy.rounding down drops the fraction of a fen") {
    std::string rule = kRule;
    rule.replace(rule.find("half_up"), 7, "down");
    const Run r = example(rule);
    const SubsidyResult& s = *r.result.subsidy;
    CHECK(s.enterprises[0].computed_fen == 334);     // 334.99665
    CHECK(s.enterprises[2].computed_fen == 199999);  // 199999.5
    CHECK_FALSE(s.enterprises[2].capped);
  }

  TEST_CASE("subsidy.the 投入清单's bad lines are located errors, the rest kept") {
    Run r(kRule);
    r.add(&Pilot::add_providers, "id,name\nA,甲\n", "providers.csv");
    r.add(&Pilot::add_register, kRegister, "register.csv");
    r.add(&Pilot::add_investments,
          "enterprise_id,category,item,amount,invoice\n"
          "E1,sofware,许可,10,F1\n"
          "E1,software,许可,12.345,F2\n"
          "E9,software,许可,10,F3\n"
          "E1,software,许可,10,F4\n"
          "E2,software,许可,10,F4\n"
          "E1,software,许可,10,F4\n"
          "E1,software,许可,-5,F5\n",
          "investments.csv");
    CHECK(r.errors() ==
          std::vector<std::string>{
              "investments.csv:2: unknown category 'sofware' (did you mean 'software'?)",
              "investments.csv:3: amount '12.345' is not an amount in 元 (digits, at most 2 "
              "decimals)",
              "investments.csv:4: an investment of enterprise 'E9', which is not in the register",
              "investments.csv:6: invoice 'F4' is claimed by enterprise 'E1' too (line 5)",
              "investments.csv:7: the same line as line 5 (enterprise, category, item, amount and "
              "invoice): it would count twice",
              "investments.csv:8: amount '-5' is not an amount in 元 (digits, at most 2 decimals)",
          });
    CHECK(r.pilot.counts().investment_rows == 7);
    Run bad(kRule);
    bad.add(&Pilot::add_investments, "enterprise_id,category,amout,invoice\nE1,software,1,F\n",
            "investments.csv");
    REQUIRE(bad.errors().size() == 2);
    CHECK(bad.errors()[0] ==
          "investments.csv:1: unknown column 'amout' in the investments (did you mean "
          "'amount'?)");
  }

  TEST_CASE("subsidy.rule errors are located in programme.yaml") {
    auto first = [](const std::string& from, const std::string& to) {
      std::string rule = kRule;
      rule.replace(rule.find(from), from.size(), to);
      const auto r = load_programme_from_string(programme_with(rule), "programme.yaml");
      for (const auto& i : r.issues)
        if (i.severity == Severity::error) return i.message;
      return std::string();
    };
    CHECK(first("{level: 3,", "{level: 2,") ==
          "tier level 2 must be above 2 (eligible_level and the tiers before, in order)");
    CHECK(first("cap: 1000", "cap: 1000.001") ==
          "expected an amount in 元 for 'cap' (digits, at most 2 decimals), got '1000.001'");
    CHECK(first("amount: 200}", "amount: 200.02}") ==
          "the fund lines sum to 1000.01 元, more than the award (1000.00 元)");
    CHECK(first("rate_percent: 33.333", "rate_percent: 120") ==
          "'rate_percent' is 120, more than 100 percent");
    CHECK(first("rounding: half_up", "rounding: up") ==
          "expected 'half_up' or 'down' for 'rounding', got 'up'");
    CHECK(first("accepted_by: 2026-12-31", "accepted_by: 2026-08-01") ==
          "accepted_by 2026-08-01 is not after the batch before (2026-08-15)");
  }
}
