// Resolves a survey against a rule set into a CodedSurvey: every check of the survey's
// references and values happens here, once, and scoring only does arithmetic afterwards.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/name_table.h"
#include "smedx/coded_survey.h"
#include "smedx/rules.h"
#include "smedx/survey.h"

namespace smedx::detail {

// Lookups over a rule set, built once. Holds views into the rule set, which must outlive it.
struct RuleIndex {
  explicit RuleIndex(const RuleSet& rules);

  // A consistency condition with its item or scenario resolved to an index and its letters to a
  // bit mask, so checking a survey needs no lookups.
  struct Check {
    Condition::Kind kind = Condition::Kind::has;
    std::uint32_t target = 0;   // item or scenario index
    std::uint32_t letters = 0;  // option bits
    int level = 0;
    std::vector<Check> terms;
  };
  struct Rule {
    const ConsistencyRule* rule;
    Check when, then;
  };

  const RuleSet& rules;
  std::vector<const Item*> items;
  NameTable item_by_name;                                // id and code -> item index
  NameTable scenario_by_name;                            // id and code -> scenario index
  std::vector<std::string_view> item_ids, scenario_ids;  // for suggestions
  std::vector<std::uint32_t> none_options;               // per item: its 'none' options' bits
  std::vector<Rule> consistency;

 private:
  Check compile(const Condition& c) const;
};

// One answer as a reader sees it, without owning anything: the JSON reader hands these over
// straight from the parser's buffer, the Survey path from a Survey.
struct AnswerView {
  Answer::Kind kind = Answer::Kind::letters;
  bool list = false;
  std::span<const char> letters;
  std::string_view percent;
  std::string_view before, after;
  // letters: the answer as a person wrote it, read by read_option_text (answer_text.h) in
  // place of `letters` when not empty.
  std::string_view text;
  const Location* where = nullptr;  // nullptr: the survey's own location
  // Set by a reader that took only capitals A–Z and folded them as it read: bit k for letter
  // A + k, and whether one came twice. plain_letters then need not go over the letters again.
  bool folded = false;
  bool repeated = false;
  std::uint32_t folded_mask = 0;
};

// Checks one answer of `item` and returns the options it selects; what is wrong with it goes to
// `problems` (and the options are then not to be used). `note`, when given, receives a warning
// on how an answer that may mean something else was read (a band percentage of at most 1).
std::uint32_t code_answer(const Item& item, const AnswerView& answer, std::vector<Issue>& problems,
                          Issue* note = nullptr);

// An issue about `item` (`scenario`): its args are the id, code and Chinese name, then `more`;
// no path or place yet (the caller's).
Issue item_issue(std::string_view code, const Item& item, std::vector<std::string> more = {},
                 std::string suggestion = {});
Issue scenario_issue(std::string_view code, const Scenario& scenario,
                     std::vector<std::string> more = {});

// The issue of a consistency rule that a survey fails (E-CONSISTENCY or W-CONSISTENCY).
Issue consistency_issue(const ConsistencyRule& rule, const Location& where);

// At most this many errors a record, then one "… and K more errors": a row of bad cells says
// what is wrong without burying the output. Warnings are not capped: there is at most one a
// missing item or scenario, and one a consistency rule.
constexpr std::size_t max_issues = 20;

// Keeps the first max_issues of `issues` and counts the rest (and `dropped` more not kept) in
// one last issue.
void cap_issues(std::vector<Issue>& issues, std::size_t dropped = 0);

// The options of a letters answer that code_answer takes without a word (the right form for
// the item, known options, none repeated, 'none' alone); nothing for any other answer. The
// letters are folded into masks with no branch a letter: which letters a survey ticks is data.
// `none_options`: the bits of the item's 'none' options.
inline std::optional<std::uint32_t> plain_letters(const Item& item, std::uint32_t none_options,
                                                  const AnswerView& a) {
  const bool multi = item.kind == ItemKind::multi;
  if (a.kind != Answer::Kind::letters || a.list != multi || a.letters.empty() ||
      (!multi && a.letters.size() != 1))
    return std::nullopt;
  const std::size_t options = item.options.size();
  if (a.folded) {
    const bool unknown = options < 32 && (a.folded_mask >> options) != 0;
    if (unknown || a.repeated || ((a.folded_mask & none_options) && a.letters.size() > 1))
      return std::nullopt;
    return a.folded_mask;
  }
  std::uint32_t mask = 0, repeated = 0;
  bool unknown = false;
  for (char c : a.letters) {
    const auto k = static_cast<std::size_t>(static_cast<unsigned char>(c - 'A'));  // c < 'A' wraps
    const std::uint32_t b = k < 32 ? std::uint32_t{1} << k : 0;
    unknown |= c < 'A' || k >= options;
    repeated |= mask & b;
    mask |= b;
  }
  if (unknown || repeated || ((mask & none_options) && a.letters.size() > 1)) return std::nullopt;
  return mask;
}

// The option of a percentage or before/after answer that code_answer takes without a word (a
// number for the item's kind, in its range, with no note to give); nothing for any other answer.
std::optional<std::uint32_t> plain_number(const Item& item, const AnswerView& a) noexcept;

// Receives a survey piece by piece and codes it as it comes: the checks of code_survey for
// readers that do not build a Survey first. Call finish() after the last piece.
class SurveyCoder {
 public:
  // `where` must outlive the coder.
  SurveyCoder(const RuleIndex& index, MissingPolicy missing, CodedSurvey& out,
              const Location& where);
  void enterprise_id(std::string_view id);
  void enterprise_field(std::string_view key, std::string_view value);
  // In line for the usual piece (a known key, the first time, a value taken without a word);
  // everything else goes to the *_checked functions, which make the messages.
  void answer(std::string_view key, const AnswerView& a) {
    coded(key, a, index_.item_by_name.find(key, hint(item_hints_, answers_++)));
  }
  void scenario(std::string_view key, int level, const Location* where = nullptr) {
    coded(key, level, where,
          index_.scenario_by_name.find(key, hint(scenario_hints_, scenarios_++)));
  }
  // The key the last survey had in this place of its answers (scenarios): surveys mostly come
  // with the same keys in the same order, so a reader first looks for this one, between quotes,
  // and hands it over with expected_answer (expected_scenario), which need no lookup. A view
  // with no data when there is none to expect.
  std::string_view next_answer_key() const noexcept {
    return answers_ < item_hints_.size() ? index_.item_by_name.expected(item_hints_[answers_])
                                         : std::string_view();
  }
  std::string_view next_scenario_key() const noexcept {
    return scenarios_ < scenario_hints_.size()
               ? index_.scenario_by_name.expected(scenario_hints_[scenarios_])
               : std::string_view();
  }
  // `key`: the text of next_answer_key() (next_scenario_key()), found in the reader's text.
  void expected_answer(std::string_view key, const AnswerView& a) {
    coded(key, a, index_.item_by_name.value_at(item_hints_[answers_++]));
  }
  void expected_scenario(std::string_view key, int level) {
    coded(key, level, nullptr, index_.scenario_by_name.value_at(scenario_hints_[scenarios_++]));
  }
  // For readers that checked a value already (the columnar path reads each distinct cell once):
  // an answer to item `item` under `key` that selects `mask`, or has `problems`.
  // `where`: the cell's place, when it has its own (nullptr: the survey's).
  void coded_answer(std::uint32_t item, std::string_view key, std::uint32_t mask,
                    const std::vector<Issue>& problems, const Location* where = nullptr);
  // A scenario rating under `key`: its level, or the problem with it (nullptr or an empty issue
  // for none).
  void coded_scenario(std::uint32_t scenario, std::string_view key, int level,
                      const Issue* problem = nullptr, const Location* where = nullptr);
  void finish();

