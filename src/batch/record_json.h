// The JSON Lines record of `smedx score`, written straight from a coded survey and its row of the
// block's score columns: the same bytes as to_json(engine.assessment(...)) without building an
// Assessment. The rule set's fixed text (ids, codes, level names, keys, provenance) is escaped
// once, when the writer is made, so a record is mostly copies of ready fragments and numbers.
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "batch/record_text.h"
#include "common/decimal_text.h"
#include "score/level_rule.h"
#include "smedx/engine.h"

namespace smedx::detail {

// Appends a JSON string (quotes included), with the same escaping as detail::escape: runs of
// plain bytes are copied whole.
void append_json_string(std::string& out, std::string_view s);
// Appends thousandths as Decimal::to_string writes them, with no temporary string.
void append_thousandths(std::string& out, std::int64_t t);
void append_int(std::string& out, std::int64_t v);

class JsonRecordWriter {
 public:
  // The top-level keys of a record, in the order written; bit k of `fields` selects key k.
  static constexpr std::string_view keys[] = {
      "enterprise_id", "enterprise",     "level",     "level_name", "total",
      "dimensions",    "sub_indicators", "items",     "scenarios",  "scenario_counts",
      "explanation",   "warnings",       "provenance"};
  static constexpr unsigned all = (1u << std::size(keys)) - 1;

  // A record with errors always has its "error" key, whatever `fields` selects.
  explicit JsonRecordWriter(const Engine& engine, unsigned fields = all, Lang lang = Lang::zh);

  // Appends the record of row `row` of `scores` (no newline).
  void append(std::string& out, const CodedSurvey& s, const BlockScores& scores,
              std::size_t row) const;

 private:
  enum Key : unsigned {
    enterprise_id,
    enterprise,
    level,
    level_name,
    total,
    dimensions,
    sub_indicators,
    items,
    scenarios,
    scenario_counts,
    explanation,
    warnings,
    provenance
  };
  using Piece = TextPool::Piece;
  bool want(Key k) const noexcept { return fields_ >> k & 1u; }
  RawOut write_enterprise(RawOut out, const CodedSurvey& s) const;
  RawOut write_error(RawOut out, const CodedSurvey& s) const;
  RawOut write_scored(RawOut out, const CodedSurvey& s, const BlockScores& scores,
                      std::size_t row) const;
  template <typename Out>
  void append_item(Out& out, std::size_t i, std::uint32_t mask, std::int64_t points) const;
  RawOut append_check(RawOut out, int level, std::int64_t total, std::int32_t at,
                      std::int32_t con) const;
  RawOut append_count_condition(RawOut out, std::size_t at, std::int32_t has,
                                std::int32_t required) const;

  const RuleSet& rules_;
  LevelTable levels_;  // the level rule, for the explanation's conditions
  unsigned fields_;
  Lang lang_;
  // The rule set's fixed text, each piece escaped once, with the keys and punctuation around it.
  TextPool pool_;
  std::vector<Piece> level_text_;       // per level 0..top: "level":L,"level_name":"…" as chosen
  Piece total_key_;                     // "total":
  Piece dims_head_, subs_head_;         // "dimensions":{ and "sub_indicators":{
  std::vector<Piece> dim_keys_;         // ,"id": (no comma before the first)
  std::vector<Piece> sub_keys_;         // ,"id":
  Piece items_head_;                    // "items":{
  std::vector<std::string> item_open_;  // ,"id":{"code":"F1","options":[
  // Every entry an item can have, by option mask, for items of few options: an item's points
  // follow from its options, so the whole entry is fixed text. Empty for items of many options.
  struct ItemEntries {
    std::vector<Piece> text;
    std::vector<std::int64_t> points;
  };
  std::vector<ItemEntries> item_entries_;
  Piece scenarios_head_;                 // "scenarios":{
  std::vector<Piece> scenario_keys_;     // ,"id":
  std::vector<Piece> scenario_entries_;  // ,"id":L for scenario k, level L at k*(top+1)+L
  Piece counts_head_;                    // "scenario_counts":[
  // Per level L and count A, 0 to the number of scenarios, at (L-1)*(scenarios+1)+A:
  // },{"level":L,"at_or_above":A,"constraint": (no "}," for level 1).
  std::vector<Piece> count_open_;
  std::vector<Piece> count_key_;  // },{"level":L,"at_or_above": for a count past the table
  Piece constraint_key_;          // ,"constraint":
  Piece counts_close_;            // }]
  Piece explanation_head_;        // "explanation":[
  // Per level L and met: {"level":L,"met":…,"conditions":[{"what":"points","required":R,"has":
  std::vector<Piece> check_open_;
  Piece short_key_;    // ,"short":
  Piece check_close_;  // }]}
  // The scenario and constraint conditions are counts, so each is fixed text per level and
  // count: },{"what":"scenarios","required":R,"has":N,"short":S at
  // ((L-1)*2+c)*(scenarios+1)+N for c = 0 (scenarios) and 1 (constraint).
  std::vector<Piece> count_condition_;
  std::vector<Piece> count_what_;  // },{"what":…,"required":R,"has": per (L-1)*2+c, past the table
  Piece warnings_head_;            // "warnings":[
  std::vector<Piece> fired_;       // {"rule":"id","message":"…"} per consistency rule
  std::size_t longest_fired_ = 0;  // the longest of them
  Piece provenance_;               // "provenance":{…}
  bool has_provenance_ = true;
  std::size_t fixed_bound_ = 0;  // the longest a record can be, less its survey's own text
};

}  // namespace smedx::detail
