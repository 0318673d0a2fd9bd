#include "survey/survey_coder.h"
#include "common/clip.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/exact.h"
#include "rules/rule_reader.h"
#include "survey/answer_text.h"

namespace smedx::detail {

RuleIndex::RuleIndex(const RuleSet& r) : rules(r), items(r.items()) {
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    item_by_name.add(items[i]->id, i);
    item_by_name.add(items[i]->code, i);
    item_ids.push_back(items[i]->id);
    std::uint32_t none = 0;
    for (std::size_t k = 0; k < items[i]->options.size() && k < 32; ++k)
      if (items[i]->options[k].none) none |= std::uint32_t{1} << k;
    none_options.push_back(none);
  }
  for (std::uint32_t s = 0; s < r.scenarios.size(); ++s) {
    scenario_by_name.add(r.scenarios[s].id, s);
    scenario_by_name.add(r.scenarios[s].code, s);
    scenario_ids.push_back(r.scenarios[s].id);
  }
  for (const auto& rule : r.consistency)
    consistency.push_back({&rule, compile(rule.when), compile(rule.then)});
}

RuleIndex::Check RuleIndex::compile(const Condition& c) const {
  Check k;
  k.kind = c.kind;
  k.level = c.level;
  if (auto i = item_by_name.find(c.item)) k.target = *i;
  if (auto s = scenario_by_name.find(c.scenario)) k.target = *s;
  for (char l : c.letters) k.letters |= std::uint32_t{1} << (l - 'A');
  for (const auto& t : c.terms) k.terms.push_back(compile(t));
  return k;
}

namespace {

constexpr std::uint32_t bit(std::size_t option) { return std::uint32_t{1} << option; }

std::string letters_text(std::span<const char> letters) {
  std::string out;
  for (char c : letters) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

// An unknown item or scenario key, with the nearest name as the suggestion.
Issue unknown(std::string_view code, std::string_view key, const std::vector<std::string_view>& ids,
              std::string path, const Location& where) {
  return coded_issue(code, {clip(key)}, std::move(path), where, nearest(key, ids));
}

// The band a percentage falls in: (lower, upper], the first band closed. -1 when outside 0-100.
int band_of(const Item& item, const Exact& v) {
  for (std::size_t i = 0; i < item.options.size(); ++i) {
    const Option& o = item.options[i];
    const auto lower = Exact::of(o.lower), upper = Exact::of(o.upper);
    const bool above = i == 0 ? v >= lower : v > lower;
    if (above && v <= upper) return static_cast<int>(i);
  }
  return -1;
}

// The trend option for two figures: flat within the tolerance (percent of `before`, inclusive).
int trend_of(const Item& item, const Exact& before, const Exact& after) {
  const int128 diff = after.value - before.value;
  const int128 magnitude = diff < 0 ? -diff : diff;
  const bool flat = magnitude * 100 * Decimal::scale <= before.value * item.tolerance.thousandths();
  const Trend t = flat ? Trend::flat : diff > 0 ? Trend::increase : Trend::decrease;
  for (std::size_t i = 0; i < item.options.size(); ++i)
    if (item.options[i].trend == t) return static_cast<int>(i);
  return -1;
}

// The option that scores least: the 'none' option of a multi item, else the lowest-scoring one.
std::size_t lowest_option(const Item& item) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < item.options.size(); ++i) {
    if (item.kind == ItemKind::multi ? item.options[i].none
                                     : item.options[i].points < item.options[best].points) {
      best = i;
      if (item.kind == ItemKind::multi) break;
    }
  }
  return best;
}

