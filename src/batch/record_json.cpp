#include "batch/record_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <span>
#include <type_traits>

#include "common/json_writer.h"

namespace smedx::detail {

void append_json_string(std::string& out, std::string_view s) { escape_to(out, s); }

void append_int(std::string& out, std::int64_t v) {
  char buf[32];  // the most write_int and write_thousandths write
  out.append(buf, static_cast<std::size_t>(write_int(buf, v) - buf));
}

void append_thousandths(std::string& out, std::int64_t t) {
  char buf[32];  // the most write_int and write_thousandths write
  out.append(buf, static_cast<std::size_t>(write_thousandths(buf, t) - buf));
}

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  escape_to(out, s);
  return out;
}

// Calls write(copy) on a copy of `out` and returns the copy. The record's own RawOut never has
// its address taken, so the compiler keeps its pointer in a register; once its address is out,
// every byte stored through a char pointer might change it, and it is reloaded after each.
template <typename Write>
RawOut on_copy(RawOut out, Write&& write) {
  write(out);
  return out;
}

// `,"key":` with the comma left off for the first of a list.
std::string member_key(std::size_t k, std::string_view key) {
  return (k ? "," : "") + quoted(key) + ":";
}

}  // namespace

JsonRecordWriter::JsonRecordWriter(const Engine& engine, unsigned fields, Lang lang)
    : rules_(engine.rules()), levels_(rules_.level_rule), fields_(fields), lang_(lang) {
  const RuleSet& r = rules_;
  const LevelRule& rule = r.level_rule;
  const int top = rule.top_level();
  constexpr std::size_t number = 24;  // the most a number's text takes
  std::size_t bound = 1024;           // braces, commas and the odd key, counted generously
  auto add = [&](std::string_view text) { return pool_.add(text); };

  std::size_t longest = 0;
  for (int l = 0; l <= top; ++l) {
    const std::string& zh = l ? rule.levels[static_cast<std::size_t>(l - 1)].zh : rule.no_level_zh;
    std::string text;
    if (want(level)) text += "\"level\":" + std::to_string(l);
    if (want(level) && want(level_name)) text += ',';
    if (want(level_name)) text += "\"level_name\":" + quoted(zh);
    level_text_.push_back(add(text));
    longest = std::max(longest, text.size());
  }
  bound += longest;
  total_key_ = add("\"total\":");
  dims_head_ = add("\"dimensions\":{");
  subs_head_ = add("\"sub_indicators\":{");
  for (std::size_t d = 0; d < r.dimensions.size(); ++d) {
    dim_keys_.push_back(add(member_key(d, r.dimensions[d].id)));
    bound += dim_keys_.back().size + number;
    for (const auto& s : r.dimensions[d].sub_indicators) {
      sub_keys_.push_back(add(member_key(sub_keys_.size(), s.id)));
      bound += sub_keys_.back().size + number;
    }
  }

  items_head_ = add("\"items\":{");
  const auto items = r.items();
  for (std::size_t i = 0; i < items.size(); ++i) {
    item_open_.push_back(member_key(i, items[i]->id) + "{\"code\":" + quoted(items[i]->code) +
                         ",\"options\":[");
  }
  item_entries_.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& options = items[i]->options;
    std::size_t entry = item_open_[i].size() + 4 * options.size() + 16 + number;
    if (options.size() <= 8) {
      for (std::uint32_t mask = 0; mask < (1u << options.size()); ++mask) {
        std::int64_t points = 0;
        for (std::size_t o = 0; o < options.size(); ++o)
          if (mask >> o & 1u) points += options[o].points.thousandths();
        std::string text;
        append_item(text, i, mask, points);
        entry = std::max(entry, text.size());
        item_entries_[i].text.push_back(add(text));
        item_entries_[i].points.push_back(points);
      }
    }
    bound += entry;
  }

  scenarios_head_ = add("\"scenarios\":{");
  for (std::size_t k = 0; k < r.scenarios.size(); ++k) {
    const std::string key = member_key(k, r.scenarios[k].id);
    scenario_keys_.push_back(add(key));
    bound += key.size() + number;
    for (int l = 0; l <= top; ++l) scenario_entries_.push_back(add(key + std::to_string(l)));
  }

  counts_head_ = add("\"scenario_counts\":[");
  constraint_key_ = add(",\"constraint\":");
  counts_close_ = add(top > 0 ? "}]" : "]");
  explanation_head_ = add("\"explanation\":[");
  short_key_ = add(",\"short\":");
  check_close_ = add("}]}");
  const int scenarios = static_cast<int>(r.scenarios.size());
  std::size_t check = 0;  // the longest entry of "explanation"
  for (int l = 1; l <= top; ++l) {
    const std::string key = fmt::format("{}{{\"level\":{},\"at_or_above\":", l > 1 ? "}," : "", l);
    count_key_.push_back(add(key));
    for (int a = 0; a <= scenarios; ++a)
      count_open_.push_back(add(key + std::to_string(a) + ",\"constraint\":"));
    bound += count_open_.back().size + constraint_key_.size + 2 * number;

    // The conditions' names and minima (what a survey has is written per record).
    const auto conditions = levels_.conditions(l, 0, 0, 0);
    std::string points = fmt::format("{{\"what\":\"{}\",\"required\":", conditions[0].what);
    append_thousandths(points, conditions[0].required);
    points += ",\"has\":";
    for (const bool met : {false, true}) {
      check_open_.push_back(add(fmt::format("{{\"level\":{},\"met\":{},\"conditions\":[{}", l,
                                            met ? "true" : "false", points)));
    }
    std::size_t size =
        check_open_.back().size + 1 + 2 * number + short_key_.size + check_close_.size;
    for (const LevelConditionValue& count : {conditions[1], conditions[2]}) {
      const std::string head =
          fmt::format("}},{{\"what\":\"{}\",\"required\":{},\"has\":", count.what, count.required);
      count_what_.push_back(add(head));
      std::size_t longest = head.size() + 2 * number + short_key_.size;
      for (int n = 0; n <= scenarios; ++n) {
        const std::string text =
            fmt::format("{}{},\"short\":{}", head, n, shortfall(count.required, n));
        count_condition_.push_back(add(text));
        longest = std::max(longest, text.size());
      }
      size += longest;
    }
    check = std::max(check, size);
  }
  bound += 2 * check;

  warnings_head_ = add("\"warnings\":[");
  for (const auto& c : r.consistency) {
    fired_.push_back(add("{\"code\":\"W-CONSISTENCY\",\"rule\":" + quoted(c.id) +
                         ",\"message\":" + quoted(c.message) + "}"));
    longest_fired_ = std::max<std::size_t>(longest_fired_, fired_.back().size);
  }
  provenance_ = add("\"provenance\":{\"rule_set\":" + quoted(r.meta.id) + ",\"version\":" +
                    quoted(r.meta.version) + ",\"hash\":" + quoted(r.content_hash) +
                    ",\"engine\":" + quoted(version()) + "}");
  bound += provenance_.size;
  has_provenance_ = !r.meta.id.empty();
  fixed_bound_ = bound;
}

