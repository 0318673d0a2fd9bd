// Evaluating a pilot: acceptance per enterprise, progress, provider rating, case candidates.
// Rates and means are exact fractions (detail::Ratio), rounded once to thousandths for output.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "pilot/composition_evaluate.h"
#include "pilot/needs_evaluate.h"
#include "pilot/pilot_state.h"
#include "pilot/products_evaluate.h"
#include "pilot/projects_evaluate.h"
#include "pilot/rating_tally.h"
#include "pilot/subsidy_evaluate.h"

namespace smedx {

namespace detail {

Ratio Ratio::of(i128 n, i128 d) {
  if (d < 0) {
    n = -n;
    d = -d;
  }
  i128 a = n < 0 ? -n : n, b = d;
  while (b != 0) {
    const i128 t = a % b;
    a = b;
    b = t;
  }
  if (a > 1) {
    n /= a;
    d /= a;
  }
  Ratio r;
  r.num = n;
  r.den = d;
  return r;
}

Ratio Ratio::operator/(const Ratio& o) const { return of(num * o.den, den * o.num); }

std::int64_t Ratio::whole() const {
  const i128 q = num / den, r = num % den;
  i128 t = q;
  if (2 * (r < 0 ? -r : r) >= den) t += num < 0 ? -1 : 1;
  return static_cast<std::int64_t>(t);
}

void OutcomeTally::add(const AcceptanceRecord& r) {
  ++enterprises;
  if (r.decision == Decision::incomplete) {
    incomplete += r.acceptance != nullptr;
    return;
  }
  ++accepted;
  passed += r.decision == Decision::passed;
  failed += r.decision == Decision::failed;
  on_time += r.on_time;
  if (r.baseline && r.baseline->ok() && r.acceptance && r.acceptance->ok()) {
    ++n_gain;
    level_gain += r.acceptance->level - r.baseline->level;
    point_gain += (r.acceptance->total - r.baseline->total).thousandths();
  }
}

std::optional<Ratio> OutcomeTally::pass_rate() const {
  if (accepted == 0) return std::nullopt;
  return Ratio::of(passed, accepted);
}
std::optional<Ratio> OutcomeTally::on_time_share() const {
  if (accepted == 0) return std::nullopt;
  return Ratio::of(on_time, accepted);
}
std::optional<Ratio> OutcomeTally::mean_level_gain() const {
  if (n_gain == 0) return std::nullopt;
  return Ratio::of(level_gain, n_gain);
}
std::optional<Ratio> OutcomeTally::mean_point_gain() const {
  if (n_gain == 0) return std::nullopt;
  return Ratio::of(point_gain, std::int64_t{n_gain} * 1000);
}

void SatisfactionTally::add(const Programme& programme, const Pilot::State::Rating& rating) {
  std::int64_t s = 0;
  for (std::size_t i = 0; i < rating.scores.size(); ++i)
    s += std::int64_t{programme.satisfaction[i].weight} * rating.scores[i];  // thousandths
  sum += s;
  ++ratings;
}

std::optional<Ratio> SatisfactionTally::mean() const {
  // Mean of the ratings' weighted scores (weights sum to 100).
  if (ratings == 0) return std::nullopt;
  return Ratio::of(sum, std::int64_t{ratings} * 100 * 1000);
}

std::optional<Ratio> SatisfactionTally::score(const Programme& programme) const {
  const auto m = mean();
  if (!m) return std::nullopt;
  return (*m - Ratio::of(programme.satisfaction_min, 1)) * Ratio::of(100, 1) /
         Ratio::of(programme.satisfaction_max - programme.satisfaction_min, 1);
}

Decimal Ratio::decimal() const {
  const i128 scaled = num * Decimal::scale;
  const i128 q = scaled / den, r = scaled % den;
  i128 t = q;
  if (2 * (r < 0 ? -r : r) >= den) t += scaled < 0 ? -1 : 1;
  return Decimal::from_thousandths(static_cast<std::int64_t>(t));
}

}  // namespace detail

using detail::i128;
using detail::Ratio;

std::string_view follow_up_kind_zh(std::string_view kind) noexcept {
  if (kind == "overdue") return "验收逾期";
  if (kind == "due") return "验收到期";
  if (kind == "not_diagnosed") return "未诊断";
  return "";
}

std::string_view decision_zh(Decision d) noexcept {
  switch (d) {
    case Decision::passed:
      return "通过";
    case Decision::failed:
      return "未通过";
    case Decision::incomplete:
      return "待补";
  }
  return "";
}

std::string_view status_zh(const AcceptanceRecord& r) noexcept {
  if (!r.acceptance && r.decision == Decision::incomplete) return "待验收";
  return decision_zh(r.decision);
}

std::string_view to_string(Decision d) noexcept {
  switch (d) {
    case Decision::passed:
      return "passed";
    case Decision::failed:
      return "failed";
    case Decision::incomplete:
      return "incomplete";
  }
  return "";
}

int AcceptanceRecord::level_before() const noexcept {
  return baseline && baseline->ok() ? baseline->level : 0;
}
int AcceptanceRecord::level_after() const noexcept {
  return acceptance && acceptance->ok() ? acceptance->level : 0;
}

namespace {

std::string rule_set_name(const Snapshot& s) {
  const auto& m = s.engine->rules().meta;
  return m.id + "@" + m.version;
}

Decimal percent(int num, int den) {
  return den == 0 ? Decimal{} : (Ratio::of(num, den) * Ratio::of(100, 1)).decimal();
}

AcceptanceRecord accept(const Pilot::State& s, std::size_t i) {
  const Programme& prog = s.programme;
  AcceptanceRecord r;
  r.enterprise = &s.enterprises[i];
  const Enterprise& e = *r.enterprise;
  r.baseline = s.baseline[i] ? &*s.baseline[i] : nullptr;
  r.acceptance = s.acceptance[i] ? &*s.acceptance[i] : nullptr;
  const Snapshot* b = r.baseline && r.baseline->ok() ? r.baseline : nullptr;
  const Snapshot* a = r.acceptance && r.acceptance->ok() ? r.acceptance : nullptr;
  // The same rule set: the same engine, or another engine loaded from the same content (a
  // survey file given as FILE@RULES naming the programme's own rule set).
  r.comparable = a && b &&
                 (a->engine == b->engine ||
                  (!a->engine->rules().content_hash.empty() &&
                   a->engine->rules().content_hash == b->engine->rules().content_hash));
  const Batch* batch = prog.find_batch(e.batch);
  // Dated by the deadline, scored or not: a survey that could not be scored still says when the
  // acceptance took place (its decision says it is incomplete).
  r.on_time = r.acceptance && batch && r.acceptance->assessed_on <= batch->acceptance_by;
  auto add = [&](std::string check, Decision outcome, std::string message, std::string zh,
                 std::string action) {
    r.reasons.push_back(
        {std::move(check), outcome, std::move(message), std::move(zh), std::move(action)});
  };
  auto outcome = [](const AcceptanceCheck& c) {
    return c.outcome == AcceptanceCheck::Outcome::failed ? Decision::failed : Decision::incomplete;
  };
  if (!r.acceptance) {
    add("acceptance_present", Decision::incomplete, "no acceptance assessment", "尚无验收评测",
        "组织验收评测");
  } else if (!a) {
    add("survey_scored", Decision::incomplete,
        fmt::format("the acceptance survey could not be scored: {}",
                    r.acceptance->errors.front().message),
        "验收评测问卷无法评分（见输入错误清单）", "补全验收评测问卷后重新提交");
  }
  if (r.baseline && !b) {
    add("survey_scored", Decision::incomplete,
        fmt::format("the baseline survey could not be scored: {}",
                    r.baseline->errors.front().message),
        "基线评测问卷无法评分（见输入错误清单）", "补全基线评测问卷后重新提交");
  }
  using K = AcceptanceCheck::Kind;
  for (const auto& c : prog.acceptance) {
    switch (c.kind) {
      case K::baseline_present:
        if (!r.baseline)
          add("baseline_present", outcome(c), "no baseline assessment", "无改造前诊断评测（基线）",
              "补做改造前诊断评测");
        break;
      case K::level_at_least:
        if (a && a->level < c.level)
          add("level_at_least", outcome(c),
              fmt::format("acceptance level {} is below the target {}", a->level, c.level),
              fmt::format("验收等级{}级，低于目标{}级", a->level, c.level),
              "继续改造，达到目标等级后重新验收");
        break;
      case K::same_rule_set:
        if (a && b) {
          const auto& ma = a->engine->rules().meta;
          const auto& mb = b->engine->rules().meta;
          if (ma.id != mb.id || (c.compare_version && ma.version != mb.version))
            add("same_rule_set", outcome(c),
                fmt::format("baseline assessed under {}, acceptance under {}", rule_set_name(*b),
                            rule_set_name(*a)),
                fmt::format("两次评测所用规则不同：基线按{}（{}版），验收按{}（{}版）", mb.title,
                            mb.version, ma.title, ma.version),
                "按同一评测规则重新评测");
        }
        break;
      case K::baseline_before_acceptance:
        if (r.acceptance && r.baseline && !(r.baseline->assessed_on < r.acceptance->assessed_on))
          add("baseline_before_acceptance", outcome(c),
              fmt::format("acceptance assessed on {}, not after the baseline of {}",
                          r.acceptance->assessed_on.to_string(),
                          r.baseline->assessed_on.to_string()),
              fmt::format("验收评测日期{}不晚于基线评测日期{}",
                          r.acceptance->assessed_on.to_string(),
                          r.baseline->assessed_on.to_string()),
              "核对评测日期（验收评测应在基线评测之后）");
        break;
      case K::acceptance_after_project_end:
        if (r.acceptance) {
          if (!e.planned_end)
            add("acceptance_after_project_end", Decision::incomplete,
                "the register gives no planned end for the project", "备案未填写项目计划完成日期",
                "在备案中补填项目计划完成日期");
          else if (r.acceptance->assessed_on < *e.planned_end)
            add("acceptance_after_project_end", outcome(c),
                fmt::format("acceptance assessed on {}, before the project's planned end {}",
                            r.acceptance->assessed_on.to_string(), e.planned_end->to_string()),
                fmt::format("验收评测日期{}早于项目计划完成日期{}",
                            r.acceptance->assessed_on.to_string(), e.planned_end->to_string()),
                "项目完成后重新组织验收评测");
        }
        break;
      case K::evidence_complete: {
        for (const auto& id : c.evidence) {
          const auto k = static_cast<std::size_t>(prog.find_evidence(id) - prog.evidence.data());
          if (!s.provided(i, k)) r.evidence_missing.push_back(id);
        }
        if (!r.evidence_missing.empty()) {
          std::string names;
          for (const auto& id : r.evidence_missing) {
            if (!names.empty()) names += "、";
            names += prog.find_evidence(id)->zh;
          }
          add("evidence_complete", outcome(c), fmt::format("evidence missing: {}", names),
              fmt::format("缺少验收材料：{}", names), fmt::format("补齐验收材料：{}", names));
        }
        break;
      }
      case K::constraint_scenarios_kept:
        // Whenever both surveys were scored, whatever rule sets they were scored under: whether
        // those may differ is same_rule_set's question, and a programme that leaves it out or
        // compares only the id still wants a fallen constraint scenario caught. The constraint
        // scenarios are the acceptance rule set's, matched to the baseline's by scenario id; one
        // the baseline's rule set does not have had no rating to fall from.
        if (a && b) {
          const RuleSet& rules = a->engine->rules();
          const RuleSet& before = b->engine->rules();
          for (std::size_t k = 0; k < rules.scenarios.size(); ++k) {
            if (!rules.scenarios[k].constraint) continue;
            std::size_t j = k;
            if (!r.comparable) {
              j = 0;
              while (j < before.scenarios.size() && before.scenarios[j].id != rules.scenarios[k].id)
                ++j;
              if (j == before.scenarios.size()) continue;
            }
            if (a->scenarios[k] < b->scenarios[j])
              add("constraint_scenarios_kept", outcome(c),
                  fmt::format("constraint scenario {} fell from {} to {}", rules.scenarios[k].zh,
                              int{b->scenarios[j]}, int{a->scenarios[k]}),
                  fmt::format("约束性场景{}由{}级降至{}级", rules.scenarios[k].zh,
                              int{b->scenarios[j]}, int{a->scenarios[k]}),
                  "恢复约束性场景等级后重新验收");
          }
        }
        break;
    }
  }
  r.decision = Decision::passed;
  for (const auto& reason : r.reasons) {
    if (reason.outcome == Decision::failed) r.decision = Decision::failed;
    if (reason.outcome == Decision::incomplete && r.decision == Decision::passed)
      r.decision = Decision::incomplete;
  }
  return r;
}

// The latest known level: the acceptance's, else the baseline's.
int latest_level(const AcceptanceRecord& r) {
  if (r.acceptance && r.acceptance->ok()) return r.acceptance->level;
  if (r.baseline && r.baseline->ok()) return r.baseline->level;
  return 0;
}

void count(ProgressRow& row, const AcceptanceRecord& r, int target_level, Date as_of) {
  ++row.registered;
  if (r.baseline) ++row.diagnosed;
  if (!r.acceptance) {
    ++row.awaiting_acceptance;
    if (r.baseline && r.enterprise->contract_date && *r.enterprise->contract_date <= as_of)
      ++row.in_transformation;
  }
  // Failed whether or not an acceptance survey was given: a failed-outcome check (a baseline,
  // evidence) can fail an enterprise before it, and its provider counts it failed too. Only
  // incomplete asks for an acceptance survey; without one the enterprise awaits acceptance.
  if (r.decision == Decision::passed)
    ++row.passed;
  else if (r.decision == Decision::failed)
    ++row.failed;
  else if (r.acceptance)
    ++row.incomplete;
  if ((r.baseline || r.acceptance) && latest_level(r) >= target_level) ++row.at_or_above;
}

void finish(ProgressRow& row) {
  row.share_at_or_above = percent(row.at_or_above, row.registered);
  row.passed_of_target = percent(row.passed, row.target);
}

Progress progress_of(const Pilot::State& s, const std::vector<AcceptanceRecord>& records,
                     Date as_of, int selected_cases) {
  const Programme& prog = s.programme;
  Progress p;
  p.as_of = as_of;
  p.target_level = prog.target_level;
  p.total.key = "total";
  p.total.zh = "合计";
  p.total.target = prog.total_target;
  std::map<std::string, ProgressRow> districts;
  auto row = [](std::string key, std::string zh, int target) {
    ProgressRow r;
    r.key = std::move(key);
    r.zh = std::move(zh);
    r.target = target;
    return r;
  };
  for (const auto& ind : prog.industries) p.by_industry.push_back(row(ind.id, ind.zh, ind.target));
  for (const auto& b : prog.batches) p.by_batch.push_back(row(b.id, b.zh, 0));
  for (const auto& pr : s.providers) p.by_provider.push_back(row(pr.id, pr.name, 0));
  for (const auto& r : records) {
    const Enterprise& e = *r.enterprise;
    count(p.total, r, prog.target_level, as_of);
    for (auto& row : p.by_industry)
      if (row.key == e.industry) count(row, r, prog.target_level, as_of);
    for (auto& row : p.by_batch)
      if (row.key == e.batch) count(row, r, prog.target_level, as_of);
    for (const auto& pid : e.providers)
      count(p.by_provider[s.provider_index.at(pid)], r, prog.target_level, as_of);
    auto& d = districts[e.district];
    d.key = d.zh = e.district;
    count(d, r, prog.target_level, as_of);
  }
  for (auto& [k, row] : districts) p.by_district.push_back(row);
  finish(p.total);
  for (auto* rows : {&p.by_industry, &p.by_district, &p.by_batch, &p.by_provider})
    for (auto& row : *rows) finish(row);

  for (std::size_t k = 0; k < prog.batches.size(); ++k) {
    const Batch& b = prog.batches[k];
    const ProgressRow& row = p.by_batch[k];
    BatchProgress bp;
    bp.id = b.id;
    bp.zh = b.zh;
    bp.status = as_of < b.transform_from    ? "not_started"
                : as_of < b.acceptance_from ? "transforming"
                : as_of <= b.acceptance_by  ? "acceptance_due"
                                            : "closed";
    bp.registered = row.registered;
    bp.diagnosed = row.diagnosed;
    bp.passed = row.passed;
    // Every enterprise of a batch is diagnosed before its transformation starts, and passed by
    // the end of its acceptance month.
    bp.expected_diagnosed = as_of < b.transform_from ? 0 : row.registered;
    bp.expected_passed = as_of <= b.acceptance_by ? 0 : row.registered;
    p.calendar.push_back(std::move(bp));
  }

  for (const auto& ind : prog.industries) {
    FocusCoverage f;
    f.industry = ind.id;
    std::map<std::string, int> per;
    for (const auto& e : s.enterprises) {
      if (e.industry != ind.id) continue;
      ++f.enterprises;
      if (std::find(ind.focus_districts.begin(), ind.focus_districts.end(), e.district) !=
          ind.focus_districts.end()) {
        ++f.in_focus;
        ++per[e.district];
      }
    }
    for (const auto& d : ind.focus_districts) (per.count(d) ? f.covered : f.uncovered).push_back(d);
    f.share_in_focus = percent(f.in_focus, f.enterprises);
    p.focus.push_back(std::move(f));
  }

  for (const auto& t : prog.targets) {
    TargetProgress tp;
    tp.id = t.id;
    tp.zh = t.zh;
    tp.value = t.value;
    switch (t.measure) {
      case OtherTarget::Measure::tag:
        for (const auto& e : s.enterprises)
          tp.actual += std::find(e.tags.begin(), e.tags.end(), t.tag) != e.tags.end();
        break;
      case OtherTarget::Measure::providers:
        tp.actual = static_cast<int>(s.providers.size());
        break;
      case OtherTarget::Measure::cases:
        tp.actual = selected_cases;
        break;
    }
    tp.percent = percent(tp.actual, tp.value);
    p.targets.push_back(std::move(tp));
  }

  // At risk: acceptance due or overdue and not passed, whatever the level (one at the target
  // but failed or incomplete for its evidence, dates or rule set is not paid either).
  for (const auto& r : records) {
    const Batch* b = prog.find_batch(r.enterprise->batch);
    if (!b || as_of < b->acceptance_from || r.decision == Decision::passed) continue;
    const int level = latest_level(r);
    AtRisk risk;
    risk.id = r.enterprise->id;
    risk.name = r.enterprise->name;
    risk.batch = b->id;
    risk.level = level;
    const char* when = as_of <= b->acceptance_by ? "due" : "overdue";
    if (!r.acceptance && !r.baseline)
      risk.reason =
          fmt::format("acceptance {} by {}; not yet assessed", when, b->acceptance_by.to_string());
    else if (!r.acceptance)
      risk.reason = fmt::format("acceptance {} by {}; baseline level {}, target {}", when,
                                b->acceptance_by.to_string(), level, prog.target_level);
    else
      risk.reason = fmt::format("acceptance {} by {}; {}: {}", when, b->acceptance_by.to_string(),
                                to_string(r.decision), r.reasons.front().message);
    p.at_risk.push_back(std::move(risk));
  }

  // The follow-up list: the at-risk enterprises (acceptance due or overdue, not passed), and
  // every enterprise of a batch whose transformation has started that has no baseline yet.
  for (const auto& r : records) {
    const Batch* b = prog.find_batch(r.enterprise->batch);
    if (!b || as_of < b->transform_from) continue;
    const bool due = !(as_of < b->acceptance_from) && r.decision != Decision::passed;
    if (!due && r.baseline) continue;
    FollowUp f;
    f.record = &r;
    f.kind = !due ? "not_diagnosed" : as_of <= b->acceptance_by ? "due" : "overdue";
    f.due = b->acceptance_by;
    // The latest scored level; none when no survey could be scored.
    if (r.acceptance && r.acceptance->ok())
      f.level = r.acceptance->level;
    else if (r.baseline && r.baseline->ok())
      f.level = r.baseline->level;
    auto act = [&](const std::string& a) {
      if (std::find(f.actions.begin(), f.actions.end(), a) == f.actions.end())
        f.actions.push_back(a);
    };
    const bool told = due && std::any_of(r.reasons.begin(), r.reasons.end(), [](const auto& x) {
                        return x.check == "baseline_present";
                      });
    if (!r.baseline && !told) {  // the baseline comes first, whether or not a check asks for it
      f.reasons.push_back("尚未开展改造前诊断评测（基线）");
      act("补做改造前诊断评测");
    }
    if (due) {
      for (const auto& x : r.reasons) {
        f.reasons.push_back(x.zh);
        act(x.action);
      }
    }
    p.follow_up.push_back(std::move(f));
  }
  return p;
}

std::vector<ProviderScore> rate(const Pilot::State& s,
                                const std::vector<AcceptanceRecord>& records) {
  const Programme& prog = s.programme;
  const ProviderRating& m = prog.rating;
  std::vector<ProviderScore> out(s.providers.size());
  std::vector<detail::OutcomeTally> acc(s.providers.size());
  std::vector<detail::SatisfactionTally> sats(s.providers.size());
  for (std::size_t k = 0; k < s.providers.size(); ++k) {
    out[k].id = s.providers[k].id;
    out[k].name = s.providers[k].name;
  }
  for (const auto& r : records)
    for (const auto& pid : r.enterprise->providers) acc[s.provider_index.at(pid)].add(r);
  for (const auto& rating : s.ratings) sats[rating.provider].add(prog, rating);
  const Ratio hundred = Ratio::of(100, 1);
  std::vector<std::optional<Ratio>> composite(out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    ProviderScore& p = out[k];
    const detail::OutcomeTally& t = acc[k];
    p.enterprises = t.enterprises;
    p.accepted = t.accepted;
    p.passed = t.passed;
    p.failed = t.failed;
    p.incomplete = t.incomplete;
    p.on_time = t.on_time;
    p.ratings = sats[k].ratings;
    std::optional<Ratio> perf, sat;
    if (p.accepted > 0) {
      const Ratio pass = *t.pass_rate();
      const Ratio on_time = *t.on_time_share();
      p.pass_rate = (pass * hundred).decimal();
      p.on_time_share = (on_time * hundred).decimal();
      Ratio gain_score = Ratio::of(0, 1);
      if (const auto gain = t.mean_level_gain()) {
        p.mean_level_gain = gain->decimal();
        p.mean_point_gain = t.mean_point_gain()->decimal();
        gain_score = *gain / Ratio::of(m.full_level_gain.thousandths(), 1000);
        if (gain_score < Ratio::of(0, 1)) gain_score = Ratio::of(0, 1);
        if (Ratio::of(1, 1) < gain_score) gain_score = Ratio::of(1, 1);
      } else {
        p.notes.push_back("没有两次评测均计分的企业：等级提升按 0 计");
      }
      perf = Ratio::of(m.weight_pass_rate, 1) * pass +
             Ratio::of(m.weight_level_gain, 1) * gain_score +
             Ratio::of(m.weight_on_time, 1) * on_time;
      p.performance = perf->decimal();
    } else {
      p.notes.push_back("没有已验收的企业：无服务绩效");
    }
    if (p.ratings > 0) {
      p.mean_satisfaction = sats[k].mean()->decimal();
      sat = sats[k].score(prog);
      p.satisfaction = sat->decimal();
    } else {
      p.notes.push_back("没有满意度评价：无企业满意度");
    }
    if (perf && sat) {
      composite[k] = (Ratio::of(m.weight_performance, 1) * *perf +
                      Ratio::of(m.weight_satisfaction, 1) * *sat) /
                     hundred;
      p.composite = composite[k]->decimal();
      for (const auto& g : m.stars) {
        if (!(*composite[k] < Ratio::of(g.min.thousandths(), 1000))) {
          p.stars = g.stars;
          break;
        }
      }
    }
    if (!p.composite || p.accepted < m.min_accepted) {
      p.flag = "insufficient_data";
      if (p.accepted < m.min_accepted)
        p.notes.push_back(fmt::format("已验收企业 {} 家，少于 {} 家：数据不足，不评星", p.accepted,
                                      m.min_accepted));
    } else {
      p.flag = *composite[k] < Ratio::of(m.warn_below.thousandths(), 1000) ? "warn" : "ok";
    }
  }
  // Ranked by the exact composite, highest first; equal composites share a rank (1, 2, 2, 4)
  // and are marked tied, listed by id. Providers with insufficient data come last, unranked
  // and without stars: too few results to grade.
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (out[k].flag == "insufficient_data") {
      composite[k].reset();
      out[k].stars = 0;
    }
  }
  std::vector<std::size_t> order(out.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (composite[x].has_value() != composite[y].has_value()) return composite[x].has_value();
    if (composite[x] && !(*composite[x] == *composite[y])) return *composite[y] < *composite[x];
    return out[x].id < out[y].id;
  });
  std::vector<ProviderScore> ranked;
  for (std::size_t n = 0; n < order.size(); ++n) {
    const std::size_t k = order[n];
    ProviderScore p = std::move(out[k]);
    if (composite[k]) {
      const bool same_prev =
          n > 0 && composite[order[n - 1]] && *composite[order[n - 1]] == *composite[k];
      const bool same_next = n + 1 < order.size() && composite[order[n + 1]] &&
                             *composite[order[n + 1]] == *composite[k];
      p.rank = same_prev ? ranked.back().rank : static_cast<int>(n) + 1;
      p.tied = same_prev || same_next;
    }
    ranked.push_back(std::move(p));
  }
  return ranked;
}