bool holds(const RuleIndex::Check& c, const CodedSurvey& s) {
  using K = Condition::Kind;
  auto terms = [&](auto pred) {
    return pred(c.terms.begin(), c.terms.end(),
                [&](const RuleIndex::Check& t) { return holds(t, s); });
  };
  switch (c.kind) {
    case K::has:
    case K::has_all:
      return (s.selected[c.target] & c.letters) == c.letters;
    case K::has_any:
      return (s.selected[c.target] & c.letters) != 0;
    case K::scenario_at_least:
      return s.levels[c.target] >= c.level;
    case K::any_scenario_at_least:
      return std::any_of(s.levels.begin(), s.levels.end(),
                         [&](std::int8_t l) { return l >= c.level; });
    case K::all:
      return terms([](auto b, auto e, auto p) { return std::all_of(b, e, p); });
    case K::any:
      return terms([](auto b, auto e, auto p) { return std::any_of(b, e, p); });
    case K::not_:
      return !c.terms.empty() && !holds(c.terms[0], s);
  }
  return false;
}

// holds, in line for the conditions nearly every rule is made of (one item's options, one
// scenario's level); the rest go through holds. A survey checks every rule: a call and a jump
// through a table for each condition cost more than the test itself.
inline bool check(const RuleIndex::Check& c, const CodedSurvey& s) {
  using K = Condition::Kind;
  if (c.kind == K::scenario_at_least) return s.levels[c.target] >= c.level;
  if (c.kind == K::has || c.kind == K::has_all)
    return (s.selected[c.target] & c.letters) == c.letters;
  if (c.kind == K::has_any) return (s.selected[c.target] & c.letters) != 0;
  return holds(c, s);
}

// Whether a survey fails a rule: its `if` holds and its `then` does not. Both are tested, with
// no branch between them: whether a rule fires is a coin flip from survey to survey.
inline bool fails(const RuleIndex::Rule& r, const CodedSurvey& s) {
  return check(r.when, s) & !check(r.then, s);
}

}  // namespace

namespace {
struct CoderBuffers {
  std::vector<std::string_view> answered, rated;
  // The name-table slot of the key in each place of the last survey's answers and scenarios:
  // the next survey's keys are mostly the same, in the same places.
  std::vector<std::uint32_t> item_hints, scenario_hints;
};
CoderBuffers& coder_buffers() {
  thread_local CoderBuffers buffers;
  return buffers;
}
}  // namespace

SurveyCoder::SurveyCoder(const RuleIndex& index, MissingPolicy missing, CodedSurvey& out,
                         const Location& where)
    : index_(index),
      missing_(missing),
      out_(out),
      where_(where),
      answered_(coder_buffers().answered),
      rated_(coder_buffers().rated),
      item_hints_(coder_buffers().item_hints),
      scenario_hints_(coder_buffers().scenario_hints),
      top_(index.rules.level_rule.top_level()) {
  out.enterprise_id.clear();
  out.where = where;
  out.errors.clear();
  out.warnings.clear();
  out.fired.clear();
  out.selected.assign(index.items.size(), 0);
  out.levels.assign(index.rules.scenarios.size(), 0);
  answered_.assign(index.items.size(), {});
  rated_.assign(index.rules.scenarios.size(), {});
}

void cap_issues(std::vector<Issue>& issues, std::size_t dropped) {
  if (issues.size() <= max_issues && dropped == 0) return;
  dropped += issues.size() - std::min(issues.size(), max_issues);
  issues.resize(std::min(issues.size(), max_issues));
  const Location where = issues.empty() ? Location{} : issues.back().where;
  issues.push_back(coded_issue("E-MORE", {std::to_string(dropped)}, "", where));
}

void SurveyCoder::error(const Location* where, std::string path, Issue issue) {
  if (out_.errors.size() > max_issues) {  // one over: cap_issues still sees that some are left
    ++dropped_;
    return;
  }
  issue.path = std::move(path);
  issue.where = where ? *where : where_;
  out_.errors.push_back(std::move(issue));
}

void SurveyCoder::enterprise_id(std::string_view id) { out_.enterprise_id.assign(id); }

