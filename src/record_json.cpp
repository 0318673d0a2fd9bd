#include "record_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

#include "json_writer.h"

namespace smedx::detail {

namespace {

// Writes through a raw pointer into room made beforehand (see JsonRecordWriter::append): no
// capacity check and no terminator per piece.
struct RawOut {
  char* p;
  RawOut& operator+=(std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    return *this;
  }
  RawOut& operator+=(char c) {
    *p++ = c;
    return *this;
  }
  void append(const char* s, std::size_t n) {
    std::memcpy(p, s, n);
    p += n;
  }
};

// The one JSON string escaping of json_writer.h, into either kind of output.
template <typename Out>
void put_json_string(Out& out, std::string_view s) {
  escape_to(out, s);
}

template <typename Out>
void put_int(Out& out, std::int64_t v) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, static_cast<std::size_t>(end - buf));
}

template <typename Out>
void put_thousandths(Out& out, std::int64_t t) {
  char buf[32];
  out.append(buf, static_cast<std::size_t>(write_thousandths(buf, t) - buf));
}

}  // namespace

char* write_thousandths(char* p, std::int64_t t) {
  std::uint64_t v = static_cast<std::uint64_t>(t);
  if (t < 0) {
    *p++ = '-';
    v = 0 - v;
  }
  p = std::to_chars(p, p + 21, v / 1000).ptr;
  if (const auto frac = static_cast<unsigned>(v % 1000)) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 100);
    if (frac % 100) {
      *p++ = static_cast<char>('0' + frac / 10 % 10);
      if (frac % 10) *p++ = static_cast<char>('0' + frac % 10);
    }
  }
  return p;
}

void append_json_string(std::string& out, std::string_view s) { put_json_string(out, s); }
void append_int(std::string& out, std::int64_t v) { put_int(out, v); }
void append_thousandths(std::string& out, std::int64_t t) { put_thousandths(out, t); }

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  put_json_string(out, s);
  return out;
}

// `,"key":` with the comma left off for the first of a list.
std::string member_key(std::size_t k, std::string_view key) {
  return (k ? "," : "") + quoted(key) + ":";
}

}  // namespace

JsonRecordWriter::JsonRecordWriter(const Engine& engine, unsigned fields)
    : rules_(engine.rules()), fields_(fields) {
  const RuleSet& r = rules_;
  const LevelRule& rule = r.level_rule;
  level_names_.push_back("\"level_name\":" + quoted(rule.no_level_zh));
  for (const auto& l : rule.levels) level_names_.push_back("\"level_name\":" + quoted(l.zh));
  for (std::size_t d = 0; d < r.dimensions.size(); ++d) {
    dim_keys_.push_back(member_key(d, r.dimensions[d].id));
    for (const auto& s : r.dimensions[d].sub_indicators)
      sub_keys_.push_back(member_key(sub_keys_.size(), s.id));
  }
  const auto items = r.items();
  for (std::size_t i = 0; i < items.size(); ++i) {
    item_open_.push_back(member_key(i, items[i]->id) + "{\"code\":" + quoted(items[i]->code) +
                         ",\"options\":[");
  }
  item_entries_.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& options = items[i]->options;
    if (options.size() > 8) continue;
    for (std::uint32_t mask = 0; mask < (1u << options.size()); ++mask) {
      std::int64_t points = 0;
      for (std::size_t o = 0; o < options.size(); ++o)
        if (mask >> o & 1u) points += options[o].points.thousandths();
      std::string text;
      append_item(text, i, mask, points);
      item_entries_[i].text.push_back(std::move(text));
      item_entries_[i].points.push_back(points);
    }
  }
  for (std::size_t k = 0; k < r.scenarios.size(); ++k) {
    scenario_keys_.push_back(member_key(k, r.scenarios[k].id));
    for (int l = 0; l <= rule.top_level(); ++l)
      scenario_entries_.push_back(scenario_keys_.back() + std::to_string(l));
  }
  for (int l = 1; l <= rule.top_level(); ++l) {
    count_open_.push_back(fmt::format("{}{{\"level\":{},\"at_or_above\":", l > 1 ? "," : "", l));
    check_open_.push_back(fmt::format("{{\"level\":{},\"met\":", l));
    const LevelRequirement& req = rule.levels[static_cast<std::size_t>(l - 1)];
    const std::int64_t required[3] = {req.min_points.thousandths(),
                                      std::int64_t{req.min_scenarios} * Decimal::scale,
                                      std::int64_t{req.min_constraint} * Decimal::scale};
    static constexpr std::string_view what[3] = {
        "{\"what\":\"points\",\"required\":", ",{\"what\":\"scenarios\",\"required\":",
        ",{\"what\":\"constraint\",\"required\":"};
    auto& texts = check_required_.emplace_back();
    for (int k = 0; k < 3; ++k) {
      texts[k] = what[k];
      append_thousandths(texts[k], required[k]);
      texts[k] += ",\"has\":";
    }
  }
  for (const auto& c : r.consistency)
    fired_.push_back("{\"rule\":" + quoted(c.id) + ",\"message\":" + quoted(c.message) + "}");
  provenance_ = "\"provenance\":{\"rule_set\":" + quoted(r.meta.id) +
                ",\"version\":" + quoted(r.meta.version) + ",\"hash\":" + quoted(r.content_hash) +
                ",\"engine\":" + quoted(version()) + "}";
  has_provenance_ = !r.meta.id.empty();

  // Numbers take at most 24 bytes; keys and punctuation are counted generously.
  constexpr std::size_t number = 24;
  std::size_t bound = 1024 + provenance_.size();
  for (const auto& l : level_names_) bound = std::max(bound, 1024 + provenance_.size() + l.size());
  for (const auto& k : dim_keys_) bound += k.size() + number;
  for (const auto& k : sub_keys_) bound += k.size() + number;
  for (std::size_t i = 0; i < items.size(); ++i)
    bound += item_open_[i].size() + 4 * items[i]->options.size() + 16 + number;
  for (const auto& k : scenario_keys_) bound += k.size() + number;
  for (const auto& c : count_open_) bound += c.size() + 32 + 2 * number;
  for (const auto& c : check_open_) bound += 2 * (c.size() + 16 + 3 * (48 + 3 * number));
  fixed_bound_ = bound;
}

