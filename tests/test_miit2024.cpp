// The bundled 2024 national rule set: loads clean and has the standard's shape and numbers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "smedx/load.h"
#include "smedx/summary.h"

namespace {
const smedx::LoadResult& miit() {
  static const smedx::LoadResult r = smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024");
  return r;
}
smedx::Decimal dec(const char* s) { return *smedx::Decimal::parse(s); }

const smedx::ScenarioLevel& level(const char* scenario, int l) {
  return miit().rules().find_scenario(scenario)->levels.at(static_cast<std::size_t>(l - 1));
}
bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }
std::size_t characters(const std::string& utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The published texts live beside the repository (shared/domain), in CI as here; the test that
// reads them is skipped, saying so, where they are absent. SMEDX_SHARED_DIR overrides the place.
std::filesystem::path platform_texts() {
  const char* dir = std::getenv("SMEDX_SHARED_DIR");
  const std::filesystem::path shared = dir ? dir : SMEDX_SOURCE_DIR "/../shared";
  return shared / "domain" / "miit-2024-platform-texts.md";
}

// Section 3 of the platform-texts file: "**<scenario zh>**" then "1. <text>" … "4. <text>",
// up to the table of differences. Returns (scenario zh, level) -> text.
std::map<std::pair<std::string, int>, std::string> published_level_texts(std::istream& in) {
  std::map<std::pair<std::string, int>, std::string> out;
  std::string line, scenario;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      in_section = line.rfind("## 3.", 0) == 0;
      continue;
    }
    if (!in_section) continue;
    if (line.rfind("**Differences", 0) == 0) break;
    if (line.size() > 4 && line.rfind("**", 0) == 0 && line.substr(line.size() - 2) == "**") {
      scenario = line.substr(2, line.size() - 4);
    } else if (!scenario.empty() && line.size() > 3 && line[0] >= '1' && line[0] <= '9' &&
               line.compare(1, 2, ". ") == 0) {
      out[{scenario, line[0] - '0'}] = line.substr(3);
    }
  }
  return out;
}
}  // namespace