void SurveyCoder::enterprise_field(std::string_view key, std::string_view value) {
  // An industry written as its profile's Chinese name is that profile's id, as if written so.
  if (key == "industry" && !value.empty() && static_cast<unsigned char>(value[0]) >= 0x80)
    if (const IndustryProfile* p = index_.rules.find_profile(value)) value = p->id;
  if (fields_ < out_.enterprise.size()) {
    // The slot holds the field in this place of an earlier survey: mostly the same key, often
    // the same value (a district, an industry). A comparison in line costs less than assign.
    auto& [k, v] = out_.enterprise[fields_];
    if (!NameTable::same(k, key)) k.assign(key);
    if (!NameTable::same(v, value)) v.assign(value);
  } else {
    out_.enterprise.emplace_back(std::string(key), std::string(value));
  }
  ++fields_;
}

namespace {

// A part of an answer that names no option: the letters the item has, and the option meant
// when one is close.
Issue unknown_option(const Item& item, const UnknownOption& u) {
  return item_issue(
      "E-ANSWER-OPTION", item, {clip(u.part), std::string(1, item.options.back().letter)},
      u.suggestion >= 0 ? option_label(item.options[static_cast<std::size_t>(u.suggestion)])
                        : std::string());
}

// A percentage as written, without a trailing '%' (spreadsheets write "72.5%").
std::string_view percent_number(std::string_view text, bool& sign) {
  sign = !text.empty() && text.back() == '%';
  if (sign) text.remove_suffix(1);
  while (sign && !text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// A plain decimal number times 100, as text: "0.725" -> "72.5", "1" -> "100", ".05" -> "5".
std::string times_100(std::string_view number) {
  const std::size_t point = std::min(number.find('.'), number.size());
  std::string whole(number.substr(0, point));
  std::string frac(point < number.size() ? number.substr(point + 1) : std::string_view());
  frac.resize(std::max<std::size_t>(frac.size(), 2), '0');
  whole += frac.substr(0, 2);
  frac.erase(0, 2);
  const std::size_t sign = !whole.empty() && (whole[0] == '+' || whole[0] == '-') ? 1 : 0;
  while (whole.size() > sign + 1 && whole[sign] == '0') whole.erase(sign, 1);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? whole : whole + "." + frac;
}

}  // namespace

Issue item_issue(std::string_view code, const Item& item, std::vector<std::string> more,
                 std::string suggestion) {
  std::vector<std::string> args{item.id, item.code, item.zh};
  for (auto& m : more) args.push_back(std::move(m));
  return coded_issue(code, std::move(args), "", Location{}, std::move(suggestion));
}

Issue scenario_issue(std::string_view code, const Scenario& sc, std::vector<std::string> more) {
  std::vector<std::string> args{sc.id, sc.code, sc.zh};
  for (auto& m : more) args.push_back(std::move(m));
  return coded_issue(code, std::move(args), "", Location{});
}

std::uint32_t code_answer(const Item& item, const AnswerView& a, std::vector<Issue>& problems,
                          Issue* note) {
  const std::string last(1, item.options.back().letter);
  const bool multi_item = item.kind == ItemKind::multi;
  auto expects = [&] {
    return std::vector<std::string>{multi_item ? "a list of letters" : "a letter",
                                    multi_item ? "字母列表" : "一个字母"};
  };
  std::uint32_t mask = 0;
  switch (a.kind) {
    case Answer::Kind::letters: {
      std::span<const char> given = a.letters;
      bool list = a.list;
      if (!a.text.empty()) {
        thread_local std::string read;
        thread_local std::vector<UnknownOption> unknown;
        read.clear();
        unknown.clear();
        if (!read_option_text(item, a.text, read, unknown)) {
          for (const auto& u : unknown) problems.push_back(unknown_option(item, u));
          return 0;
        }
        given = read;
        list = item.kind == ItemKind::multi || read.size() > 1;
      }
      if (item.kind == ItemKind::multi && !list) {
        problems.push_back(item_issue("E-ANSWER-LIST", item));
        return 0;
      }
      if (item.kind != ItemKind::multi && (list || given.size() != 1)) {
        problems.push_back(item_issue(
            "E-ANSWER-SINGLE", item,
            {list ? "a list" : letters_text(given), list ? "多项" : letters_text(given)}));
        return 0;
      }
      if (list && given.empty()) {
        problems.push_back(item_issue("E-ANSWER-EMPTY", item));
        return 0;
      }
      bool has_none = false;
      for (char c : given) {
        const std::size_t k = static_cast<std::size_t>(c - 'A');
        if (c < 'A' || k >= item.options.size()) {
          problems.push_back(item_issue("E-ANSWER-OPTION", item, {std::string(1, c), last}));
          continue;
        }
        if (mask & bit(k)) {
          problems.push_back(item_issue("E-ANSWER-REPEATED", item, {std::string(1, c)}));
        }
        mask |= bit(k);
        has_none = has_none || item.options[k].none;
      }
      if (has_none && given.size() > 1) {
        problems.push_back(item_issue("E-ANSWER-NONE-ALONE", item, {letters_text(given)}));
      }
      break;
    }
    case Answer::Kind::percent: {
      if (item.kind != ItemKind::band) {
        problems.push_back(item_issue("E-ANSWER-NUMBER", item, expects()));
        return 0;
      }
      bool sign = false;
      const std::string_view number = percent_number(a.percent, sign);
      const auto v = Exact::parse(number);
      if (!v) {
        problems.push_back(item_issue("E-PERCENT-FORMAT", item, {clip(a.percent)}));
        return 0;
      }
      const int band = band_of(item, *v);
      if (band < 0) {
        problems.push_back(item_issue("E-ANSWER-RANGE", item, {std::string(a.percent)}));
        return 0;
      }
      mask = bit(static_cast<std::size_t>(band));
      // A spreadsheet percent cell holds a share (72.5% is 0.725): a bare number of at most 1
      // is read as the percentage it says, with a warning saying so.
      if (note && !sign && v->value > 0 && *v <= Exact::of(Decimal::from_thousandths(1000))) {
        const bool plain = number.find_first_of("eE") == std::string_view::npos;
        *note = item_issue("W-PERCENT-FRACTION", item, {std::string(number)},
                           plain ? times_100(number) : "");
      }
      break;
    }
    case Answer::Kind::figures: {
      if (item.kind != ItemKind::trend) {
        problems.push_back(item_issue("E-ANSWER-FIGURES", item, expects()));
        return 0;
      }
      const auto b = Exact::parse(a.before), f = Exact::parse(a.after);
      if (!b || !f) {
        problems.push_back(item_issue("E-FIGURES-FORMAT", item, {clip(a.before), clip(a.after)}));
        return 0;
      }
      if (b->value <= 0 || f->value < 0) {
        problems.push_back(
            item_issue("E-FIGURES-RANGE", item, {std::string(a.before), std::string(a.after)}));
        return 0;
      }
      mask = bit(static_cast<std::size_t>(trend_of(item, *b, *f)));
      break;
    }
  }
  return mask;
}

std::optional<std::uint32_t> plain_number(const Item& item, const AnswerView& a) noexcept {
  if (a.kind == Answer::Kind::percent && item.kind == ItemKind::band) {
    bool sign = false;
    const auto v = Exact::parse(percent_number(a.percent, sign));
    // A bare number in (0, 1] comes with code_answer's note.
    if (!v || (!sign && v->value > 0 && *v <= Exact::of(Decimal::from_thousandths(1000))))
      return std::nullopt;
    const int band = band_of(item, *v);
    if (band < 0) return std::nullopt;
    return bit(static_cast<std::size_t>(band));
  }
  if (a.kind == Answer::Kind::figures && item.kind == ItemKind::trend) {
    const auto b = Exact::parse(a.before), f = Exact::parse(a.after);
    if (!b || !f || b->value <= 0 || f->value < 0) return std::nullopt;
    return bit(static_cast<std::size_t>(trend_of(item, *b, *f)));
  }
  return std::nullopt;
}

void SurveyCoder::answer_checked(std::string_view key, const AnswerView& a,
                                 std::optional<std::uint32_t> found) {
  auto path = [key] { return "answers." + clip(key); };  // built only for an error
  if (!found) {
    error(a.where, path(), unknown("E-ITEM-UNKNOWN", key, index_.item_ids, "", Location{}));
    return;
  }
  const std::uint32_t i = *found;
  const Item& item = *index_.items[i];
  if (answered_[i].data()) {
    error(a.where, path(), item_issue("E-ITEM-TWICE", item, {clip(answered_[i]), clip(key)}));
    return;
  }
  answered_[i] = key.data() ? key : std::string_view("", 0);
  ++answered_count_;
  thread_local std::vector<Issue> problems;
  thread_local Issue note;
  problems.clear();
  note = Issue{};
  const std::uint32_t mask = code_answer(item, a, problems, &note);
  for (auto& p : problems) error(a.where, path(), std::move(p));
  if (!note.message.empty() && problems.empty()) {
    note.path = path();
    note.where = where_;  // a warning is the record's, wherever its cell (records show no place)
    out_.warnings.push_back(std::move(note));
  }
  if (problems.empty()) out_.selected[i] = mask;
}

void SurveyCoder::scenario_checked(std::string_view key, int level, const Location* where,
                                   std::optional<std::uint32_t> found) {
  auto path = [key] { return "scenarios." + clip(key); };
  if (!found) {
    error(where, path(), unknown("E-SCENARIO-UNKNOWN", key, index_.scenario_ids, "", Location{}));
    return;
  }
  const std::uint32_t s = *found;
  const Scenario& sc = index_.rules.scenarios[s];
  if (rated_[s].data()) {
    error(where, path(), scenario_issue("E-SCENARIO-TWICE", sc, {clip(rated_[s]), clip(key)}));
    return;
  }
  rated_[s] = key.data() ? key : std::string_view("", 0);
  ++rated_count_;
  if (level < 0 || level > top_) {
    error(where, path(),
          scenario_issue("E-LEVEL-RANGE", sc, {std::to_string(level), std::to_string(top_)}));
    return;
  }
  out_.levels[s] = static_cast<std::int8_t>(level);
}

void SurveyCoder::coded_answer(std::uint32_t i, std::string_view key, std::uint32_t mask,
                               const std::vector<Issue>& problems, const Location* where) {
  const Item& item = *index_.items[i];
  if (answered_[i].data()) {
    error(where, "answers." + clip(key),
          item_issue("E-ITEM-TWICE", item, {clip(answered_[i]), clip(key)}));
    return;
  }
  answered_[i] = key;
  answered_count_ += key.data() != nullptr;  // as in answer_checked, a null key leaves it open
  for (const auto& p : problems) error(where, "answers." + clip(key), p);
  if (problems.empty()) out_.selected[i] = mask;
}

void SurveyCoder::coded_scenario(std::uint32_t s, std::string_view key, int level,
                                 const Issue* problem, const Location* where) {
  const Scenario& sc = index_.rules.scenarios[s];
  if (rated_[s].data()) {
    error(where, "scenarios." + clip(key),
          scenario_issue("E-SCENARIO-TWICE", sc, {clip(rated_[s]), clip(key)}));
    return;
  }
  rated_[s] = key;
  rated_count_ += key.data() != nullptr;
  if (problem && !problem->message.empty()) {
    error(where, "scenarios." + clip(key), *problem);
    return;
  }
  out_.levels[s] = static_cast<std::int8_t>(level);
}

void SurveyCoder::finish() {
  const RuleSet& rules = index_.rules;
  if (out_.enterprise_id.empty()) {
    out_.errors.insert(out_.errors.begin(),
                       coded_issue("E-ID-MISSING", {}, "enterprise.id", where_));
  }
  std::string missing_items, missing_scenarios, missing_items_zh, missing_scenarios_zh;
  const bool all_answered = answered_count_ == index_.items.size();
  for (std::size_t i = 0; !all_answered && i < index_.items.size(); ++i) {
    if (answered_[i].data()) continue;
    const Item& item = *index_.items[i];
    if (missing_ == MissingPolicy::zero) {
      const std::size_t k = lowest_option(item);
      out_.selected[i] = bit(k);
      Issue w =
          item_issue("W-ANSWER-MISSING", item,
                     {std::string(1, item.options[k].letter), item.options[k].points.to_string()});
      w.path = "answers." + item.id;
      w.where = where_;
      out_.warnings.push_back(std::move(w));
    } else {
      missing_items +=
          fmt::format("{}{} {}", missing_items.empty() ? "" : ", ", item.code, item.id);
      missing_items_zh +=
          fmt::format("{}{} {}", missing_items_zh.empty() ? "" : "、", item.code, item.zh);
    }
  }
  const bool all_rated = rated_count_ == rules.scenarios.size();
  for (std::size_t s = 0; !all_rated && s < rules.scenarios.size(); ++s) {
    if (rated_[s].data()) continue;
    const Scenario& sc = rules.scenarios[s];
    if (missing_ == MissingPolicy::zero) {
      Issue w = scenario_issue("W-LEVEL-MISSING", sc, {});
      w.path = "scenarios." + sc.id;
      w.where = where_;
      out_.warnings.push_back(std::move(w));
    } else {
      missing_scenarios +=
          fmt::format("{}{} {}", missing_scenarios.empty() ? "" : ", ", sc.code, sc.id);
      missing_scenarios_zh +=
          fmt::format("{}{} {}", missing_scenarios_zh.empty() ? "" : "、", sc.code, sc.zh);
    }
  }
  if (!missing_items.empty())
    error(nullptr, "answers",
          coded_issue("E-ANSWER-MISSING", {missing_items, missing_items_zh}, "", Location{}));
  if (!missing_scenarios.empty())
    error(
        nullptr, "scenarios",
        coded_issue("E-LEVEL-MISSING", {missing_scenarios, missing_scenarios_zh}, "", Location{}));
  if (!out_.errors.empty()) {
    cap_issues(out_.errors, dropped_);
    return;
  }

  // Warnings are written to every slot and kept by moving on past the ones that fired: no
  // branch on the outcome, which is unpredictable.
  const std::size_t rules_count = index_.consistency.size();
  out_.fired.resize(rules_count);
  std::size_t fired = 0;
  for (std::size_t k = 0; k < rules_count; ++k) {
    const RuleIndex::Rule& r = index_.consistency[k];
    const bool fail = fails(r, out_);
    if (r.rule->severity == Severity::error) {  // the same way for every survey
      if (fail) out_.errors.push_back(consistency_issue(*r.rule, where_));
      continue;
    }
    out_.fired[fired] = static_cast<std::uint16_t>(k);
    fired += fail;
  }
  out_.fired.resize(fired);
  cap_issues(out_.errors);
}

Issue consistency_issue(const ConsistencyRule& rule, const Location& where) {
  return coded_issue(rule.severity == Severity::error ? "E-CONSISTENCY" : "W-CONSISTENCY",
                     {rule.id, rule.message}, "consistency." + rule.id, where);
}

std::vector<const ConsistencyRule*> failing_rules(const RuleIndex& index, const CodedSurvey& s) {
  std::vector<const ConsistencyRule*> out;
  for (const auto& r : index.consistency)
    if (fails(r, s)) out.push_back(r.rule);
  return out;
}

void code_survey(const Survey& survey, const RuleIndex& index, MissingPolicy missing,
                 CodedSurvey& out) {
  SurveyCoder coder(index, missing, out, survey.where);
  coder.enterprise_id(survey.enterprise_id);
  for (const auto& [k, v] : survey.enterprise) coder.enterprise_field(k, v);
  for (const auto& [key, a] : survey.answers) {
    AnswerView view;
    view.kind = a.kind;
    view.list = a.list;
    view.letters = a.letters;
    view.text = a.text;
    view.percent = a.percent;
    view.before = a.before;
    view.after = a.after;
    view.where = &a.where;
    coder.answer(key, view);
  }
  for (std::size_t n = 0; n < survey.scenarios.size(); ++n) {
    coder.scenario(survey.scenarios[n].first, survey.scenarios[n].second,
                   n < survey.scenario_where.size() ? &survey.scenario_where[n] : nullptr);
  }
  coder.finish();
}

}  // namespace smedx::detail
