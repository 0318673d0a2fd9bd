// The rule-set model: an indicator standard as plain value types.
// Filled by the YAML reader and checked by the validator; knows nothing of YAML. Every number
// of the standard (points, bands, thresholds) lives here as data, never in code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnostics.h"

namespace smedx {

enum class ItemKind { single, multi, band, trend };
enum class Trend { decrease, flat, increase };
enum class Better { lower, higher };

std::string_view to_string(ItemKind k) noexcept;
std::string_view to_string(Trend t) noexcept;
std::string_view to_string(Better b) noexcept;

struct Option {
  char letter = 'A';
  std::string zh;
  std::string en;
  Decimal points;
  bool none = false;           // multi: the exclusive "无" option
  Decimal lower, upper;        // band: (lower, upper] in percent; the first band is closed
  std::optional<Trend> trend;  // trend: which movement this option stands for
  std::string scenario;        // optional: the scenario whose business area this option is
};

struct Item {
  std::string id;
  std::string code;
  std::string zh;
  std::string en;
  std::string question;
  std::string question_en;
  ItemKind kind = ItemKind::single;
  Decimal max;
  std::vector<Option> options;
  std::vector<std::string> evidence;
  Better better = Better::higher;  // trend only
  Decimal tolerance;               // trend only: percent of the earlier figure counted as flat

  const Option* find_option(char letter) const noexcept;
};

struct SubIndicator {
  std::string id;
  std::string code;
  std::string zh;
  std::string en;
  Decimal max;
  std::vector<Item> items;
};

struct Dimension {
  std::string id;
  std::string code;
  std::string zh;
  std::string en;
  Decimal max;
  std::vector<SubIndicator> sub_indicators;
};

struct ScenarioLevel {
  std::string zh;        // the full text: what an enterprise reads to know what the level means
  std::string zh_short;  // optional: a condensed label for charts; empty when not given
  std::string en;
  std::vector<std::string> evidence;

  // The label for charts and axes: zh_short, or the full text when there is none.
  const std::string& short_zh() const noexcept { return zh_short.empty() ? zh : zh_short; }
};

struct ScenarioGroup {
  std::string id;
  std::string zh;
  std::string en;
};

struct Scenario {
  std::string id;
  std::string code;
  std::string zh;
  std::string en;
  std::string group;
  bool constraint = false;
  std::vector<ScenarioLevel> levels;  // levels[0] describes level 1
};

struct LevelRequirement {
  int level = 0;
  std::string zh;
  std::string en;
  Decimal min_points;
  int min_scenarios = 0;
  int min_constraint = 0;
};

struct LevelRule {
  std::string no_level_zh;
  std::string no_level_en;
  std::vector<LevelRequirement> levels;  // levels[0] is level 1

  int top_level() const noexcept { return static_cast<int>(levels.size()); }
};

// A condition on one survey's answers, used by consistency rules.
struct Condition {
  enum class Kind {
    has,
    has_all,
    has_any,
    scenario_at_least,
    any_scenario_at_least,
    all,
    any,
    not_
  };
  Kind kind = Kind::has;
  std::string item;              // has, has_all, has_any: an item id (codes are resolved)
  std::vector<char> letters;     // has: one letter; has_all / has_any: several
  std::string scenario;          // scenario_at_least: a scenario id
  int level = 0;                 // scenario_at_least, any_scenario_at_least
  std::vector<Condition> terms;  // all, any: several; not_: one
};

struct ConsistencyRule {
  std::string id;
  Severity severity = Severity::warning;
  Condition when;  // "if"
  Condition then;
  std::string message;
};

// How a diagnosis weighs changes: the default target level, the share that makes a
// requirement common (共性), and costs per scenario level step and per item point.
struct DiagnosisSettings {
  bool present = false;  // the rule set has a `diagnosis` section
  int target = 0;
  Decimal common_threshold;
  Decimal scenario_level_step;
  Decimal item_point;
};

// An industry's emphasis: its scenarios to stress, its default target, cheaper scenario steps.
struct IndustryProfile {
  std::string id;  // matches enterprise.industry; "default" for everyone else
  std::string zh;
  std::string en;
  int target = 0;                                               // 0: the rule set's default
  std::vector<std::string> emphasis;                            // scenario ids
  std::vector<std::pair<std::string, Decimal>> scenario_costs;  // scenario id -> step cost
};

struct Note {
  std::string id;
  std::string text;
};

struct Metadata {
  std::string id;
  std::string title;
  std::string title_en;
  std::string version;
  std::string issued_by;
  std::string issued;  // YYYY-MM-DD
  std::string source;
  std::vector<Note> notes;
};

struct RuleSet {
  Metadata meta;
  std::vector<Dimension> dimensions;
  std::string operations_zh;
  std::string operations_en;
  std::vector<ScenarioGroup> groups;
  std::vector<Scenario> scenarios;
  LevelRule level_rule;
  std::vector<ConsistencyRule> consistency;
  DiagnosisSettings diagnosis;
  std::vector<IndustryProfile> profiles;  // from the folder's industries/*.yaml
  // Set by the loader: a hash of the rule-set files' names and text, for provenance.
  std::string content_hash;

  // Lookups by id or code; nullptr when there is none.
  const Item* find_item(std::string_view id_or_code) const noexcept;
  const Scenario* find_scenario(std::string_view id_or_code) const noexcept;

  std::vector<const Item*> items() const;  // in document order
  // By id, or by Chinese name (zh).
  const IndustryProfile* find_profile(std::string_view id) const noexcept;
  Decimal max_points() const noexcept;  // sum of the dimensions' maxima
  int constraint_count() const noexcept;
};

}  // namespace smedx