// The before/after summary that starts a case write-up: level, total, each scenario that
// changed, each item that gained points.
std::string case_summary(const CaseCandidate& k) {
  const AcceptanceRecord& r = *k.record;
  const RuleSet& rules = r.acceptance->engine->rules();
  std::string sc, items;
  if (r.comparable) {
    for (std::size_t j = 0; j < rules.scenarios.size(); ++j) {
      if (r.acceptance->scenarios[j] == r.baseline->scenarios[j]) continue;
      if (!sc.empty()) sc += "、";
      sc += fmt::format("{} {}→{}", rules.scenarios[j].zh, int{r.baseline->scenarios[j]},
                        int{r.acceptance->scenarios[j]});
    }
    const auto all = rules.items();
    for (std::size_t j = 0; j < all.size(); ++j) {
      if (!(r.baseline->items[j] < r.acceptance->items[j])) continue;
      if (!items.empty()) items += "、";
      items += fmt::format("{} {}→{}", all[j]->zh, r.baseline->items[j].to_string(),
                           r.acceptance->items[j].to_string());
    }
  }
  std::string summary = fmt::format(
      "{}：等级 {}→{}（{:+}），总分 {}→{}（{}{}）", r.enterprise->name, r.baseline->level,
      r.acceptance->level, k.level_steps, r.baseline->total.to_string(),
      r.acceptance->total.to_string(), k.points < Decimal{} ? "" : "+", k.points.to_string());
  if (!sc.empty()) summary += fmt::format("；场景变化：{}", sc);
  if (!items.empty()) summary += fmt::format("；得分提高的指标：{}", items);
  summary += "。";
  return summary;
}

