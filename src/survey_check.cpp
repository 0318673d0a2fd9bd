#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "exact.h"
#include "rule_reader.h"
#include "smedx/survey.h"

namespace smedx {

namespace {

std::string letters_text(const std::vector<char>& letters) {
  std::string out;
  for (char c : letters) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

// Exact comparison of a written percentage with 0 and 100, without going through binary floating
// point: only the sign and the integer part matter, plus whether anything follows 100.
bool percent_in_range(std::string_view text) {
  if (text.empty() || text[0] == '-') {
    // "-0" and "-0.0" are zero; anything else negative is out of range.
    return text.find_first_not_of("-0.") == std::string_view::npos && text.size() > 1;
  }
  if (text[0] == '+') text.remove_prefix(1);
  if (text.find_first_of("eE") != std::string_view::npos) {
    const double v = std::strtod(std::string(text).c_str(), nullptr);
    return v >= 0 && v <= 100;
  }
  const auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
  if (whole.size() < 3) return true;
  if (whole != "100") return false;
  if (dot == std::string_view::npos) return true;
  return text.substr(dot + 1).find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

std::vector<Issue> check_survey(const Survey& survey, const RuleSet& rules) {
  std::vector<Issue> issues;
  auto error = [&](const Location& where, std::string path, std::string message) {
    issues.push_back(Issue{Severity::error, std::move(message), std::move(path), where, ""});
  };
  const int top = rules.level_rule.top_level();
  std::vector<std::string_view> item_ids, scenario_ids;
  for (const Item* i : rules.items()) item_ids.push_back(i->id);
  for (const auto& s : rules.scenarios) scenario_ids.push_back(s.id);
  auto unknown = [](std::string_view what, std::string_view key,
                    const std::vector<std::string_view>& ids) {
    const std::string hint = detail::nearest(key, ids);
    return hint.empty() ? fmt::format("unknown {} '{}'", what, key)
                        : fmt::format("unknown {} '{}' (did you mean '{}'?)", what, key, hint);
  };

  if (survey.enterprise_id.empty()) error(survey.where, "enterprise.id", "missing enterprise.id");

  std::map<std::string, std::string, std::less<>> answered;  // item id -> key used
  for (const auto& [key, a] : survey.answers) {
    const std::string path = "answers." + key;
    const Item* item = rules.find_item(key);
    if (!item) {
      error(a.where, path, unknown("item", key, item_ids));
      continue;
    }
    if (auto [it, fresh] = answered.emplace(item->id, key); !fresh) {
      error(a.where, path,
            fmt::format("item '{}' answered twice (as '{}' and '{}')", item->id, it->second, key));
      continue;
    }
    const char last = item->options.back().letter;
    switch (a.kind) {
      case Answer::Kind::letters: {
        if (item->kind == ItemKind::multi && !a.list) {
          error(a.where, path,
                fmt::format("item '{}' takes a list of letters, got a single letter", item->id));
          break;
        }
        if (item->kind != ItemKind::multi && a.list) {
          error(a.where, path, fmt::format("item '{}' takes one letter, got a list", item->id));
          break;
        }
        if (a.list && a.letters.empty()) {
          error(a.where, path,
                fmt::format("item '{}' needs at least one letter (tick the 'none' option for none)",
                            item->id));
          break;
        }
        std::set<char> seen;
        bool has_none = false;
        for (char c : a.letters) {
          const Option* o = item->find_option(c);
          if (!o) {
            error(
                a.where, path,
                fmt::format("unknown option '{}' for item '{}' (valid: A–{})", c, item->id, last));
            continue;
          }
          if (!seen.insert(c).second) {
            error(a.where, path, fmt::format("option '{}' repeated for item '{}'", c, item->id));
          }
          has_none = has_none || o->none;
        }
        if (has_none && a.letters.size() > 1) {
          error(a.where, path,
                fmt::format("'none' excludes other options for item '{}', got {}", item->id,
                            letters_text(a.letters)));
        }
        break;
      }
      case Answer::Kind::percent:
        if (item->kind != ItemKind::band) {
          error(a.where, path,
                fmt::format("item '{}' takes {}, got a number", item->id,
                            item->kind == ItemKind::multi ? "a list of letters" : "a letter"));
        } else if (!percent_in_range(a.percent)) {
          error(a.where, path,
                fmt::format("percentage {} for item '{}' is outside 0–100", a.percent, item->id));
        }
        break;
      case Answer::Kind::figures:
        if (item->kind != ItemKind::trend) {
          error(a.where, path,
                fmt::format("item '{}' takes {}, got before/after figures", item->id,
                            item->kind == ItemKind::multi ? "a list of letters" : "a letter"));
        } else if (const auto b = detail::Exact::parse(a.before), f = detail::Exact::parse(a.after);
                   !b || !f || b->value <= 0 || f->value < 0) {
          error(a.where, path,
                fmt::format("figures for item '{}' need before > 0 and after >= 0, got {} and {}",
                            item->id, a.before, a.after));
        }
        break;
    }
  }

  std::map<std::string, std::string, std::less<>> rated;
  for (std::size_t i = 0; i < survey.scenarios.size(); ++i) {
    const auto& [key, level] = survey.scenarios[i];
    const Location where = i < survey.scenario_where.size() ? survey.scenario_where[i] : Location{};
    const std::string path = "scenarios." + key;
    const Scenario* s = rules.find_scenario(key);
    if (!s) {
      error(where, path, unknown("scenario", key, scenario_ids));
      continue;
    }
    if (auto [it, fresh] = rated.emplace(s->id, key); !fresh) {
      error(where, path,
            fmt::format("scenario '{}' rated twice (as '{}' and '{}')", s->id, it->second, key));
      continue;
    }
    if (level < 0 || level > top) {
      error(where, path,
            fmt::format("scenario level {} for '{}' is outside 0–{}", level, s->id, top));
    }
  }

  std::string missing;
  for (const Item* item : rules.items()) {
    if (!answered.count(item->id))
      missing += fmt::format("{}{} {}", missing.empty() ? "" : ", ", item->code, item->id);
  }
  if (!missing.empty()) error(survey.where, "answers", "missing answers for items: " + missing);
  missing.clear();
  for (const auto& s : rules.scenarios) {
    if (!rated.count(s.id))
      missing += fmt::format("{}{} {}", missing.empty() ? "" : ", ", s.code, s.id);
  }
  if (!missing.empty())
    error(survey.where, "scenarios", "missing levels for scenarios: " + missing);
  return issues;
}

}  // namespace smedx
