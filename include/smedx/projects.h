// Project stages (项目阶段) of a pilot: the programme lists the milestones in order (备案/立项 →
// 诊断 → 合同 → 实施 → 监理节点 → 申请验收 → 现场评测 → 验收 → 奖补申报 → 兑现), each optionally
// due a set number of days after an earlier one; the `projects` input dates them per enterprise.
// Out: each enterprise's stage and status at --as-of, the overdue ones, and stage funnels by
// industry, district, batch and provider. Rules: docs/programmes.md, "Project stages".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx {

struct Milestone {
  std::string id, zh;
  // Due `days` days after the milestone `after` (an earlier one) is dated; -1: no deadline.
  int after = -1;
  int days = 0;
};

struct StageRule {
  std::vector<Milestone> milestones;  // in order
};

struct ProjectOverdue {
  std::size_t milestone = 0;
  Date due;
  int days_over = 0;
};

struct ProjectStatus {
  const Enterprise* enterprise = nullptr;
  bool recorded = false;                   // a projects row was given
  std::vector<std::optional<Date>> dates;  // per milestone, as given
  int reached = -1;                        // the last milestone reached by as_of (-1: none)
  int next = -1;                           // the next milestone (-1: none, all done)
  std::optional<Date> next_due;
  std::vector<ProjectOverdue> overdue;  // due by as_of and not reached
  std::vector<std::size_t> skipped;     // earlier milestones undated when a later one is
  // not_recorded, not_started, on_track, overdue, done
  std::string status;
};
std::string_view project_status_zh(std::string_view status) noexcept;

struct StageFunnel {
  std::string key, zh;
  int enterprises = 0, overdue = 0;
  std::vector<int> reached;  // per milestone: how many reached it (or a later one) by as_of
};

struct ProjectsResult {
  Date as_of;
  std::vector<ProjectStatus> enterprises;  // register order
  StageFunnel total;
  std::vector<StageFunnel> by_industry, by_district, by_batch, by_provider;
};

std::string projects_json(const Programme& programme, const ProjectsResult& r);
// CSV without the BOM (the driver writes it); `headers` zh: Chinese column names (a milestone's
// column by its zh name).
std::string projects_csv(const Programme& programme, const ProjectsResult& r,
                         CsvHeaders headers = CsvHeaders::en);
// The dashboard's 项目阶段 section (a fragment of HTML).
std::string projects_html_section(const Programme& programme, const ProjectsResult& r);

}  // namespace smedx
