// One enterprise's survey as given: who it is, its answers and its scenario levels.
// Answers are kept as written (keyed by id or code, letters or figures); checking them against
// a rule set is check_survey()'s job, so one parsed survey can be checked against any rule set.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/rules.h"

namespace smedx {

struct Answer {
  enum class Kind { letters, percent, figures };
  Kind kind = Kind::letters;
  bool list = false;          // letters: given as a list (multi) rather than one letter
  std::vector<char> letters;  // letters
  std::string text;           // letters: as a person wrote them, when not plain letters (the
                              // option's wording, `b、c`, full width); the coder reads it
  std::string percent;        // percent: the number exactly as written, e.g. "10.01"
  std::string before;         // figures: both numbers exactly as written
  std::string after;
  Location where;
};

struct Survey {
  std::string enterprise_id;
  std::vector<std::pair<std::string, std::string>> enterprise;  // other fields, as given
  std::vector<std::pair<std::string, Answer>> answers;          // key: item id or code
  std::vector<std::pair<std::string, int>> scenarios;           // key: scenario id or code
  std::vector<Location> scenario_where;                         // parallel to scenarios
  Location where;
};

// Checks a survey's references and values against a rule set: known items and scenarios,
// letters the item has, list vs single letter, percentages 0-100, levels in range, every item
// and scenario present. Returns the problems found (empty when the survey is usable).
std::vector<Issue> check_survey(const Survey& survey, const RuleSet& rules);

}  // namespace smedx
