// Project stages: reads the projects table (a date per milestone per enterprise) and tells each
// enterprise's stage at as_of. A milestone is reached when it is dated on or before as_of; the
// stage is the last milestone reached, in the programme's order; a milestone with a deadline
// (`due: {after, days}`) is overdue when `after` is reached, it is not, and as_of is past the
// deadline. Dates must not go backwards along the order (a later milestone dated before an
// earlier one is an error record).
#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "pilot/pilot_table.h"
#include "pilot/projects_evaluate.h"
#include "smedx/projects.h"

namespace smedx {

std::string_view project_status_zh(std::string_view status) noexcept {
  if (status == "not_recorded") return "未录入";
  if (status == "not_started") return "未启动";
  if (status == "on_track") return "按期推进";
  if (status == "overdue") return "逾期";
  if (status == "done") return "已完成";
  return "";
}

void Pilot::add_projects(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  if (!s.programme.stages)
    throw std::invalid_argument("the programme lists no milestones: a projects table has no use");
  const auto& ms = s.programme.stages->milestones;
  s.projects_given = true;
  s.project_dates.resize(s.enterprises.size());
  s.project_where.resize(s.enterprises.size());
  const std::size_t first_error = s.errors.size();
  int header_line = 0;
  std::vector<std::string_view> known = {"enterprise_id"};
  for (const auto& m : ms) known.push_back(m.id);
  detail::read_pilot_table(
      in, source, format, "the projects", known, s.errors, s.counts.project_rows, header_line,
      [&](const detail::TableRow& row) {
        std::vector<Issue> problems;
        auto fail = [&](std::string message) {
          problems.push_back(Issue{Severity::error, std::move(message), "",
                                   Location{std::string(source), row.line, 1}, row.text});
        };
        const std::string* idp = row.get("enterprise_id");
        const std::string id = idp ? *idp : std::string();
        auto it = s.index.end();
        if (id.empty())
          fail("missing enterprise_id");
        else if (it = s.index.find(id); it == s.index.end())
          fail(fmt::format("a project of enterprise '{}', which is not in the register", id));
        std::vector<std::optional<Date>> dates(ms.size());
        std::optional<std::size_t> last;  // the latest-ordered milestone dated so far
        for (std::size_t k = 0; k < ms.size(); ++k) {
          const std::string* v = row.get(ms[k].id);
          if (!v || v->empty()) continue;
          dates[k] = parse_date(*v);
          if (!dates[k]) {
            fail(fmt::format("{} '{}' is not a date (expected yyyy-mm-dd)", ms[k].id, *v));
            continue;
          }
          if (last && *dates[k] < *dates[*last])
            fail(fmt::format("{} {} is before {} {}, which comes earlier", ms[k].id,
                             dates[k]->to_string(), ms[*last].id, dates[*last]->to_string()));
          last = k;
        }
        if (it != s.index.end() && s.project_where[it->second].known())
          fail(fmt::format("a second project row for enterprise '{}' (first on line {})", id,
                           s.project_where[it->second].line));
        if (!problems.empty()) {
          for (auto& p : problems) s.errors.push_back(std::move(p));
          return;
        }
        s.project_dates[it->second] = std::move(dates);
        s.project_where[it->second] = Location{std::string(source), row.line, 1};
      });
  s.counts.error_records += detail::error_records_among(s.errors, first_error, header_line);
}

namespace detail {

std::shared_ptr<const ProjectsResult> evaluate_projects(const Pilot::State& s, Date as_of) {
  if (!s.programme.stages || !s.projects_given) return nullptr;
  const Programme& prog = s.programme;
  const auto& ms = prog.stages->milestones;
  auto out = std::make_shared<ProjectsResult>();
  out->as_of = as_of;
  for (std::size_t i = 0; i < s.enterprises.size(); ++i) {
    ProjectStatus p;
    p.enterprise = &s.enterprises[i];
    p.recorded = i < s.project_where.size() && s.project_where[i].known();
    p.dates = p.recorded ? s.project_dates[i] : std::vector<std::optional<Date>>(ms.size());
    auto reached = [&](std::size_t k) { return p.dates[k] && *p.dates[k] <= as_of; };
    for (std::size_t k = 0; k < ms.size(); ++k)
      if (reached(k)) p.reached = static_cast<int>(k);
    for (int k = 0; k < p.reached; ++k)
      if (!reached(static_cast<std::size_t>(k))) p.skipped.push_back(static_cast<std::size_t>(k));
    if (p.reached + 1 < static_cast<int>(ms.size())) p.next = p.reached + 1;
    for (std::size_t k = 0; k < ms.size(); ++k) {
      const Milestone& m = ms[k];
      if (m.after < 0 || reached(k) || !reached(static_cast<std::size_t>(m.after))) continue;
      const Date due{p.dates[static_cast<std::size_t>(m.after)]->days + m.days};
      if (static_cast<int>(k) == p.next) p.next_due = due;
      if (due < as_of) p.overdue.push_back({k, due, as_of.days - due.days});
    }
    p.status = !p.recorded                                    ? "not_recorded"
               : !p.overdue.empty()                           ? "overdue"
               : p.reached < 0                                ? "not_started"
               : p.reached + 1 == static_cast<int>(ms.size()) ? "done"
                                                              : "on_track";
    out->enterprises.push_back(std::move(p));
  }
  // Funnels: a milestone counts as passed when it or any later one is reached.
  auto add = [&](StageFunnel& f, const ProjectStatus& p) {
    if (f.reached.empty()) f.reached.assign(ms.size(), 0);
    ++f.enterprises;
    f.overdue += p.status == "overdue";
    for (int k = 0; k <= p.reached; ++k) ++f.reached[static_cast<std::size_t>(k)];
  };
  auto breakdown = [&](std::vector<StageFunnel>& rows,
                       const std::vector<std::pair<std::string, std::string>>& known,
                       auto keys_of) {
    std::map<std::string, std::size_t> at;
    for (const auto& [k, zh] : known) {
      at.emplace(k, rows.size());
      rows.push_back(StageFunnel{k, zh, 0, 0, std::vector<int>(ms.size())});
    }
    for (const auto& p : out->enterprises)
      for (const auto& [k, zh] : keys_of(*p.enterprise)) {
        auto [it, fresh] = at.emplace(k, rows.size());
        if (fresh) rows.push_back(StageFunnel{k, zh, 0, 0, std::vector<int>(ms.size())});
        add(rows[it->second], p);
      }
  };
  using Keys = std::vector<std::pair<std::string, std::string>>;
  Keys industries, batches, providers;
  for (const auto& ind : prog.industries) industries.emplace_back(ind.id, ind.zh);
  for (const auto& b : prog.batches) batches.emplace_back(b.id, b.zh);
  for (const auto& pr : s.providers) providers.emplace_back(pr.id, pr.name);
  breakdown(out->by_industry, industries, [](const Enterprise& e) {
    return Keys{{e.industry, e.industry}};
  });
  breakdown(out->by_district, {}, [](const Enterprise& e) {
    return Keys{{e.district, e.district}};
  });
  breakdown(out->by_batch, batches, [](const Enterprise& e) { return Keys{{e.batch, e.batch}}; });
  breakdown(out->by_provider, providers, [](const Enterprise& e) {
    Keys k;
    for (const auto& p : e.providers) k.emplace_back(p, p);
    return k;
  });
  out->total = StageFunnel{"total", "合计", 0, 0, std::vector<int>(ms.size())};
  for (const auto& p : out->enterprises) add(out->total, p);
  return out;
}

}  // namespace detail
}  // namespace smedx