std::vector<CaseCandidate> cases_of(const Pilot::State& s,
                                    const std::vector<AcceptanceRecord>& records) {
  const Programme& prog = s.programme;
  std::vector<CaseCandidate> c;
  for (const auto& r : records) {
    if (r.decision != Decision::passed || !r.baseline || !r.baseline->ok()) continue;
    CaseCandidate k;
    k.record = &r;
    k.level_steps = r.acceptance->level - r.baseline->level;
    k.points = r.acceptance->total - r.baseline->total;
    if (r.comparable)
      for (std::size_t j = 0; j < r.acceptance->scenarios.size(); ++j)
        k.scenarios_raised += r.acceptance->scenarios[j] > r.baseline->scenarios[j];
    c.push_back(std::move(k));
  }
  // Verified gain: level steps, then points, then scenarios raised; equal on all three is a tie
  // (same rank), listed by id.
  auto key = [](const CaseCandidate& k) {
    return std::make_tuple(k.level_steps, k.points, k.scenarios_raised);
  };
  std::stable_sort(c.begin(), c.end(), [&](const CaseCandidate& x, const CaseCandidate& y) {
    if (key(x) != key(y)) return key(y) < key(x);
    return x.record->enterprise->id < y.record->enterprise->id;
  });
  for (std::size_t n = 0; n < c.size(); ++n) {
    const bool same_prev = n > 0 && key(c[n - 1]) == key(c[n]);
    const bool same_next = n + 1 < c.size() && key(c[n + 1]) == key(c[n]);
    c[n].rank = same_prev ? c[n - 1].rank : static_cast<int>(n) + 1;
    c[n].tied = same_prev || same_next;
  }
  // The best `per_industry` of each industry first, then the best of the rest up to the target.
  int chosen = 0;
  for (const auto& ind : prog.industries) {
    int taken = 0;
    for (auto& k : c) {
      if (taken >= prog.cases.per_industry || chosen >= prog.cases.target) break;
      if (k.record->enterprise->industry != ind.id) continue;
      k.suggested = true;
      k.why = fmt::format("{}前 {} 名", ind.zh.empty() ? ind.id : ind.zh, prog.cases.per_industry);
      ++taken;
      ++chosen;
    }
  }
  for (auto& k : c) {
    if (chosen >= prog.cases.target) break;
    if (k.suggested) continue;
    k.suggested = true;
    k.why = "总排名";
    ++chosen;
  }
  // The city's choice, whatever the rank: what the 典型案例 target counts.
  for (auto& k : c) {
    const auto i = static_cast<std::size_t>(k.record - records.data());
    k.selected = s.selected_where[i].known();
  }
  // Summaries only for the suggested and the selected: they are what a write-up starts from,
  // and the text of every candidate of a large programme would cost more memory than the rest.
  for (auto& k : c)
    if (k.suggested || k.selected) k.summary = case_summary(k);
  // A tie cut by the target: say so on the tied candidates left out.
  std::set<int> suggested_ranks;
  for (const auto& k : c)
    if (k.suggested) suggested_ranks.insert(k.rank);
  for (auto& k : c)
    if (!k.suggested && k.tied && suggested_ranks.count(k.rank))
      k.why = "与推荐候选并列；达到目标数后按编号顺序未列入";
  return c;
}

}  // namespace

