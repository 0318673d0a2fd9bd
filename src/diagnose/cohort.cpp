#include "smedx/cohort.h"

#include <fmt/format.h>

#include "common/json_writer.h"

namespace smedx {

namespace {
std::string key_of(const Requirement& r) {
  return (r.change.kind == Change::Kind::scenario ? "scenario:" : "item:") + r.change.id;
}
std::string field(const Diagnosis& d, std::string_view name) {
  for (const auto& [k, v] : d.assessment.enterprise)
    if (k == name) return v;
  return {};
}
}  // namespace

Cohort::Cohort(const RuleSet& rules, Decimal threshold, bool by_district)
    : rules_(rules), threshold_(threshold), by_district_(by_district) {}

std::string Cohort::group_of(const Diagnosis& d) const {
  return by_district_ ? d.industry + " / " + field(d, "district") : d.industry;
}

std::string Cohort::label(const Diagnosis& d) {
  if (!d.assessment.enterprise_id.empty()) return d.assessment.enterprise_id;
  const auto& where = d.assessment.errors.empty() ? Location{} : d.assessment.errors.front().where;
  return where.known() ? fmt::format("{}:{}", where.file, where.line) : "unknown";
}

void Cohort::add(const Diagnosis& d) {
  const std::string id = label(d);
  if (!seen_.insert(id).second) duplicates_.push_back(id);
  CohortGroup& g = groups_[group_of(d)];
  if (g.enterprises == 0) {
    g.industry = d.industry;
    if (by_district_) g.district = field(d, "district");
    const IndustryProfile* p = rules_.find_profile(d.industry);
    g.zh = p ? p->zh : "";
  }
  ++g.enterprises;
  if (!d.assessment.ok()) {
    g.errors.emplace_back(id, d.assessment.errors.front().message);
    return;
  }
  ++g.scored;
  ++g.levels[d.assessment.level];
  if (d.assessment.level >= d.target) ++g.at_or_above_target;
  for (const auto& r : d.requirements) {
    CohortRequirement& cr = g.requirements[key_of(r)];
    if (cr.count == 0) {
      cr.kind = r.change.kind == Change::Kind::scenario ? "scenario" : "item";
      cr.id = r.change.id;
      cr.code = r.change.code;
      cr.zh = r.zh;
    }
    ++cr.count;
    cr.enterprises.push_back(d.assessment.enterprise_id);
  }
}

bool Cohort::is_common(const std::string& group, const Requirement& r) const {
  auto g = groups_.find(group);
  if (g == groups_.end() || g->second.below_target() == 0) return false;
  auto it = g->second.requirements.find(key_of(r));
  if (it == g->second.requirements.end()) return false;
  // Counted among the enterprises below their target, the only ones with requirements (counted
  // over the whole group, a group mostly at target would have no 共性 at all): count / below >=
  // threshold, exactly: count * 1000 >= threshold_thousandths * below; and shared by at least
  // two enterprises.
  return it->second.count >= 2 && static_cast<std::int64_t>(it->second.count) * Decimal::scale >=
                                      threshold_.thousandths() * g->second.below_target();
}

void Cohort::tag(Diagnosis& d) const {
  const std::string g = group_of(d);
  for (auto& r : d.requirements) r.common = is_common(g, r);
}

std::string Cohort::to_json() const {
  detail::Writer w;
  w.open('{');
  w.raw("threshold", threshold_.to_string());
  w.strings("duplicate_ids", duplicates_);
  w.key("groups");
  w.open('[');
  for (const auto& [key, g] : groups_) {
    w.item_sep();
    w.open('{');
    w.str("group", key);
    w.str("industry", g.industry);
    if (by_district_) w.str("district", g.district);
    w.str("zh", g.zh);
    w.raw("enterprises", std::to_string(g.enterprises));
    w.raw("scored", std::to_string(g.scored));
    w.raw("at_or_above_target", std::to_string(g.at_or_above_target));
    w.raw("below_target", std::to_string(g.below_target()));
    w.raw("share_at_or_above_target",
          g.scored ? fmt::format("{:.4f}", static_cast<double>(g.at_or_above_target) / g.scored)
                   : "0");
    w.key("levels");
    w.open('{');
    for (const auto& [level, n] : g.levels) w.raw(std::to_string(level), std::to_string(n));
    w.close('}');
    w.key("common_requirements");
    w.open('[');
    for (const auto& [rk, r] : g.requirements) {
      Requirement probe;
      probe.change.kind = r.kind == "scenario" ? Change::Kind::scenario : Change::Kind::item;
      probe.change.id = r.id;
      if (!is_common(key, probe)) continue;
      w.item_sep();
      w.open('{');
      w.str("kind", r.kind);
      w.str("id", r.id);
      w.str("code", r.code);
      w.str("zh", r.zh);
      w.raw("count", std::to_string(r.count));
      w.raw("share", fmt::format("{:.4f}", static_cast<double>(r.count) / g.below_target()));
      w.strings("enterprises", r.enterprises);
      w.close('}');
    }
    w.close(']');
    w.key("errors");
    w.open('[');
    for (const auto& [id, message] : g.errors) {
      w.item_sep();
      w.open('{');
      w.str("enterprise_id", id);
      w.str("message", message);
      w.close('}');
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return std::move(w.out);
}

}  // namespace smedx