// "enterprise_id":…,"enterprise":{…} as chosen (nothing when neither is).
RawOut JsonRecordWriter::write_enterprise(RawOut out, const CodedSurvey& s) const {
  bool any = false;
  if (want(enterprise_id)) {
    out += "\"enterprise_id\":";
    escape_to(out, s.enterprise_id);
    any = true;
  }
  if (want(enterprise) && !s.enterprise.empty()) {
    out += any ? ",\"enterprise\":{" : "\"enterprise\":{";
    const std::span<const std::pair<std::string, std::string>> fields(s.enterprise);
    for (std::size_t k = 0; k < fields.size(); ++k) {
      if (k) out += ',';
      escape_to(out, fields[k].first);
      out += ':';
      escape_to(out, fields[k].second);
    }
    out += '}';
  }
  return out;
}

// The record of a survey that was not scored: its enterprise, its errors, the provenance.
RawOut JsonRecordWriter::write_error(RawOut out, const CodedSurvey& s) const {
  out += '{';
  const char* const start = out.p;
  out = write_enterprise(out, s);
  if (out.p != start) out += ',';
  out += "\"error\":{\"message\":";
  escape_to(out, message_text(s.errors.front(), lang_));
  out += ",\"issues\":[";
  for (std::size_t k = 0; k < s.errors.size(); ++k) {
    const Issue& i = s.errors[k];
    if (k) out += ',';
    if (!i.code.empty()) {
      out += "{\"code\":";
      escape_to(out, i.code);
      out += ",\"message\":";
    } else {
      out += "{\"message\":";
    }
    escape_to(out, message_text(i, lang_));
    if (!i.path.empty()) {
      out += ",\"path\":";
      escape_to(out, i.path);
    }
    if (!i.where.file.empty()) {
      out += ",\"file\":";
      escape_to(out, i.where.file);
    }
    if (i.where.known()) {
      out += ",\"line\":";
      out.integer(i.where.line);
      if (i.where.column > 1) {  // a cell's own column (a CSV row's problems)
        out += ",\"column\":";
        out.integer(i.where.column);
      }
    }
    if (!i.suggestion.empty()) {
      out += ",\"suggestion\":";
      escape_to(out, i.suggestion);
    }
    out += '}';
  }
  out += "]}";
  if (want(provenance) && has_provenance_) {
    out += ',';
    out += provenance_;
  }
  out += '}';
  return out;
}

