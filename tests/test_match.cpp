// Matching: the plan search is exact (brute force over every set of products of random small
// catalogues, each set applied and re-scored by the engine), alternatives come in the order of
// plans, a plan that cannot be found names the uncovered conditions, and the driver keeps input
// order with one record per survey.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <fstream>
#include <random>
#include <sstream>

#include "smedx/batch.h"
#include "smedx/catalogue.h"
#include "smedx/load.h"
#include "smedx/match.h"

namespace {

const smedx::LoadResult& miit() {
  static const smedx::LoadResult r = smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024");
  return r;
}

std::vector<smedx::CodedSurvey> cohort(const smedx::Engine& engine) {
  std::ifstream in(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
  std::vector<smedx::CodedSurvey> out;
  smedx::visit_stream(engine, in, "cohort.jsonl", smedx::InputFormat::jsonl,
                      [&](const smedx::CodedSurvey& c) { out.push_back(c); });
  return out;
}

std::uint32_t bit(std::size_t k) { return std::uint32_t{1} << k; }

// A survey of the cohort with random answers and scenario levels pulled down, so that most
// are below the target.
smedx::CodedSurvey lowered(const smedx::CodedSurvey& base,
                           const std::vector<const smedx::Item*>& items, std::mt19937& rng,
                           int top = 2) {
  smedx::CodedSurvey c = base;
  for (auto& l : c.levels)
    l = static_cast<std::int8_t>(std::uniform_int_distribution<int>(0, top)(rng));
  for (std::size_t i = 0; i < items.size(); ++i) {
    const smedx::Item& item = *items[i];
    if (item.kind == smedx::ItemKind::trend) continue;
    const std::size_t n = item.options.size();
    if (item.kind == smedx::ItemKind::multi) {
      std::uint32_t m = 0;
      for (std::size_t k = 0; k < n; ++k)
        if (!item.options[k].none && rng() % 3 == 0) m |= bit(k);
      if (m == 0)
        for (std::size_t k = 0; k < n; ++k)
          if (item.options[k].none) m = bit(k);
      c.selected[i] = m;
    } else {
      c.selected[i] = bit(rng() % (n > 2 ? n - 1 : n));
    }
  }
  return c;
}

// An item effect as the catalogue reader resolves it (smedx/catalogue.h).
smedx::ItemEffect effect(const smedx::Item& item, int index, std::uint32_t options, bool delivers) {
  smedx::ItemEffect e;
  e.item_id = item.id;
  e.item = index;
  e.multi = item.kind == smedx::ItemKind::multi;
  e.options = options;
  for (std::size_t k = 0; k < item.options.size(); ++k)
    if (options & bit(k)) e.letters.push_back(static_cast<char>('A' + k));
  if (e.multi) {
    if (delivers) {
      for (std::size_t k = 0; k < item.options.size(); ++k)
        if (item.options[k].none) e.mask |= bit(k);
    } else {
      e.mask = options;
    }
  } else {
    const auto named = static_cast<std::size_t>(std::countr_zero(options));
    for (std::size_t k = 0; k < item.options.size(); ++k) {
      const bool less = item.options[k].points < item.options[named].points;
      if (delivers ? less : !less) e.mask |= bit(k);
    }
  }
  return e;
}

// `high`: products bring more scenarios, mostly to levels 3 and 4 (for target 3).
smedx::Catalogue random_catalogue(const smedx::RuleSet& rules, std::mt19937& rng, std::size_t n,
                                  bool high = false) {
  const auto items = rules.items();
  smedx::Catalogue cat;
  cat.id = "random";
  auto pick_item = [&](bool delivers) {
    for (;;) {
      const std::size_t i = rng() % items.size();
      const smedx::Item& item = *items[i];
      if (item.kind == smedx::ItemKind::trend) continue;
      std::uint32_t options = 0;
      if (item.kind == smedx::ItemKind::multi) {
        for (std::size_t k = 0; k < item.options.size(); ++k)
          if (!item.options[k].none && rng() % 3 == 0) options |= bit(k);
        if (!options) continue;
      } else {
        options = bit(rng() % item.options.size());
      }
      return effect(item, static_cast<int>(i), options, delivers);
    }
  };
  for (std::size_t p = 0; p < n; ++p) {
    smedx::Product prod;
    prod.id = "P" + std::to_string(rng() % 90 + 10);  // ids may sort against file order
    while (cat.index_of(prod.id) >= 0) prod.id += "x";
    prod.name = "产品" + prod.id;
    prod.provider = "V" + std::to_string(rng() % 3);
    // Few distinct prices and weeks, so that ties are frequent.
    prod.price = static_cast<std::int64_t>(rng() % 6) * 10000;
    prod.annual = static_cast<std::int64_t>(rng() % 3) * 5000;
    prod.eligible = prod.price / 2;
    prod.weeks = static_cast<int>(rng() % 3) * 4 + 4;
    const int scenarios = static_cast<int>(rng() % 4) + (high ? 1 : 0);
    for (int s = 0; s < scenarios; ++s) {
      const std::size_t k = rng() % rules.scenarios.size();
      const int level = high ? static_cast<int>(rng() % 3) + 2 : static_cast<int>(rng() % 4) + 1;
      prod.delivers.scenarios.push_back({rules.scenarios[k].id, static_cast<int>(k), level});
    }
    const int deliveries = static_cast<int>(rng() % 3) + (scenarios == 0 || high ? 1 : 0);
    for (int d = 0; d < deliveries; ++d) prod.delivers.items.push_back(pick_item(true));
    if (rng() % 4 == 0) {
      if (rng() % 2) {
        const std::size_t k = rng() % rules.scenarios.size();
        prod.prerequisites.scenarios.push_back(
            {rules.scenarios[k].id, static_cast<int>(k), static_cast<int>(rng() % 3) + 1});
      } else {
        prod.prerequisites.items.push_back(pick_item(false));
      }
    }
    if (rng() % 5 == 0) prod.industries = {rng() % 2 ? "equipment_parts" : "chem_new_materials"};
    cat.products.push_back(std::move(prod));
  }
  return cat;
}

struct Brute {
  std::vector<std::size_t> ids;  // catalogue indices, by id
  std::int64_t cost = 0;
  int weeks = 0;
};

// Every set of allowed products, applied to the survey and re-scored by the engine: the plans
// in the order of plans that no proper subset of is a plan.
std::vector<Brute> brute_force(const smedx::Engine& engine, const smedx::Catalogue& cat,
                               const smedx::CodedSurvey& c, std::string_view industry, int target,
                               int years, std::optional<std::int64_t> budget) {
  const std::size_t n = cat.products.size();
  std::vector<bool> valid(std::size_t{1} << n, false);
  std::vector<Brute> plans;
  smedx::BlockScores scores;
  for (std::uint32_t set = 0; set < valid.size(); ++set) {
    std::vector<std::size_t> chosen;
    bool allowed = true;
    for (std::size_t k = 0; k < n; ++k)
      if (set & bit(k)) {
        chosen.push_back(k);
        allowed = allowed && cat.products[k].allowed_for(industry);
      }
    if (!allowed || chosen.empty()) continue;
    smedx::CodedSurvey after = c;
    smedx::apply_products(after, cat, chosen);
    engine.score_block(std::span<const smedx::CodedSurvey>(&after, 1), scores);
    if (scores.level[0] < target) continue;
    bool ok = true;
    for (std::size_t p : chosen) {
      smedx::CodedSurvey others = c;
      for (std::size_t q : chosen)
        if (q != p) smedx::apply_product(others, cat.products[q]);
      ok = ok && smedx::meets_requirements(others, cat.products[p]);
    }
    if (!ok) continue;
    valid[set] = true;
    Brute b;
    for (std::size_t p : chosen) {
      b.cost += cat.products[p].cost(years);
      b.weeks = std::max(b.weeks, cat.products[p].weeks);
    }
    if (budget && b.cost > *budget) continue;
    // No proper subset a plan (subsets come earlier in this loop).
    bool minimal = true;
    for (std::uint32_t sub = (set - 1) & set; sub && minimal; sub = (sub - 1) & set)
      minimal = !valid[sub];
    if (!minimal) continue;
    b.ids = chosen;
    std::sort(b.ids.begin(), b.ids.end(), [&](std::size_t x, std::size_t y) {
      return cat.products[x].id < cat.products[y].id;
    });
    plans.push_back(b);
  }
  std::sort(plans.begin(), plans.end(), [&](const Brute& a, const Brute& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    if (a.ids.size() != b.ids.size()) return a.ids.size() < b.ids.size();
    if (a.weeks != b.weeks) return a.weeks < b.weeks;
    return std::lexicographical_compare(
        a.ids.begin(), a.ids.end(), b.ids.begin(), b.ids.end(),
        [&](std::size_t x, std::size_t y) { return cat.products[x].id < cat.products[y].id; });
  });
  return plans;
}

std::string ids(const smedx::Catalogue& cat, const std::vector<std::size_t>& v) {
  std::string out;
  for (std::size_t k : v) out += cat.products[k].id + " ";
  return out;
}

}  // namespace

TEST_SUITE("match") {
  TEST_CASE("match.the best plan and its alternatives are exact: brute force over 300 catalogues") {
    const smedx::Engine engine(miit().rules());
    const auto base = cohort(engine);
    const auto items = engine.rules().items();
    std::mt19937 rng(20261206);
    int reached = 0, unreached = 0, already = 0, with_alternatives = 0;
    for (int round = 0; round < 300; ++round) {
      const smedx::Catalogue cat =
          random_catalogue(engine.rules(), rng, static_cast<std::size_t>(rng() % 9) + 4);
      smedx::MatchOptions options;
      options.target = static_cast<int>(rng() % 4 == 0 ? rng() % 3 + 1 : 2);
      options.years = static_cast<int>(rng() % 3);
      if (rng() % 4 == 0) options.budget = static_cast<std::int64_t>(rng() % 8) * 10000;
      options.alternatives = rng() % 2 ? static_cast<int>(rng() % 4) : 0;
      options.batch.threads = 1;
      const smedx::Matcher matcher(engine, cat, options);
      for (int s = 0; s < 4; ++s) {
        const smedx::CodedSurvey c = lowered(base[rng() % base.size()], items, rng);
        const smedx::Match m = matcher.match(c);
        INFO("round ", round, " survey ", s, " target ", *options.target);
        REQUIRE(m.errors.empty());
        if (m.already) {
          ++already;
          CHECK(m.reached);
          continue;
        }
        const auto plans =
            brute_force(engine, cat, c, m.industry, *options.target, options.years, options.budget);
        REQUIRE(m.reached == !plans.empty());
        if (!m.reached) {
          ++unreached;
          CHECK(!m.reason.empty());
          continue;
        }
        ++reached;
        CHECK(ids(cat, m.plan.products) == ids(cat, plans[0].ids));
        CHECK(m.plan.cost == plans[0].cost);
        CHECK(m.plan.weeks == plans[0].weeks);
        const std::size_t expected =
            std::min(plans.size() - 1, static_cast<std::size_t>(options.alternatives));
        REQUIRE(m.alternatives.size() == expected);
        for (std::size_t k = 0; k < expected; ++k)
          CHECK(ids(cat, m.alternatives[k].products) == ids(cat, plans[k + 1].ids));
        with_alternatives += expected > 0;
      }
    }
    // The rounds cover every outcome, not only the easy one.
    CHECK(reached > 100);
    CHECK(unreached > 20);
    CHECK(with_alternatives > 20);
    MESSAGE("reached ", reached, ", not reached ", unreached, ", already ", already,
            ", with alternatives ", with_alternatives);
  }

  TEST_CASE("match.targets 2 and 3, every alternative: the K plans are the K cheapest sets") {
    // Brute force over every set of 200 random catalogues, half at target 3 (products that
    // bring more, surveys nearer to it): the plan and up to 6 alternatives must be exactly
    // the first plans of the order, and the alternatives always complete.
    const smedx::Engine engine(miit().rules());
    const auto base = cohort(engine);
    const auto items = engine.rules().items();
    std::mt19937 rng(20261207);
    std::array<int, 4> reached{}, unreached{};
    int alternatives = 0, fewer = 0;
    for (int round = 0; round < 200; ++round) {
      const int target = round % 2 ? 3 : 2;
      const smedx::Catalogue cat = random_catalogue(
          engine.rules(), rng, static_cast<std::size_t>(rng() % 7) + 6, target == 3);
      smedx::MatchOptions options;
      options.target = target;
      options.years = static_cast<int>(rng() % 3);
      if (rng() % 5 == 0) options.budget = static_cast<std::int64_t>(rng() % 12 + 4) * 10000;
      options.alternatives = static_cast<int>(rng() % 6) + 1;
      options.batch.threads = 1;
      const smedx::Matcher matcher(engine, cat, options);
      for (int s = 0; s < 3; ++s) {
        const smedx::CodedSurvey c =
            lowered(base[rng() % base.size()], items, rng, target == 3 ? 3 : 2);
        const smedx::Match m = matcher.match(c);
        INFO("round ", round, " survey ", s, " target ", target);
        REQUIRE(m.errors.empty());
        CHECK(m.alternatives_complete);
        if (m.already) continue;
        const auto plans =
            brute_force(engine, cat, c, m.industry, target, options.years, options.budget);
        REQUIRE(m.reached == !plans.empty());
        if (!m.reached) {
          ++unreached[static_cast<std::size_t>(target)];
          continue;
        }
        ++reached[static_cast<std::size_t>(target)];
        CHECK(ids(cat, m.plan.products) == ids(cat, plans[0].ids));
        CHECK(m.plan.cost == plans[0].cost);
        const std::size_t expected =
            std::min(plans.size() - 1, static_cast<std::size_t>(options.alternatives));
        fewer += plans.size() - 1 < static_cast<std::size_t>(options.alternatives);
        REQUIRE(m.alternatives.size() == expected);
        for (std::size_t k = 0; k < expected; ++k) {
          CHECK(ids(cat, m.alternatives[k].products) == ids(cat, plans[k + 1].ids));
          CHECK(m.alternatives[k].cost == plans[k + 1].cost);
          CHECK(m.alternatives[k].weeks == plans[k + 1].weeks);
        }
        alternatives += expected > 0;
      }
    }
    MESSAGE("target 2: reached ", reached[2], ", not ", unreached[2], "; target 3: reached ",
            reached[3], ", not ", unreached[3], "; with alternatives ", alternatives,
            ", fewer plans than asked ", fewer);
    CHECK(reached[2] > 100);
    CHECK(reached[3] > 50);
    CHECK(unreached[3] > 10);
    CHECK(fewer > 20);
  }

  TEST_CASE("match.with no plan, the gap names the conditions no product covers") {
    const smedx::Engine engine(miit().rules());
    auto c = cohort(engine).front();
    for (auto& l : c.levels) l = 0;
    smedx::Catalogue cat;
    smedx::Product p;
    p.id = "ONLY-ONE";
    p.name = "一个场景";
    p.price = 1000;
    p.weeks = 2;
    p.delivers.scenarios.push_back({engine.rules().scenarios[0].id, 0, 2});
    cat.products.push_back(p);
    smedx::MatchOptions options;
    options.target = 2;
    const smedx::Matcher matcher(engine, cat, options);
    const smedx::Match m = matcher.match(c);
    CHECK_FALSE(m.reached);
    REQUIRE(m.conditions.size() == 3);
    CHECK(m.conditions[1].what == "scenarios");
    CHECK_FALSE(m.conditions[1].covered);
    CHECK(m.conditions[1].after == smedx::Decimal::from_int(1));
    REQUIRE_FALSE(m.gap.empty());
    const std::string json = smedx::to_json(m, matcher);
    CHECK(json.find("\"reached\":false") != std::string::npos);
    CHECK(json.find("\"covered\":false") != std::string::npos);
    CHECK(json.find("目录中允许的产品全部实施后最多1个") != std::string::npos);
    // The reason says the whole gap in Chinese (no pointer to a JSON key).
    CHECK(m.reason.rfind("目录中允许的产品全部实施后仍达不到", 0) == 0);
    for (const auto& g : m.gap) CHECK(m.reason.find(g) != std::string::npos);
    CHECK(m.reason.find("gap") == std::string::npos);
    bool scenario_line = false;
    for (const auto& g : m.gap)
      scenario_line |= g.find("个场景达到") != std::string::npos &&
                       g.find("及以上；目录中允许的产品全部实施后最多1个") != std::string::npos;
    CHECK(scenario_line);
  }

  TEST_CASE("match.the driver: one record per survey, input order, bad ones as errors") {
    const smedx::Engine engine(miit().rules());
    std::ifstream in(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl");
    std::stringstream text;
    text << in.rdbuf();
    const std::string input = text.str() + "{not json\n" + text.str();
    std::mt19937 rng(7);
    const smedx::Catalogue cat = random_catalogue(engine.rules(), rng, 30);
    smedx::MatchOptions options;
    options.batch.threads = 2;
    options.batch.block_size = 5;
    const smedx::Matcher matcher(engine, cat, options);
    const std::vector<smedx::SurveySource> sources = {
        smedx::SurveySource::text(input, "<text>", smedx::InputFormat::jsonl)};
    std::ostringstream out;
    const smedx::MatchRun written = smedx::run_match(matcher, sources, &out);
    const smedx::MatchRun kept = smedx::run_match(matcher, sources);
    REQUIRE(kept.matches.size() == 25);
    CHECK(written.records == 25);
    CHECK(kept.matches[12].errors.size() == 1);
    std::istringstream lines(out.str());
    std::string line;
    std::size_t k = 0;
    for (; std::getline(lines, line); ++k) {
      REQUIRE(k < kept.matches.size());
      CHECK(line == smedx::to_json(kept.matches[k], matcher));
    }
    CHECK(k == 25);
    for (std::size_t i = 0; i < 12; ++i)
      CHECK(kept.matches[i].enterprise_id == kept.matches[i + 13].enterprise_id);
    CHECK(kept.matrix.enterprises == 25);
    CHECK(kept.matrix.errors == 1);
    std::size_t used = 0;
    for (const auto& u : kept.matrix.products) used += u.plans;
    std::size_t in_plans = 0;
    for (const auto& m : kept.matches)
      if (m.reached && !m.already) in_plans += m.plan.products.size();
    CHECK(used == in_plans);
  }

  TEST_CASE("match.a target the rule set does not have is refused") {
    const smedx::Engine engine(miit().rules());
    smedx::Catalogue cat;
    smedx::MatchOptions options;
    options.target = 9;
    CHECK_THROWS_WITH_AS(smedx::Matcher(engine, cat, options),
                         "target level 9 does not exist: the levels are 1–4",
                         std::invalid_argument);
  }
}
