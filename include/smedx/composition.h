// Composition and coverage targets of a pilot (试点企业构成): how many of the pilot's enterprises
// are 小巨人 or 省级专精特新 (at the target level, when asked), how many were newly cultivated as
// 专精特新 or 创新型 (a tag with a date, `专精特新@2026-05-10`), 智能工厂 and 上云 (from a survey
// item where the rule set can tell, else from tags, saying which), and the share of 规上
// enterprises per industry at the target level against the programme's share. Rules:
// docs/programmes.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/pilot.h"
#include "smedx/programme.h"

namespace smedx {

struct CompositionTarget {
  std::string id, zh, tag;
  int value = 0;
  bool at_level = false;      // only enterprises whose latest level reaches the target level
  std::optional<Date> since;  // only tags dated from this day to the as-of date
  std::string survey_item;    // counted from this item's points instead, when set
  Decimal survey_min_points;
};

struct CompositionRule {
  std::vector<CompositionTarget> targets;
  std::string above_scale_tag;  // empty: no 规上 share check
  int above_scale_level = 0;
  Decimal above_scale_percent;
};

struct CompositionCount {
  const CompositionTarget* target = nullptr;
  int actual = 0;
  Decimal percent;    // of the value
  std::string basis;  // tag, dated_tag or survey
};

struct AboveScaleShare {
  std::string industry, zh;
  int above_scale = 0, at_level = 0;
  Decimal share_percent;
  bool met = false;
};

struct CompositionResult {
  std::vector<CompositionCount> targets;
  std::vector<AboveScaleShare> above_scale;  // per programme industry
  Decimal above_scale_target;
  int above_scale_level = 0;
};

std::string composition_json(const CompositionResult& r);
std::string composition_html_section(const CompositionResult& r);

}  // namespace smedx