TEST_SUITE("miit-2024") {
  TEST_CASE("miit2024.loads without a single issue") {
    INFO(smedx::format_issues(miit().issues()));
    CHECK(miit().ok());
    CHECK(miit().issues().empty());
    CHECK(miit().rules().meta.id == "miit-2024");
  }

  TEST_CASE("miit2024.dimensions are 50, 30 and 20 points") {
    const auto& r = miit().rules();
    REQUIRE(r.dimensions.size() == 3);
    CHECK(r.dimensions[0].id == "foundation");
    CHECK(r.dimensions[0].max == dec("50"));
    CHECK(r.dimensions[1].id == "management");
    CHECK(r.dimensions[1].max == dec("30"));
    CHECK(r.dimensions[2].id == "outcomes");
    CHECK(r.dimensions[2].max == dec("20"));
    CHECK(r.max_points() == dec("100"));
  }

  TEST_CASE("miit2024.fifteen items with the canonical codes") {
    const auto items = miit().rules().items();
    std::string codes;
    for (const auto* i : items) codes += i->code + " ";
    CHECK(codes == "F1 F2 F3 F4 F5 F6 F7 M1 M2 M3 M4 R1 R2 R3 R4 ");
  }

  TEST_CASE("miit2024.data collection reaches exactly 10 with 13 x 0.7 + 0.9") {
    const auto* f4 = miit().rules().find_item("F4");
    REQUIRE(f4);
    CHECK(f4->kind == smedx::ItemKind::multi);
    REQUIRE(f4->options.size() == 15);
    smedx::Decimal sum;
    for (const auto& o : f4->options) sum += o.points;
    CHECK(sum == dec("10"));
    CHECK(f4->options[14].points == dec("0.9"));
    CHECK(f4->options[1].scenario == "product_design");
  }

  TEST_CASE("miit2024.band items share the five bands of the standard") {
    for (const char* code : {"F2", "F3", "M4"}) {
      const auto* item = miit().rules().find_item(code);
      REQUIRE(item);
      CHECK(item->kind == smedx::ItemKind::band);
      REQUIRE(item->options.size() == 5);
      CHECK(item->options[0].upper == dec("10"));
      CHECK(item->options[4].lower == dec("60"));
      CHECK(item->options[4].upper == dec("100"));
    }
  }

  TEST_CASE("miit2024.trend items say which direction is better") {
    CHECK(miit().rules().find_item("R1")->better == smedx::Better::lower);
    CHECK(miit().rules().find_item("R2")->better == smedx::Better::higher);
    CHECK(miit().rules().find_item("R3")->better == smedx::Better::higher);
    CHECK(miit().rules().find_item("R4")->better == smedx::Better::lower);
  }

  TEST_CASE("miit2024.sixteen scenarios, ten of them constraint") {
    const auto& r = miit().rules();
    CHECK(r.scenarios.size() == 16);
    CHECK(r.constraint_count() == 10);
    CHECK(r.find_scenario("S01")->id == "product_design");
    CHECK(r.find_scenario("S16")->id == "decision_support");
    for (const auto& s : r.scenarios) CHECK(s.levels.size() == 4);
  }

  TEST_CASE("miit2024.level rule thresholds") {
    const auto& levels = miit().rules().level_rule.levels;
    REQUIRE(levels.size() == 4);
    const int expected[4][3] = {{20, 6, 3}, {40, 6, 3}, {60, 8, 5}, {80, 10, 6}};
    for (int l = 0; l < 4; ++l) {
      CHECK(levels[l].min_points == smedx::Decimal::from_int(expected[l][0]));
      CHECK(levels[l].min_scenarios == expected[l][1]);
      CHECK(levels[l].min_constraint == expected[l][2]);
    }
    CHECK(miit().rules().level_rule.no_level_zh == "无等级");
  }

  TEST_CASE("miit2024.consistency: the F1 rule and the plausibility checks are warnings") {
    const auto& rules = miit().rules().consistency;
    REQUIRE(rules.size() == 16);  // F1 E needs B-D; 14 F4 areas vs scenarios at 3+; F5 none
    CHECK(rules[0].id == "network_e_needs_b_c_d");
    CHECK(rules[0].when.item == "network");
    CHECK(rules.back().id == "systems_for_scenarios");
    for (const auto& r : rules) CHECK(r.severity == smedx::Severity::warning);
  }

  TEST_CASE("miit2024.diagnosis settings and industry profiles") {
    const auto& r = miit().rules();
    CHECK(r.diagnosis.present);
    CHECK(r.diagnosis.target == 2);
    REQUIRE(r.profiles.size() == 3);
    const auto* chem = r.find_profile("chem_new_materials");
    REQUIRE(chem);
    CHECK(chem->zh == "特色化工新材料制造");
    CHECK(std::find(chem->emphasis.begin(), chem->emphasis.end(), "safety") !=
          chem->emphasis.end());
    CHECK(r.find_profile("default"));
  }

  TEST_CASE("miit2024.summary names the four thresholds") {
    const std::string s = smedx::summarize(miit().rules());
    CHECK(s.find(">= 80   >= 10") != std::string::npos);
    CHECK(s.find(">= 20   >= 6") != std::string::npos);
  }

  TEST_CASE("miit2024.every scenario level has a full text and a shorter chart label") {
    for (const auto& s : miit().rules().scenarios) {
      for (std::size_t l = 0; l < s.levels.size(); ++l) {
        INFO(s.id << " level " << l + 1);
        CHECK_FALSE(s.levels[l].zh.empty());
        CHECK_FALSE(s.levels[l].zh_short.empty());
        CHECK(characters(s.levels[l].zh_short) < characters(s.levels[l].zh));
        CHECK(s.levels[l].short_zh() == s.levels[l].zh_short);
      }
    }
  }

  TEST_CASE("miit2024.level texts say what the questionnaire says") {
    // Paraphrases once changed these meanings; the full text and the label both carry them.
    CHECK(level("planning_scheduling", 3).zh ==
          "应用信息化系统实现基于物料安全库存、销售订单、采购提前期、生产交期等多约束条件自动生"
          "成生产计划，并实现生产计划的下达与执行。");
    CHECK(contains(level("planning_scheduling", 3).zh_short, "采购提前期"));
    CHECK(contains(level("planning_scheduling", 3).zh_short, "自动"));
    CHECK_FALSE(contains(level("planning_scheduling", 3).zh_short, "生产周期"));
    // Energy level 1 needs IT tools: paper records do not reach it.
    CHECK(level("energy", 1).zh ==
          "应用信息技术工具（如电子表格、云存储等）辅助人工进行能耗数据记录。");
    CHECK(contains(level("energy", 1).zh_short, "信息技术工具"));
    // Equipment level 1: the ledger is made with IT tools.
    CHECK(contains(level("equipment", 1).zh, "应用信息技术工具辅助制定设备管理台账"));
    CHECK(contains(level("equipment", 1).zh_short, "信息技术工具"));
    CHECK(contains(level("product_design", 2).zh, "管理标准，并有效执行"));
    CHECK(contains(level("after_sales", 2).zh_short, "工艺"));
    CHECK_FALSE(contains(level("warehousing_logistics", 2).zh_short, "全部"));
    CHECK(contains(level("human_resources", 4).zh_short, "智能招聘"));
    CHECK(contains(level("finance", 3).zh_short, "辅助决策"));
    // Double-width semicolon and the space after it, as published.
    CHECK(level("quality", 4).zh ==
          "应用前沿技术（如视觉质检）开展产品质量检测，提升检测效率和检测水平，开展产业链上下游质"
          "量数据跨企业共享； 或构建产品质量管理模型，实现产品质量影响因素识别及缺陷预测性分析。");
    CHECK(level("product_design", 1).zh ==
          "通过设计软件工具（如CAD、CAE、EDA等）辅助开展产品设计。");
  }

  TEST_CASE("miit2024.all 64 level texts equal the published questionnaire") {
    std::ifstream in(platform_texts());
    if (!in) {
      MESSAGE("skipped: " << platform_texts().string() << " not found (set SMEDX_SHARED_DIR)");
      return;
    }
    const auto published = published_level_texts(in);
    CHECK(published.size() == 64);
    std::size_t compared = 0;
    for (const auto& s : miit().rules().scenarios) {
      for (std::size_t l = 0; l < s.levels.size(); ++l) {
        auto it = published.find({s.zh, static_cast<int>(l + 1)});
        INFO(s.id << " level " << l + 1);
        REQUIRE(it != published.end());
        CHECK(s.levels[l].zh == it->second);
        ++compared;
      }
    }
    CHECK(compared == 64);
  }

  TEST_CASE("miit2024.questions and options as worded in the questionnaire") {
    const auto& r = miit().rules();
    CHECK(r.find_item("F5")->question ==
          "企业使用本地或云化部署的信息化服务，实现业务的数字化管理情况");
    CHECK(r.find_item("R1")->question ==
          "企业数字化改造后每百元营业收入中综合能源消费量相比于改造前的变化情况");
    CHECK(
        contains(r.find_item("M4")->question, "（企业成立不满三年按照实际成立时长计算年均投入）"));
    CHECK(r.find_item("F2")->find_option('A')->zh == "[0-10%]");
    CHECK(r.find_item("F6")->find_option('E')->zh ==
          "建立网络边界安全访问控制能力，及网络关键节点入侵检测和恶意代码检测能力");
    CHECK(r.find_item("M3")->find_option('D')->zh == "定期对员工开展数字化方面培训");
    // M1 F keeps the on-site tool's reading; the note says why and gives the other.
    CHECK(r.find_item("M1")->find_option('F')->zh == "已经能够输出数字化转型成果或经验供同行借鉴");
    const auto& notes = r.meta.notes;
    auto note = std::find_if(notes.begin(), notes.end(),
                             [](const smedx::Note& n) { return n.id == "m1_option_f"; });
    REQUIRE(note != notes.end());
    CHECK(contains(note->text, "定期组织员工去数字化建设成效较好的同行业公司参观交流"));
  }
}