template <typename Out>
void JsonRecordWriter::append_error(Out& out, const CodedSurvey& s) const {
  out += "\"error\":{\"message\":";
  put_json_string(out, s.errors.front().message);
  out += ",\"issues\":[";
  for (std::size_t k = 0; k < s.errors.size(); ++k) {
    const Issue& i = s.errors[k];
    out += k ? ",{\"message\":" : "{\"message\":";
    put_json_string(out, i.message);
    if (!i.path.empty()) {
      out += ",\"path\":";
      put_json_string(out, i.path);
    }
    if (!i.where.file.empty()) {
      out += ",\"file\":";
      put_json_string(out, i.where.file);
    }
    if (i.where.known()) {
      out += ",\"line\":";
      put_int(out, i.where.line);
    }
    out += '}';
  }
  out += "]}";
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
  put_thousandths(out, points);
  out += '}';
}

// One entry of "explanation": the conditions of `level` against what the survey has.
template <typename Out>
void JsonRecordWriter::append_check(Out& out, int level, std::int64_t total, std::int32_t at,
                                    std::int32_t con) const {
  const LevelRequirement& req = rules_.level_rule.levels[static_cast<std::size_t>(level - 1)];
  const std::int64_t required[3] = {req.min_points.thousandths(),
                                    std::int64_t{req.min_scenarios} * Decimal::scale,
                                    std::int64_t{req.min_constraint} * Decimal::scale};
  const std::int64_t has[3] = {total, std::int64_t{at} * Decimal::scale,
                               std::int64_t{con} * Decimal::scale};
  const bool met = has[0] >= required[0] && has[1] >= required[1] && has[2] >= required[2];
  out += check_open_[static_cast<std::size_t>(level - 1)];
  out += met ? "true,\"conditions\":[" : "false,\"conditions\":[";
  const auto& texts = check_required_[static_cast<std::size_t>(level - 1)];
  for (int k = 0; k < 3; ++k) {
    out += texts[static_cast<std::size_t>(k)];
    put_thousandths(out, has[k]);
    out += ",\"short\":";
    put_thousandths(out, has[k] >= required[k] ? 0 : required[k] - has[k]);
    out += '}';
  }
  out += "]}";
}

void JsonRecordWriter::append(std::string& out, const CodedSurvey& s, const BlockScores& scores,
                              std::size_t row) const {
  if (!s.ok()) return write(out, s, scores, row);
  // Room for the longest record this survey can give, then one pass of raw writes.
  std::size_t bound = fixed_bound_ + 6 * s.enterprise_id.size();
  for (const auto& [k, v] : s.enterprise) bound += 6 * (k.size() + v.size()) + 8;
  for (const Issue& w : s.warnings) bound += 6 * (w.path.size() + w.message.size()) + 40;
  for (std::uint16_t k : s.fired) bound += fired_[k].size() + 1;
  // Written into a scratch buffer of this thread and copied over whole: making the room in
  // `out` itself would mean zero-filling it first.
  thread_local std::vector<char> scratch;
  if (scratch.size() < bound) scratch.resize(bound);
  RawOut raw{scratch.data()};
  write(raw, s, scores, row);
  out.append(scratch.data(), static_cast<std::size_t>(raw.p - scratch.data()));
}