PilotResult Pilot::run(std::optional<Date> as_of) const {
  const State& s = *s_;
  PilotResult result;
  result.acceptance.reserve(s.enterprises.size());
  for (std::size_t i = 0; i < s.enterprises.size(); ++i) result.acceptance.push_back(accept(s, i));
  const Date when = as_of ? *as_of : s.latest.value_or(Date{});
  result.providers = rate(s, result.acceptance);
  result.cases = cases_of(s, result.acceptance);
  const int selected = static_cast<int>(std::count_if(
      result.cases.begin(), result.cases.end(), [](const CaseCandidate& k) { return k.selected; }));
  result.progress = progress_of(s, result.acceptance, when, selected);
  // Selected by the city but not a candidate (not passed, or no scored baseline): not counted.
  std::vector<bool> candidate(s.enterprises.size());
  for (const auto& k : result.cases)
    candidate[static_cast<std::size_t>(k.record - result.acceptance.data())] = true;
  for (std::size_t i = 0; i < s.enterprises.size(); ++i)
    if (s.selected_where[i].known() && !candidate[i])
      result.progress.selected_not_candidates.push_back(s.enterprises[i].id);
  result.subsidy = detail::evaluate_subsidy(s, result.acceptance);
  result.projects = detail::evaluate_projects(s, when);
  result.composition = detail::evaluate_composition(s, result.acceptance, when);
  if (s.catalogue) result.products = detail::evaluate_products(s, result.acceptance);
  result.needs = detail::evaluate_needs(s);
  return result;
}

}  // namespace smedx
