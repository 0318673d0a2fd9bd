// Diagnosis paths: they reach the target, and no cheaper path exists (brute force on a small
// rule set); requirements and the enterprise file's shape; the cohort driver.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <set>
#include <span>
#include <sstream>

#include "common/html_escape.h"
#include "diagnose/report_html.h"
#include "smedx/batch.h"
#include "smedx/cohort.h"
#include "smedx/diagnose_cohort.h"
#include "smedx/diagnosis.h"
#include "smedx/load.h"
#include "smedx/output_files.h"
#include "smedx/record.h"
#include "smedx/report.h"
#include "smedx/survey_text.h"
#include "support.h"

namespace {

namespace fs = std::filesystem;

const smedx::RuleSet& small() {
  static const smedx::LoadResult r =
      smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/diagnosis.yaml");
  return r.rules();
}

// A random valid survey of `rules`.
smedx::Survey random_survey(const smedx::RuleSet& rules, std::mt19937& rng, int n) {
  smedx::Survey s;
  s.enterprise_id = "R" + std::to_string(n);
  s.enterprise = {{"industry", n % 3 == 0 ? "fast" : "other"}};
  for (const smedx::Item* item : rules.items()) {
    smedx::Answer a;
    const int options = static_cast<int>(item->options.size());
    if (item->kind == smedx::ItemKind::multi) {
      a.list = true;
      for (int k = 1; k < options; ++k)
        if (rng() % 2) a.letters.push_back(static_cast<char>('A' + k));
      if (a.letters.empty() || rng() % 6 == 0) a.letters = {'A'};
    } else {
      a.letters = {static_cast<char>('A' + rng() % options)};
    }
    s.answers.emplace_back(item->id, a);
  }
  for (const auto& sc : rules.scenarios)
    s.scenarios.emplace_back(sc.id, static_cast<int>(rng() % (rules.level_rule.top_level() + 1)));
  return s;
}

// The least cost of reaching `target` by trying every combination of raises and upgrades
// (scenarios raised to any level up to the target; items to any answer at least as good).
std::optional<std::int64_t> brute_force(const smedx::CodedSurvey& c, int target,
                                        const smedx::RuleSet& rules,
                                        const smedx::IndustryProfile* profile) {
  if (target > rules.level_rule.top_level()) return std::nullopt;  // no such level
  const auto items = rules.items();
  // Per item: every reachable answer with its points and cost (millionths).
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> item_choices;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const smedx::Item& it = *items[i];
    auto points = [&](std::uint32_t mask) {
      std::int64_t p = 0;
      for (std::size_t k = 0; k < it.options.size(); ++k)
        if (mask & (1u << k)) p += it.options[k].points.thousandths();
      return p;
    };
    const std::int64_t now = points(c.selected[i]);
    std::vector<std::pair<std::int64_t, std::int64_t>> choices;
    const std::uint32_t all = (1u << it.options.size()) - 1;
    for (std::uint32_t m = 1; m <= all; ++m) {
      bool ok;
      if (it.kind == smedx::ItemKind::multi) {
        const bool none_only = c.selected[i] == 1u;
        ok = (m == c.selected[i]) ||
             (!(m & 1u) && (none_only || (m & c.selected[i]) == c.selected[i]));
      } else {
        ok = std::popcount(m) == 1 && points(m) >= now;
      }
      if (!ok) continue;
      const std::int64_t gain = points(m) - now;
      choices.emplace_back(points(m), gain * rules.diagnosis.item_point.thousandths());
    }
    item_choices.push_back(choices);
  }
  std::optional<std::int64_t> best;
  const std::size_t nsc = rules.scenarios.size();
  std::vector<int> to(nsc);
  std::function<void(std::size_t, std::int64_t)> scen = [&](std::size_t s, std::int64_t cost) {
    if (s == nsc) {
      // Items: every combination.
      std::function<void(std::size_t, std::int64_t, std::int64_t)> item =
          [&](std::size_t i, std::int64_t pts, std::int64_t cst) {
            if (i == items.size()) {
              int at = 0, con = 0;
              for (std::size_t k = 0; k < nsc; ++k)
                if (to[k] >= target) {
                  ++at;
                  con += rules.scenarios[k].constraint;
                }
              const auto& req = rules.level_rule.levels[static_cast<std::size_t>(target - 1)];
              if (pts >= req.min_points.thousandths() && at >= req.min_scenarios &&
                  con >= req.min_constraint)
                if (!best || cst < *best) best = cst;
              return;
            }
            for (auto [p, k] : item_choices[i]) item(i + 1, pts + p, cst + k);
          };
      item(0, 0, cost);
      return;
    }
    for (int l = c.levels[s]; l <= std::max<int>(c.levels[s], target); ++l) {
      smedx::Decimal step = rules.diagnosis.scenario_level_step;
      if (profile)
        for (const auto& [id, v] : profile->scenario_costs)
          if (id == rules.scenarios[s].id) step = v;
      to[s] = l;
      scen(s + 1, cost + (l - c.levels[s]) * step.thousandths() * 1000);
    }
  };
  scen(0, 0);
  return best;
}