template <typename Out>
void JsonRecordWriter::write(Out& out, const CodedSurvey& s, const BlockScores& scores,
                             std::size_t row) const {
  bool first = true;
  auto sep = [&] {
    if (!first) out += ',';
    first = false;
  };
  out += '{';
  if (want(enterprise_id)) {
    sep();
    out += "\"enterprise_id\":";
    put_json_string(out, s.enterprise_id);
  }
  if (want(enterprise) && !s.enterprise.empty()) {
    sep();
    out += "\"enterprise\":{";
    for (std::size_t k = 0; k < s.enterprise.size(); ++k) {
      if (k) out += ',';
      put_json_string(out, s.enterprise[k].first);
      out += ':';
      put_json_string(out, s.enterprise[k].second);
    }
    out += '}';
  }
  if (!s.ok()) {
    sep();
    append_error(out, s);
    if (want(provenance) && has_provenance_) {
      sep();
      out += provenance_;
    }
    out += '}';
    return;
  }
  const int top = rules_.level_rule.top_level();
  const int lvl = scores.level[row];
  const std::int64_t tot = scores.total[row];
  if (want(level)) {
    sep();
    out += "\"level\":";
    put_int(out, lvl);
  }
  if (want(level_name)) {
    sep();
    out += level_names_[static_cast<std::size_t>(lvl)];
  }
  if (want(total)) {
    sep();
    out += "\"total\":";
    put_thousandths(out, tot);
  }
  auto parts = [&](std::string_view head, const std::vector<std::string>& keys,
                   const std::vector<std::int64_t>& points) {
    sep();
    out += head;
    const std::int64_t* p = points.data() + row * keys.size();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      out += keys[k];
      put_thousandths(out, p[k]);
    }
    out += '}';
  };
  if (want(dimensions)) parts("\"dimensions\":{", dim_keys_, scores.dim_points);
  if (want(sub_indicators)) parts("\"sub_indicators\":{", sub_keys_, scores.sub_points);
  if (want(items)) {
    sep();
    out += "\"items\":{";
    const std::int64_t* p = scores.item_points.data() + row * item_open_.size();
    for (std::size_t i = 0; i < item_open_.size(); ++i) {
      const ItemEntries& e = item_entries_[i];
      const std::uint32_t mask = s.selected[i];
      if (mask < e.text.size() && e.points[mask] == p[i]) {
        out += e.text[mask];
      } else {
        append_item(out, i, mask, p[i]);
      }
    }
    out += '}';
  }
  if (want(scenarios)) {
    sep();
    out += "\"scenarios\":{";
    const auto levels = static_cast<std::size_t>(top) + 1;
    for (std::size_t k = 0; k < scenario_keys_.size(); ++k) {
      const int l = s.levels[k];
      if (l >= 0 && l <= top) {
        out += scenario_entries_[k * levels + static_cast<std::size_t>(l)];
      } else {
        out += scenario_keys_[k];
        put_int(out, l);
      }
    }
    out += '}';
  }
  const std::size_t base = row * static_cast<std::size_t>(top);
  if (want(scenario_counts)) {
    sep();
    out += "\"scenario_counts\":[";
    for (int l = 1; l <= top; ++l) {
      const std::size_t at = base + static_cast<std::size_t>(l - 1);
      out += count_open_[static_cast<std::size_t>(l - 1)];
      put_int(out, scores.at_or_above[at]);
      out += ",\"constraint\":";
      put_int(out, scores.constraint[at]);
      out += '}';
    }
    out += ']';
  }
  if (want(explanation)) {
    sep();
    out += "\"explanation\":[";
    if (lvl > 0) {
      const std::size_t at = base + static_cast<std::size_t>(lvl - 1);
      append_check(out, lvl, tot, scores.at_or_above[at], scores.constraint[at]);
    }
    if (lvl < top) {
      if (lvl > 0) out += ',';
      const std::size_t at = base + static_cast<std::size_t>(lvl);
      append_check(out, lvl + 1, tot, scores.at_or_above[at], scores.constraint[at]);
    }
    out += ']';
  }
  if (want(warnings)) {
    sep();
    out += "\"warnings\":[";
    bool any = false;
    for (const Issue& i : s.warnings) {
      out += any ? ",{" : "{";
      any = true;
      if (i.path.rfind("consistency.", 0) == 0) {
        out += "\"rule\":";
        put_json_string(out, std::string_view(i.path).substr(i.path.find('.') + 1));
      } else {
        out += "\"path\":";  // a missing answer scored as zero
        put_json_string(out, i.path);
      }
      out += ",\"message\":";
      put_json_string(out, i.message);
      out += '}';
    }
    for (std::uint16_t k : s.fired) {
      if (any) out += ',';
      any = true;
      out += fired_[k];
    }
    out += ']';
  }
  if (want(provenance)) {
    sep();
    out += provenance_;
  }
  out += '}';
}

}  // namespace smedx::detail