// One entry of "items": "id":{"code":…,"options":[…],"points":…}.
template <typename Out>
void JsonRecordWriter::append_item(Out& out, std::size_t i, std::uint32_t mask,
                                   std::int64_t points) const {
  out += item_open_[i];
  for (; mask; mask &= mask - 1) {
    const char letter[4] = {'"', static_cast<char>('A' + std::countr_zero(mask)), '"', ','};
    out.append(letter, (mask & (mask - 1)) ? 4 : 3);
  }
  out += "],\"points\":";
  if constexpr (std::is_same_v<Out, RawOut>) {
    out.thousandths(points);
  } else {
    append_thousandths(out, points);
  }
  out += '}';
}

// One entry of "explanation": the conditions of `level` against what the survey has.
RawOut JsonRecordWriter::append_check(RawOut out, int level, std::int64_t total, std::int32_t at,
                                      std::int32_t con) const {
  const auto l = static_cast<std::size_t>(level - 1);
  const LevelTable::Minimum& minimum = levels_.minimum(level);
  out += check_open_[2 * l + levels_.met(level, total, at, con)];
  out.thousandths(total);
  out += short_key_;
  out.thousandths(shortfall(minimum.points, total));
  out = append_count_condition(out, 2 * l, at, minimum.scenarios);
  out = append_count_condition(out, 2 * l + 1, con, minimum.constraint);
  out += check_close_;
  return out;
}

// },{"what":…,"required":R,"has":N,"short":S for condition `at` of count_what_.
RawOut JsonRecordWriter::append_count_condition(RawOut out, std::size_t at, std::int32_t has,
                                                std::int32_t required) const {
  const std::size_t counts = rules_.scenarios.size() + 1;
  if (static_cast<std::uint32_t>(has) < counts) {
    out += count_condition_[at * counts + static_cast<std::size_t>(has)];
    return out;
  }
  out += count_what_[at];
  out.integer(has);
  out += short_key_;
  out.integer(shortfall(required, has));
  return out;
}

void JsonRecordWriter::append(std::string& out, const CodedSurvey& s, const BlockScores& scores,
                              std::size_t row) const {
  // Room for the longest record this survey can give, then one pass of raw writes: the text
  // of the rule set and the survey's own, each byte of which may take 6 escaped.
  std::size_t bound = fixed_bound_ + RawOut::slack + 6 * s.enterprise_id.size();
  for (const auto& [k, v] : s.enterprise) bound += 6 * (k.size() + v.size()) + 8;
  // A warning's message in Chinese may run to three times its English bytes, as an error's.
  for (const Issue& w : s.warnings) {
    bound += 6 * (w.path.size() + 3 * w.message.size() + w.code.size()) + 128;
    for (const auto& arg : w.args) bound += 6 * 2 * arg.size();
  }
  bound += s.fired.size() * (longest_fired_ + 1);
  // An error's message in Chinese may run to three times its English bytes.
  for (const Issue& e : s.errors) {
    bound += 6 * (3 * e.message.size() + e.path.size() + e.where.file.size() + e.code.size() +
                  2 * e.suggestion.size()) +
             512;
    for (const auto& arg : e.args) bound += 6 * 2 * arg.size();
  }
  // Written into a scratch buffer of this thread and copied over whole: making the room in
  // `out` itself would mean zero-filling it first.
  thread_local std::vector<char> scratch;
  if (scratch.size() < bound) scratch.resize(bound);
  RawOut raw{scratch.data(), pool_.data()};
  raw = s.ok() ? write_scored(raw, s, scores, row) : write_error(raw, s);
  out.append(scratch.data(), static_cast<std::size_t>(raw.p - scratch.data()));
}