// The example cohort `copies` times over, each copy followed by a line that does not read.
std::string cohort_copies(int copies) {
  std::ifstream file(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
  std::stringstream text;
  text << file.rdbuf();
  std::string out;
  for (int k = 0; k < copies; ++k) out += text.str() + "{not json\n";
  return out;
}

std::vector<std::string> json_of(const std::vector<smedx::Diagnosis>& diagnoses) {
  std::vector<std::string> out;
  for (const auto& d : diagnoses) out.push_back(smedx::to_json(d));
  return out;
}

}  // namespace

TEST_SUITE("diagnosis") {
  TEST_CASE("diagnosis.no cheaper path exists: brute force over a small rule set") {
    const smedx::Engine engine(small());
    const smedx::Diagnoser diagnoser(engine);
    std::mt19937 rng(20261127);
    int reachable = 0, already = 0, unreachable = 0;
    for (int n = 0; n < 600; ++n) {
      const smedx::CodedSurvey c = engine.code(random_survey(small(), rng, n));
      REQUIRE(c.ok());
      const int target = 1 + n % 4;  // 4 is beyond this rule set's levels: unreachable
      const auto* profile = diagnoser.profile_for(n % 3 == 0 ? "fast" : "other");
      const smedx::Path path = diagnoser.path(c, target, profile);
      const auto best = brute_force(c, target, small(), profile);
      CAPTURE(n);
      CAPTURE(target);
      if (path.status == smedx::PathStatus::already) {
        ++already;
        CHECK(best == std::int64_t{0});
        continue;
      }
      if (path.status == smedx::PathStatus::unreachable) {
        ++unreachable;
        CHECK_FALSE(best);
        continue;
      }
      ++reachable;
      REQUIRE(best);
      CHECK(path.cost.millionths == *best);
      // And it gets there when applied (the diagnoser checks this too).
      const auto after = smedx::Diagnoser::apply(c, path, small());
      smedx::BlockScores s;
      engine.score_block(std::span<const smedx::CodedSurvey>(&after, 1), s);
      CHECK(s.level[0] >= target);
    }
    CHECK(reachable > 100);  // the sample really exercises all three outcomes
    CHECK(already > 20);
    CHECK(unreachable > 0);
  }

  TEST_CASE("diagnosis.applying the path reaches the target, for thousands of 2024 surveys") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    std::mt19937 rng(7);
    int reachable = 0;
    for (int n = 0; n < 3000; ++n) {
      smedx::Survey s = random_survey(engine.rules(), rng, n);
      s.enterprise = {{"industry", n % 2 ? "chem_new_materials" : "equipment_parts"}};
      const int target = 1 + n % 4;
      const smedx::Diagnosis d = diagnoser.diagnose(s, target);
      REQUIRE(d.assessment.ok());
      if (d.path.status != smedx::PathStatus::reachable) continue;
      ++reachable;
      const auto after = smedx::Diagnoser::apply(engine.code(s), d.path, engine.rules());
      smedx::BlockScores scores;
      engine.score_block(std::span<const smedx::CodedSurvey>(&after, 1), scores);
      CHECK(scores.level[0] >= target);
      CHECK(d.requirements.size() == d.path.changes.size());
    }
    CHECK(reachable > 1000);
  }

  TEST_CASE("diagnosis.on a tie the plan keeps the earlier item and the lower option") {
    // Many plans cost the same; the one chosen is fixed (the search's order decides), so the
    // files of a cohort do not change when the search gets faster.
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    std::ifstream file(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
    std::string plans;
    std::istringstream in(std::string(std::istreambuf_iterator<char>(file), {}));
    smedx::visit_stream(
        engine, in, "cohort", smedx::InputFormat::jsonl, [&](const smedx::CodedSurvey& c) {
          std::string line;
          for (const auto& ch : diagnoser.diagnose(c, 4).path.changes) {
            if (ch.kind != smedx::Change::Kind::item) continue;
            line += " " + ch.code + ":" + std::string(ch.from.begin(), ch.from.end()) + ">" +
                    std::string(ch.to.begin(), ch.to.end());
          }
          if (!line.empty()) plans += c.enterprise_id + line + "\n";
        });
    CHECK(plans ==
          "CN-2025-002 F2:D>E F3:D>E F4:GHIJKLMN>GHIJKLMNO F6:BCD>BCDE M2:BCD>BCDE M4:A>E\n"
          "CN-2025-003 F1:BC>BCD F2:C>E F3:B>E F5:C>E F6:BC>BCD M1:D>F M2:BC>BCDE M3:B>BCD M4:A>E "
          "R2:A>C\n"
          "CN-2025-004 F1:BC>BCDE F3:C>E F5:C>E F6:BC>BCD M1:D>F M4:A>E R2:B>C R4:A>C\n"
          "CN-2025-005 F1:B>BCDE F2:B>E F3:A>E F4:JN>BCDJN F5:C>E F6:C>BC M1:C>F M2:A>BCDE M4:A>E "
          "R1:B>C R2:B>C R4:A>C\n"
          "CN-2025-006 F1:B>BCDE F2:B>E F3:A>E F5:B>E F6:C>BCDE F7:A>BC M1:B>F M2:A>BCDE M3:A>B "
          "M4:A>E R1:A>C R2:B>C R3:A>C\n"
          "EP-2025-002 F4:CFGHIMN>BCFGHIMNO F5:D>E M2:BCD>BCDE M4:A>E R1:B>C\n"
          "EP-2025-003 F1:BC>BCDE F3:C>E F5:C>E F6:BC>BCD M1:D>F M4:B>E R1:B>C\n"
          "EP-2025-004 F1:BCE>BCDE F2:C>E F3:C>E F4:GHIM>BGHIM F5:C>E F6:BC>BCDE M1:D>F M4:A>E "
          "R2:B>C\n"
          "EP-2025-005 F1:B>BCDE F2:C>E F3:B>E F4:GN>BCDGN F5:B>E M1:C>F M2:A>BCDE M3:B>BC M4:A>E "
          "R1:B>C R3:A>C\n"
          "EP-2025-006 F1:BC>BCDE F2:C>E F3:B>E F4:G>BCDEG F5:C>E F6:C>BC M1:B>F M2:A>BCDE "
          "M3:A>BC M4:A>E R1:B>C R2:B>C R4:A>C\n");
  }

  TEST_CASE("diagnosis.a path made again from its plan is the path found by the search") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    std::mt19937 rng(3);
    int reused = 0;
    smedx::PathPlan previous;
    for (int n = 0; n < 400; ++n) {
      smedx::Survey s = random_survey(engine.rules(), rng, n);
      s.enterprise = {{"industry", n % 2 ? "chem_new_materials" : "equipment_parts"}};
      const smedx::CodedSurvey c = engine.code(s);
      const int target = 1 + n % 4;
      const smedx::Diagnosis searched = diagnoser.diagnose(c, target);
      CAPTURE(n);
      if (searched.path.status != smedx::PathStatus::reachable) {
        CHECK(searched.path.plan.survey == 0);
        continue;
      }
      const smedx::PathPlan& plan = searched.path.plan;
      CHECK(plan.survey != 0);
      CHECK(plan.steps.size() == searched.path.changes.size());
      CHECK(smedx::to_json(diagnoser.diagnose(c, target, &plan)) == smedx::to_json(searched));
      // Another survey's plan, or this one's for another target, is not used: searched again.
      CHECK(smedx::to_json(diagnoser.diagnose(c, target, &previous)) == smedx::to_json(searched));
      if (target < 4)
        CHECK(smedx::to_json(diagnoser.diagnose(c, target + 1, &plan)) ==
              smedx::to_json(diagnoser.diagnose(c, target + 1)));
      // The plan is what the path is made from: a changed cost shows in it.
      smedx::PathPlan changed = plan;
      changed.steps.front().cost.millionths += 1;
      CHECK(diagnoser.path(c, target, diagnoser.profile_for(searched.industry), &changed)
                .cost.millionths == searched.path.cost.millionths + 1);
      previous = plan;
      ++reused;
    }
    CHECK(reused > 100);
  }

  TEST_CASE("diagnosis.no cheaper path exists when item costs are too large to pack") {
    // The small rule set with points x1000 and an item point costing 10^6: paths cost over 2^46
    // millionths, beyond the search's packed states; the search is still exact.
    static const smedx::LoadResult costly =
        smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/diagnosis-costly.yaml");
    REQUIRE(costly.ok());
    const smedx::Engine engine(costly.rules());
    const smedx::Diagnoser diagnoser(engine);
    std::mt19937 rng(20261201);
    int reachable = 0;
    for (int n = 0; n < 300; ++n) {
      const smedx::CodedSurvey c = engine.code(random_survey(costly.rules(), rng, n));
      REQUIRE(c.ok());
      const int target = 1 + n % 3;
      const auto* profile = diagnoser.profile_for(n % 3 == 0 ? "fast" : "other");
      const smedx::Path path = diagnoser.path(c, target, profile);
      if (path.status != smedx::PathStatus::reachable) continue;
      CAPTURE(n);
      const auto best = brute_force(c, target, costly.rules(), profile);
      REQUIRE(best);
      CHECK(path.cost.millionths == *best);
      if (path.cost.millionths >= (std::int64_t{1} << 46)) ++reachable;
    }
    CHECK(reachable > 50);
  }

  TEST_CASE("diagnosis.already at the target, and a target that does not exist") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    const auto parsed = smedx::parse_survey_json(
        R"({"enterprise":{"id":"X","industry":"steel"},"answers":{"F1":["B","C","D","E"],"F2":"E","F3":"E","F4":["B","C","D","E","F","G","H","I","J","K","L","M","N","O"],"F5":"E","F6":["B","C","D","E"],"F7":["B","C","D","E"],"M1":"F","M2":["B","C","D","E"],"M3":["B","C","D","E","F"],"M4":"E","R1":"C","R2":"C","R3":"C","R4":"C"},"scenarios":{"S01":4,"S02":4,"S03":4,"S04":4,"S05":4,"S06":4,"S07":4,"S08":4,"S09":4,"S10":4,"S11":4,"S12":4,"S13":4,"S14":4,"S15":4,"S16":4}})");
    REQUIRE(parsed.survey);
    const auto top = diagnoser.diagnose(*parsed.survey, 4);
    CHECK(top.path.status == smedx::PathStatus::already);
    CHECK(top.profile == "default");
    REQUIRE(top.warnings.size() == 1);
    CHECK(top.warnings[0].message == "unknown industry 'steel': the default profile is used");
    const auto five = diagnoser.diagnose(*parsed.survey, 5);
    CHECK(five.path.status == smedx::PathStatus::unreachable);
    CHECK(five.path.reason == "level 5 does not exist: the levels are 1–4");
  }

  TEST_CASE("diagnosis.requirements say what the target means and what to prepare") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    std::mt19937 rng(3);
    smedx::Survey s = random_survey(engine.rules(), rng, 1);
    s.enterprise = {{"industry", "chem_new_materials"}};
    for (auto& [id, level] : s.scenarios) level = 0;  // nothing reached: scenarios must be raised
    const auto d = diagnoser.diagnose(s, 2);
    REQUIRE(d.path.status == smedx::PathStatus::reachable);
    REQUIRE_FALSE(d.requirements.empty());
    const auto& first = d.requirements.front();
    CHECK(first.priority == "high");
    CHECK(first.change.kind == smedx::Change::Kind::scenario);
    const auto* sc = engine.rules().find_scenario(first.change.id);
    CHECK(first.meaning == sc->levels[1].zh);
    CHECK(first.evidence == sc->levels[1].evidence);
    // The chemical profile makes its emphasis scenarios cheaper: they are what gets raised.
    const auto* chem = engine.rules().find_profile("chem_new_materials");
    int emphasised = 0;
    for (const auto& ch : d.path.changes)
      emphasised +=
          std::find(chem->emphasis.begin(), chem->emphasis.end(), ch.id) != chem->emphasis.end();
    CHECK(emphasised >= 3);
    const std::string json = smedx::to_json(d);
    CHECK(json.find("\"path\":{\"target\":2,\"status\":\"reachable\"") != std::string::npos);
    const std::string html = smedx::enterprise_html(d, engine.rules());
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("转型需求") != std::string::npos);
    // The industry by its Chinese name, not its id.
    CHECK(html.find("<p>行业：特色化工新材料制造｜") != std::string::npos);
    CHECK(html.find("chem_new_materials") == std::string::npos);
  }

  TEST_CASE("diagnosis.reports give a level's full text; the chart its short label") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    const auto& rules = engine.rules();
    const auto* energy = rules.find_scenario("energy");
    std::mt19937 rng(5);
    smedx::Cohort cohort(rules, *smedx::Decimal::parse("0.5"), false);
    std::vector<smedx::Diagnosis> all;
    for (int n = 0; n < 2; ++n) {
      smedx::Survey s = random_survey(rules, rng, n);
      s.enterprise = {{"industry", "chem_new_materials"}};
      for (auto& [id, level] : s.scenarios) level = id == "energy" ? 1 : 0;
      all.push_back(diagnoser.diagnose(s, 2));
      cohort.add(all.back());
    }
    for (auto& d : all) cohort.tag(d);
    const smedx::Diagnosis& d = all.front();
    REQUIRE(d.path.status == smedx::PathStatus::reachable);
    const std::string html = smedx::enterprise_html(d, rules);
    // The scenario table: what energy's level 1 means now, and what level 2 asks, in full.
    CHECK(html.find("<h2>场景现状</h2>") != std::string::npos);
    CHECK(html.find("<td>" + energy->levels[0].zh + "</td>") != std::string::npos);
    CHECK(html.find("<td>" + energy->levels[1].zh + "</td>") != std::string::npos);
    CHECK(html.find("<td>S01</td><td>产品设计★</td><td>0级</td><td><span class='muted'>未达到1级"
                    "</span></td><td>" +
                    rules.find_scenario("product_design")->levels[1].zh + "</td></tr>") !=
          std::string::npos);
    // Each requirement's meaning is the full text of its target level.
    for (const auto& r : d.requirements) {
      if (r.change.kind != smedx::Change::Kind::scenario) continue;
      const auto* sc = rules.find_scenario(r.change.id);
      CHECK(r.meaning == sc->levels[1].zh);
      CHECK(html.find("<td>" + r.meaning + "</td>") != std::string::npos);
    }
    // The chart's tooltip uses the short label, never the full text.
    CHECK(html.find("<title>能耗管理 1级：" + energy->levels[0].zh_short + "</title>") !=
          std::string::npos);
    CHECK(html.find("<title>产品设计 未达到1级</title>") != std::string::npos);
    CHECK(html.find("1级：" + energy->levels[0].zh + "</title>") == std::string::npos);
    // The cohort file: a common scenario requirement with the full text of the target level.
    const std::string cohort_html = smedx::cohort_html(cohort, rules, 2);
    CHECK(cohort_html.find("<th>2级要求</th>") != std::string::npos);
    bool any_scenario = false;
    for (const auto& r : d.requirements) {
      if (r.change.kind != smedx::Change::Kind::scenario || !r.common) continue;
      any_scenario = true;
      CHECK(cohort_html.find("<td>" + r.meaning + "</td></tr>") != std::string::npos);
    }
    CHECK(any_scenario);
  }

  TEST_CASE("diagnosis.html escaping copies plain runs and replaces the five specials") {
    CHECK(smedx::detail::html_escape("") == "");
    CHECK(smedx::detail::html_escape("华信 A&B <x> \"q\" 'y'") ==
          "华信 A&amp;B &lt;x&gt; &quot;q&quot; &#39;y&#39;");
    std::string out = "<p>";
    smedx::detail::html_escape_to(out, "&&");
    CHECK(out == "<p>&amp;&amp;");
  }

  TEST_CASE("diagnosis.one report of a rule set renders every enterprise's file whole") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    const smedx::detail::EnterpriseHtml report(engine.rules());
    std::mt19937 rng(11);
    std::string buffer = "left over";
    for (int n = 0; n < 40; ++n) {
      smedx::Survey s = random_survey(engine.rules(), rng, n);
      s.enterprise_id = n % 2 ? "A&B <co>" : "E" + std::to_string(n);
      s.enterprise = {{"industry", n % 3 ? "chem_new_materials" : "nowhere"}, {"name", "'x'"}};
      const smedx::Diagnosis d = diagnoser.diagnose(s, 1 + n % 4);
      CAPTURE(n);
      buffer.clear();  // the CLI reuses one buffer per slot
      report.render(d, buffer);
      CHECK(buffer == smedx::enterprise_html(d, engine.rules()));
      CHECK(buffer.starts_with("<!DOCTYPE html>"));
      CHECK(buffer.ends_with("</body></html>"));
      if (n % 2) {
        // The page is titled by the enterprise's name; its id stands beside it, both escaped.
        CHECK(buffer.find("<title>&#39;x&#39; 数字化水平诊断</title>") == 62);
        CHECK(buffer.find("<h1>&#39;x&#39; 数字化水平诊断（一企一档）</h1><p>企业编号：<span "
                          "class='id'>A&amp;B &lt;co&gt;</span>") != std::string::npos);
      }
    }
  }

  TEST_CASE("diagnosis.common requirements need the threshold share of the group") {
    const smedx::Engine engine(small());
    const smedx::Diagnoser diagnoser(engine);
    smedx::Cohort cohort(small(), *smedx::Decimal::parse("0.5"), false);
    std::mt19937 rng(11);
    std::vector<smedx::Diagnosis> all;
    for (int n = 0; n < 40; ++n) {
      smedx::Survey s = random_survey(small(), rng, n);
      all.push_back(diagnoser.diagnose(s, 3));
      cohort.add(all.back());
    }
    for (auto& d : all) {
      cohort.tag(d);
      const auto& g = cohort.groups().at(cohort.group_of(d));
      for (const auto& r : d.requirements) {
        const auto key =
            (r.change.kind == smedx::Change::Kind::scenario ? "scenario:" : "item:") + r.change.id;
        const int count = g.requirements.at(key).count;
        CHECK(r.common == (count >= 2 && 2 * count >= g.scored));
      }
    }
  }

  TEST_CASE("diagnosis.a cohort counts the same from brief diagnoses as from full ones") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    std::ifstream file(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
    std::stringstream text;
    text << file.rdbuf() << "{not json\n";
    for (bool by_district : {false, true}) {
      for (int target : {2, 3, 4}) {
        CAPTURE(by_district);
        CAPTURE(target);
        smedx::Cohort full(engine.rules(), *smedx::Decimal::parse("0.5"), by_district);
        smedx::Cohort brief(engine.rules(), *smedx::Decimal::parse("0.5"), by_district);
        std::istringstream in(text.str());
        std::size_t changes = 0;
        smedx::visit_stream(
            engine, in, "cohort", smedx::InputFormat::jsonl, [&](const smedx::CodedSurvey& c) {
              const smedx::Diagnosis d = diagnoser.diagnose(c, target);
              const smedx::Diagnosis b =
                  diagnoser.diagnose(c, target, nullptr, smedx::DiagnosisDetail::cohort);
              CHECK(smedx::Cohort::label(b) == smedx::Cohort::label(d));
              CHECK(b.path.plan.steps.size() == d.path.plan.steps.size());
              CHECK(b.path.plan.survey == d.path.plan.survey);
              changes += d.path.changes.size();
              full.add(d);
              brief.add(b);
            });
        CHECK(changes > 0);
        CHECK(brief.to_json() == full.to_json());
        CHECK(smedx::cohort_html(brief, engine.rules(), target) ==
              smedx::cohort_html(full, engine.rules(), target));
      }
    }
  }

  TEST_CASE("diagnosis.a cohort diagnosed on worker threads equals one diagnosed in turn") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    const std::string input = cohort_copies(8);
    // The cohort made by hand, one survey after the other: every survey counted, then tagged.
    std::vector<smedx::Diagnosis> in_turn;
    smedx::Cohort expected_cohort(engine.rules(), *smedx::Decimal::parse("0.5"), false);
    {
      std::istringstream in(input);
      smedx::visit_stream(engine, in, "cohort", smedx::InputFormat::jsonl,
                          [&](const smedx::CodedSurvey& c) {
                            in_turn.push_back(diagnoser.diagnose(c, 2));
                            expected_cohort.add(in_turn.back());
                          });
    }
    std::vector<std::string> expected;
    for (auto& d : in_turn) {
      expected_cohort.tag(d);
      expected.push_back(smedx::to_json(d));
    }
    REQUIRE(expected.size() == 8 * 13);
    const smedx::CohortDiagnoser cohorts(engine, 2);
    const smedx::SurveySource source =
        smedx::SurveySource::text(input, "cohort", smedx::InputFormat::jsonl);
    for (unsigned threads : {1u, 2u, 3u}) {
      for (std::size_t block : {1u, 7u, 4096u}) {
        CAPTURE(threads);
        CAPTURE(block);
        smedx::CohortOptions options;
        options.batch.threads = threads;
        options.batch.block_size = block;
        const smedx::CohortRun run = cohorts.run(std::span(&source, 1), options);
        CHECK(run.records == expected.size());
        CHECK(run.diagnosed == expected.size());
        CHECK(run.errors == 8);
        CHECK(json_of(run.diagnoses) == expected);
        CHECK(run.cohort.to_json() == expected_cohort.to_json());
      }
    }
    // Without keep, the diagnoses are counted and let go.
    smedx::CohortOptions lean;
    lean.keep = false;
    const smedx::CohortRun run = cohorts.run(std::span(&source, 1), lean);
    CHECK(run.diagnoses.empty());
    CHECK(run.diagnosed == expected.size());
    CHECK(run.cohort.to_json() == expected_cohort.to_json());
  }

  TEST_CASE("diagnosis.coded surveys make the same cohort and the same files as read ones") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const std::string input = cohort_copies(2);
    std::vector<smedx::CodedSurvey> coded;
    {
      std::istringstream in(input);
      smedx::visit_stream(engine, in, "cohort", smedx::InputFormat::jsonl,
                          [&](const smedx::CodedSurvey& c) { coded.push_back(c); });
    }
    REQUIRE(coded.size() == 2 * 13);
    const fs::path base =
        fs::temp_directory_path() / ("smedx-diagnose-cohort-" + std::to_string(::getpid()));
    fs::remove_all(base);
    for (std::optional<int> target : {std::optional<int>{}, std::optional<int>{3}}) {
      CAPTURE(target.value_or(0));
      const smedx::CohortDiagnoser cohorts(engine, target);
      smedx::CohortOptions options;
      options.threshold = smedx::parse_common_threshold("0.6");
      options.by_district = true;
      options.batch.threads = 2;
      options.batch.block_size = 5;
      auto folder_run = [&](const std::string& name, auto&& run) {
        smedx::Inputs inputs;
        std::string problem;
        auto folder = smedx::OutputFolder::open(base / name, false, inputs, problem, "diagnose");
        REQUIRE(folder);
        smedx::CohortRun r = run(folder.get());
        folder->commit();
        return r;
      };
      const smedx::SurveySource source =
          smedx::SurveySource::text(input, "cohort", smedx::InputFormat::jsonl);
      const auto read = folder_run("read", [&](smedx::OutputFolder* f) {
        return cohorts.run(std::span(&source, 1), options, f);
      });
      const auto given = folder_run("coded", [&](smedx::OutputFolder* f) {
        return cohorts.run(std::span(coded), options, f);
      });
      CHECK(given.records == read.records);
      CHECK(given.errors == 2);
      CHECK(given.reached == read.reached);
      CHECK(json_of(given.diagnoses) == json_of(read.diagnoses));
      CHECK(given.cohort.to_json() == read.cohort.to_json());
      std::set<std::string> files;
      for (const auto& e : fs::directory_iterator(base / "read"))
        files.insert(e.path().filename().string());
      CHECK(files.size() == 2 * 26 + 4);  // the manifest, index.tsv and the cohort's two
      CHECK(files.count("CN-2025-001-2.html") == 1);
      for (const auto& e : fs::directory_iterator(base / "coded")) {
        CAPTURE(e.path().filename().string());
        CHECK(files.count(e.path().filename().string()) == 1);
        CHECK(smedx::test::read_file(e.path().string()) ==
              smedx::test::read_file((base / "read" / e.path().filename()).string()));
      }
      const std::string cohort_page =
          smedx::test::read_file((base / "read" / "cohort.html").string());
      CHECK(cohort_page.find(target ? "总览目标等级：三级" : "总览目标等级：二级") !=
            std::string::npos);
      fs::remove_all(base);
    }
    // No surveys: an empty cohort, no diagnoses.
    const smedx::CohortRun none =
        smedx::CohortDiagnoser(engine).run(std::span<const smedx::CodedSurvey>());
    CHECK(none.records == 0);
    CHECK(none.diagnosed == 0);
    CHECK(none.cohort.groups().empty());
  }

  TEST_CASE("diagnosis.the cohort driver checks the target and the threshold") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    CHECK_THROWS_WITH_AS(smedx::CohortDiagnoser(engine, 5),
                         "target level 5 does not exist: the levels are 1–4",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(smedx::CohortDiagnoser(engine, 0),
                         "target level 0 does not exist: the levels are 1–4",
                         std::invalid_argument);
    CHECK(smedx::CohortDiagnoser(engine, 4).cohort_target() == 4);
    CHECK(smedx::CohortDiagnoser(engine).cohort_target() == engine.rules().diagnosis.target);
    const smedx::Engine plain(
        smedx::load_rules(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml").rules());
    CHECK_THROWS_AS(smedx::CohortDiagnoser{plain}, std::invalid_argument);

    CHECK(smedx::parse_common_threshold("0.5") == smedx::Decimal::parse("0.5"));
    CHECK(smedx::parse_common_threshold("1") == smedx::Decimal::from_int(1));
    CHECK(smedx::parse_common_threshold("0.667") == smedx::Decimal::parse("0.667"));
    for (const char* bad : {"0", "-0.5", "1.5", "0.3333", "half", ""}) {
      CAPTURE(bad);
      CHECK_FALSE(smedx::parse_common_threshold(bad));
    }

    const auto missing =
        smedx::SurveySource::file("no/such/surveys.jsonl", smedx::InputFormat::jsonl);
    CHECK(missing.name == "no/such/surveys.jsonl");
    CHECK_THROWS_WITH_AS(smedx::CohortDiagnoser(engine).run(std::span(&missing, 1)),
                         "no/such/surveys.jsonl: cannot read", std::runtime_error);
  }

  TEST_CASE("diagnosis.page: each condition met or how far short; the path and items in words") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    const auto& rules = engine.rules();
    std::mt19937 rng(23);
    int checked = 0;
    for (int n = 0; n < 60; ++n) {
      smedx::Survey s = random_survey(rules, rng, n);
      s.enterprise = {{"industry", "chem_new_materials"}, {"name", "某企业"}};
      const smedx::Diagnosis d = diagnoser.diagnose(s, 2);
      if (!d.assessment.ok()) continue;
      CAPTURE(n);
      const std::string html = smedx::enterprise_html(d, rules);
      const smedx::LevelRequirement& two = rules.level_rule.levels[1];
      const smedx::ScenarioCount& count = d.assessment.scenario_counts[1];
      // The target level's conditions, each marked: met, or short by exactly what is missing.
      if (d.assessment.total < two.min_points)
        CHECK(html.find("总分差 " + (two.min_points - d.assessment.total).to_string() + " 分") !=
              std::string::npos);
      if (count.constraint < two.min_constraint)
        CHECK(html.find("差 " + std::to_string(two.min_constraint - count.constraint) +
                        " 个约束性场景") != std::string::npos);
      CHECK(html.find("<span class='met'>已满足</span>") != std::string::npos);
      CHECK(html.find("级（未达）") == std::string::npos);
      CHECK(html.find("最小成本路径") == std::string::npos);  // the search's measure, not money
      if (d.path.status != smedx::PathStatus::reachable) continue;
      ++checked;
      CHECK(html.find("即可达到二级。</b></p>") != std::string::npos);
      // Each item's goal in the rule set's own words: a band by its lower bound, a choice by
      // its option's text.
      for (const auto& ch : d.path.changes) {
        if (ch.kind == smedx::Change::Kind::scenario) {
          CHECK(html.find(rules.find_scenario(ch.id)->zh) != std::string::npos);
          continue;
        }
        const smedx::Item* item = rules.find_item(ch.id);
        char gained = ch.to.back();  // an option the enterprise does not have yet
        for (char l : ch.to)
          if (std::find(ch.from.begin(), ch.from.end(), l) == ch.from.end()) gained = l;
        const smedx::Option* to = item->find_option(gained);
        if (item->kind == smedx::ItemKind::band)
          CHECK(html.find(ch.code + " " + item->zh + "提升至超过 " + to->lower.to_string() + "%") !=
                std::string::npos);
        else
          CHECK(html.find(smedx::detail::html_escape(to->zh)) != std::string::npos);
      }
    }
    CHECK(checked >= 10);
  }

  TEST_CASE("diagnosis.cohort: 共性 counted among the enterprises below their target") {
    const smedx::Engine engine(smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
    const smedx::Diagnoser diagnoser(engine);
    const auto& rules = engine.rules();
    std::mt19937 rng(7);
    // A survey below target 1 with a path, and one at or above it.
    auto find = [&](int scenario_level, bool at_target) {
      for (int n = 0;; ++n) {
        smedx::Survey s = random_survey(rules, rng, n);
        s.enterprise = {{"industry", "chem_new_materials"}};
        for (auto& [id, level] : s.scenarios) level = scenario_level;
        const smedx::Diagnosis d = diagnoser.diagnose(s, 1);
        if (d.assessment.ok() &&
            (at_target ? d.assessment.level >= 1 : d.path.status == smedx::PathStatus::reachable))
          return s;
      }
    };
    const smedx::Survey low = find(0, false), high = find(4, true);
    // Two enterprises below target sharing their whole path, six at target: over the whole group
    // (2 of 8) nothing would be common at 0.5; among those below target (2 of 2) all of it is.
    smedx::Cohort cohort(rules, *smedx::Decimal::parse("0.5"), false);
    std::vector<smedx::Diagnosis> below;
    for (int n = 0; n < 8; ++n) {
      smedx::Survey s = n < 2 ? low : high;
      s.enterprise_id = "E" + std::to_string(n);
      smedx::Diagnosis d = diagnoser.diagnose(s, 1);
      cohort.add(d);
      if (n < 2) below.push_back(std::move(d));
    }
    const smedx::CohortGroup& g = cohort.groups().at("chem_new_materials");
    CHECK(g.scored == 8);
    CHECK(g.below_target() == 2);
    REQUIRE_FALSE(below[0].requirements.empty());
    for (const auto& r : below[0].requirements) CHECK(cohort.is_common("chem_new_materials", r));
    const std::string page = smedx::cohort_html(cohort, rules, 1);
    CHECK(page.find("在 2 家未达标企业中") != std::string::npos);
    CHECK(page.find("100.0%") != std::string::npos);
    CHECK(cohort.to_json().find("\"below_target\":2,") != std::string::npos);
  }
}
