// The diagnosis of one enterprise: its assessment, its industry profile and target, the path
// (path_search.cpp) and the requirements (个性) the path's changes stand for.
#include "smedx/diagnosis.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <span>
#include <stdexcept>

namespace smedx {

std::string Cost::to_string() const {
  const std::int64_t v = millionths < 0 ? -millionths : millionths;
  std::string out = fmt::format("{}{}", millionths < 0 ? "-" : "", v / 1'000'000);
  std::string frac = fmt::format("{:06d}", v % 1'000'000);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? out : out + "." + frac;
}

std::string_view to_string(PathStatus s) noexcept {
  switch (s) {
    case PathStatus::reachable:
      return "reachable";
    case PathStatus::already:
      return "already";
    case PathStatus::unreachable:
      return "unreachable";
  }
  return "unreachable";
}

Diagnoser::Diagnoser(const Engine& engine) : engine_(engine) {
  if (!engine.rules().diagnosis.present)
    throw std::invalid_argument("the rule set has no diagnosis settings (a 'diagnosis' section)");
}

const IndustryProfile* Diagnoser::profile_for(std::string_view industry) const noexcept {
  const RuleSet& r = engine_.rules();
  if (const auto* p = r.find_profile(industry)) return p;
  return r.find_profile("default");
}

CodedSurvey Diagnoser::apply(const CodedSurvey& coded, const Path& path, const RuleSet& rules) {
  CodedSurvey out = coded;
  const auto items = rules.items();
  for (const auto& ch : path.changes) {
    if (ch.kind == Change::Kind::scenario) {
      for (std::size_t s = 0; s < rules.scenarios.size(); ++s)
        if (rules.scenarios[s].id == ch.id) out.levels[s] = static_cast<std::int8_t>(ch.to_level);
    } else {
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i]->id != ch.id) continue;
        std::uint32_t mask = 0;
        for (char l : ch.to) mask |= std::uint32_t{1} << (l - 'A');
        out.selected[i] = mask;
      }
    }
  }
  return out;
}

Diagnosis Diagnoser::diagnose(const Survey& survey, std::optional<int> target,
                              MissingPolicy missing) const {
  return diagnose(engine_.code(survey, missing), target);
}

Diagnosis Diagnoser::diagnose(const CodedSurvey& c, std::optional<int> target,
                              const PathPlan* known, DiagnosisDetail detail) const {
  const RuleSet& rules = engine_.rules();
  const bool full = detail == DiagnosisDetail::full;
  Diagnosis d;
  thread_local BlockScores scores;
  engine_.score_block(std::span<const CodedSurvey>(&c, 1), scores);
  if (full) {
    d.assessment = engine_.assessment(c, scores, 0);
  } else {  // what Cohort::add reads, as Engine::assessment fills it
    d.assessment.enterprise_id = c.enterprise_id;
    d.assessment.enterprise = c.enterprise;
    d.assessment.errors = c.errors;
    if (c.ok()) d.assessment.level = scores.level[0];
  }
  for (const auto& [k, v] : c.enterprise)
    if (k == "industry") d.industry = v;
  const IndustryProfile* profile = rules.find_profile(d.industry);
  if (!profile) {
    profile = rules.find_profile("default");
    if (!d.industry.empty() || c.ok()) {
      d.warnings.push_back(
          Issue{Severity::warning,
                d.industry.empty()
                    ? std::string("no industry given: the default profile is used")
                    : fmt::format("unknown industry '{}': the default profile is used", d.industry),
                "enterprise.industry", c.where, ""});
    }
  }
  d.profile = profile ? profile->id : "";
  if (profile && d.industry == profile->zh) d.industry = profile->id;  // one group per industry
  // The target: given by the caller; else the survey's own (enterprise.target); else the
  // industry profile's; else the rule set's.
  std::optional<int> own;
  for (const auto& [k, v] : c.enterprise) {
    if (k != "target") continue;
    int t = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
    if (ec == std::errc{} && ptr == v.data() + v.size()) {
      own = t;
    } else {
      d.warnings.push_back(Issue{Severity::warning,
                                 fmt::format("enterprise.target '{}' is not a level: ignored", v),
                                 "enterprise.target", c.where, ""});
    }
  }
  d.target = target ? *target
             : own  ? *own
                    : (profile && profile->target ? profile->target : rules.diagnosis.target);
  if (!c.ok()) return d;
  d.path = path(c, d.target, profile, known);

  // 个性 requirements: one per change, with what it means and what to prepare.
  const auto items = rules.items();
  for (const auto& ch : d.path.changes) {
    Requirement r;
    r.change = ch;
    if (!full) {
      r.zh = ch.kind == Change::Kind::scenario ? rules.find_scenario(ch.id)->zh
                                               : rules.find_item(ch.id)->zh;
      d.requirements.push_back(std::move(r));
      continue;
    }
    if (ch.kind == Change::Kind::scenario) {
      const Scenario* sc = rules.find_scenario(ch.id);
      r.zh = sc->zh;
      r.constraint = sc->constraint;
      const ScenarioLevel& level = sc->levels[static_cast<std::size_t>(ch.to_level - 1)];
      r.meaning = level.zh;
      r.evidence = level.evidence;
      r.gain = fmt::format("场景达到{}级（约束性：{}）", ch.to_level, sc->constraint ? "是" : "否");
      const bool emphasis = profile && std::find(profile->emphasis.begin(), profile->emphasis.end(),
                                                 ch.id) != profile->emphasis.end();
      r.priority = emphasis || sc->constraint ? "high" : "normal";
    } else {
      const Item* item = rules.find_item(ch.id);
      r.zh = item->zh;
      std::string labels;
      for (char l : ch.to) {
        if (std::find(ch.from.begin(), ch.from.end(), l) != ch.from.end()) continue;
        labels += (labels.empty() ? "" : "；") + std::string(1, l) + " " + item->find_option(l)->zh;
      }
      r.meaning = labels;
      r.evidence = item->evidence;
      r.gain = fmt::format("+{}分", ch.points.to_string());
      r.priority = "medium";
    }
    d.requirements.push_back(std::move(r));
  }
  if (!full) return d;
  auto rank = [](const std::string& p) { return p == "high" ? 0 : p == "medium" ? 1 : 2; };
  std::stable_sort(d.requirements.begin(), d.requirements.end(),
                   [&](const Requirement& a, const Requirement& b) {
                     return rank(a.priority) < rank(b.priority);
                   });
  return d;
}

}  // namespace smedx