RawOut JsonRecordWriter::write_scored(RawOut out, const CodedSurvey& s, const BlockScores& scores,
                                      std::size_t row) const {
  out += '{';
  const char* const start = out.p;
  out = write_enterprise(out, s);
  bool first = out.p == start;
  auto sep = [&] {
    if (!first) out += ',';
    first = false;
  };
  const int top = rules_.level_rule.top_level();
  const int lvl = scores.level[row];
  const std::int64_t tot = scores.total[row];
  if (want(level) || want(level_name)) {
    sep();
    out += level_text_[static_cast<std::size_t>(lvl)];
  }
  if (want(total)) {
    sep();
    out += total_key_;
    out.thousandths(tot);
  }
  // The loops read spans, not vectors: a char stored may alias a vector's own pointers, which
  // would then be read again after every piece written.
  auto parts = [&](Piece head, std::span<const Piece> keys,
                   const std::vector<std::int64_t>& points) {
    sep();
    out += head;
    const std::int64_t* p = points.data() + row * keys.size();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      out += keys[k];
      out.thousandths(p[k]);
    }
    out += '}';
  };
  if (want(dimensions)) parts(dims_head_, dim_keys_, scores.dim_points);
  if (want(sub_indicators)) parts(subs_head_, sub_keys_, scores.sub_points);
  if (want(items)) {
    sep();
    out += items_head_;
    const std::span<const ItemEntries> entries(item_entries_);
    const std::span<const std::uint32_t> selected(s.selected);
    const std::int64_t* p = scores.item_points.data() + row * entries.size();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const ItemEntries& e = entries[i];
      const std::uint32_t mask = selected[i];
      if (mask < e.text.size() && e.points[mask] == p[i]) {
        out += e.text[mask];
      } else {
        out = on_copy(out, [&](RawOut& o) { append_item(o, i, mask, p[i]); });
      }
    }
    out += '}';
  }
  if (want(scenarios)) {
    sep();
    out += scenarios_head_;
    const auto levels = static_cast<std::size_t>(top) + 1;
    const std::span<const Piece> keys(scenario_keys_), entries(scenario_entries_);
    const std::span<const std::int8_t> rated(s.levels);
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const int l = rated[k];
      if (l >= 0 && l <= top) {
        out += entries[k * levels + static_cast<std::size_t>(l)];
      } else {
        out += keys[k];
        out.integer(l);
      }
    }
    out += '}';
  }
  const std::size_t base = row * static_cast<std::size_t>(top);
  if (want(scenario_counts)) {
    sep();
    out += counts_head_;
    const std::size_t counts = rules_.scenarios.size() + 1;
    const std::span<const Piece> keys(count_key_), opens(count_open_);
    const std::int32_t* at_or_above = scores.at_or_above.data() + base;
    const std::int32_t* constraint = scores.constraint.data() + base;
    for (std::size_t l = 0; l < keys.size(); ++l) {
      const std::int32_t a = at_or_above[l];
      if (static_cast<std::uint32_t>(a) < counts) {
        out += opens[l * counts + static_cast<std::size_t>(a)];
      } else {
        out += keys[l];
        out.integer(a);
        out += constraint_key_;
      }
      out.integer(constraint[l]);
    }
    out += counts_close_;
  }
  if (want(explanation)) {
    sep();
    out += explanation_head_;
    const auto [reached, next] = levels_.explained(lvl);
    if (reached) {
      const std::size_t at = base + static_cast<std::size_t>(reached - 1);
      out = append_check(out, reached, tot, scores.at_or_above[at], scores.constraint[at]);
    }
    if (next) {
      if (reached) out += ',';
      const std::size_t at = base + static_cast<std::size_t>(next - 1);
      out = append_check(out, next, tot, scores.at_or_above[at], scores.constraint[at]);
    }
    out += ']';
  }
  if (want(warnings)) {
    sep();
    out += warnings_head_;
    bool any = false;
    out = on_copy(out, [&](RawOut& o) {
      for (const Issue& i : s.warnings) {
        o += any ? ",{" : "{";
        any = true;
        if (!i.code.empty()) {
          o += "\"code\":";
          escape_to(o, i.code);
          o += ',';
        }
        if (i.path.rfind("consistency.", 0) == 0) {
          o += "\"rule\":";
          escape_to(o, std::string_view(i.path).substr(i.path.find('.') + 1));
        } else {
          o += "\"path\":";  // a missing answer scored as zero
          escape_to(o, i.path);
        }
        o += ",\"message\":";
        escape_to(o, message_text(i, lang_));
        o += '}';
      }
    });
    const std::span<const Piece> fired(fired_);
    for (std::uint16_t k : s.fired) {
      if (any) out += ',';
      any = true;
      out += fired[k];
    }
    out += ']';
  }
  if (want(provenance)) {
    sep();
    out += provenance_;
  }
  out += '}';
  return out;
}

}  // namespace smedx::detail