 private:
  void error(const Location* where, std::string path, Issue issue);
  void coded(std::string_view key, const AnswerView& a, std::optional<std::uint32_t> found) {
    if (found && key.data() && !answered_[*found].data()) {
      const Item& item = *index_.items[*found];
      const auto mask = a.kind == Answer::Kind::letters
                            ? plain_letters(item, index_.none_options[*found], a)
                            : plain_number(item, a);
      if (mask) {
        answered_[*found] = key;
        ++answered_count_;
        out_.selected[*found] = *mask;
        return;
      }
    }
    answer_checked(key, a, found);
  }
  void coded(std::string_view key, int level, const Location* where,
             std::optional<std::uint32_t> found) {
    if (found && key.data() && !rated_[*found].data() && level >= 0 && level <= top_) {
      rated_[*found] = key;
      ++rated_count_;
      out_.levels[*found] = static_cast<std::int8_t>(level);
      return;
    }
    scenario_checked(key, level, where, found);
  }
  void answer_checked(std::string_view key, const AnswerView& a,
                      std::optional<std::uint32_t> found);
  void scenario_checked(std::string_view key, int level, const Location* where,
                        std::optional<std::uint32_t> found);
  static std::uint32_t& hint(std::vector<std::uint32_t>& hints, std::size_t place) {
    if (place == hints.size()) hints.push_back(0);
    return hints[place];
  }

  const RuleIndex& index_;
  MissingPolicy missing_;
  CodedSurvey& out_;
  const Location& where_;  // the caller's, alive while the survey is coded (a copy of its
                           // file name allocated a survey)
  // Which key answered each item and rated each scenario, for "answered twice" messages (views
  // into the reader's text, alive while the survey is coded). thread_local buffers keep their
  // capacity from survey to survey.
  // References to thread_local buffers, taken once per survey (a thread_local access from a
  // shared library is a call).
  std::vector<std::string_view>& answered_;
  std::vector<std::string_view>& rated_;
  std::vector<std::uint32_t>& item_hints_;  // see NameTable::find
  std::vector<std::uint32_t>& scenario_hints_;
  std::size_t answers_ = 0, scenarios_ = 0;  // keys so far
  // Items answered and scenarios rated so far (set in answered_ and rated_): when all are,
  // finish() need not look for missing ones.
  std::size_t answered_count_ = 0, rated_count_ = 0;
  int top_;                  // the highest scenario level
  std::size_t fields_ = 0;   // enterprise fields so far; out_.enterprise is reused, not cleared
  std::size_t dropped_ = 0;  // errors past the cap, counted but not kept

 public:
  ~SurveyCoder() { out_.enterprise.resize(fields_); }
};

// The consistency rules a coded survey fails (its `if` holds and its `then` does not).
std::vector<const ConsistencyRule*> failing_rules(const RuleIndex& index,
                                                  const CodedSurvey& survey);

void code_survey(const Survey& survey, const RuleIndex& index, MissingPolicy missing,
                 CodedSurvey& out);

// How code_survey_json reads JSON: the fast scanner for the usual shape (survey_json_scan.h),
// with the simdjson walk for everything else; or the walk alone, which the tests hold the
// scanner to.
enum class JsonReader {
  fast,
  fast_utf8,  // the same, for text already known to be well-formed UTF-8 (the batch reader's)
  walk_only,
};

// Codes a survey straight from JSON text: the same checks and messages as parsing it into a
// Survey and coding that, without building the Survey.
void code_survey_json(std::string_view json, std::size_t capacity, const Location& where,
                      const RuleIndex& index, MissingPolicy missing, CodedSurvey& out,
                      JsonReader reader = JsonReader::fast);

}  // namespace smedx::detail
