// Assessments as CSV rows: the output of `smedx score --format csv`.
#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "batch/csv_row.h"
#include "batch/record_json.h"
#include "smedx/batch.h"
#include "smedx/record.h"

namespace smedx {

void detail::append_csv_text(std::string& out, std::string_view s) {
  const bool formula = !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                                      s[0] == '\t' || s[0] == '\r');
  // A byte at a time: find_first_of would call memchr over the four for each byte.
  const bool special = std::any_of(
      s.begin(), s.end(), [](char c) { return c == ',' || c == '"' || c == '\n' || c == '\r'; });
  if (!formula && !special) {
    out += s;
    return;
  }
  out += formula ? "\"'" : "\"";
  for (std::size_t q; (q = s.find('"')) != std::string_view::npos; s.remove_prefix(q + 1)) {
    out.append(s.data(), q + 1);
    out += '"';
  }
  out += s;
  out += '"';
}

namespace {

// The enterprise fields named, each after a comma, as the survey has them (empty if not).
void field_cells(std::string& out, const std::vector<std::pair<std::string, std::string>>& have,
                 const std::vector<std::string>& fields) {
  for (const auto& f : fields) {
    out += ',';
    for (const auto& [key, value] : have) {
      if (key == f) {
        detail::append_csv_text(out, value);
        break;
      }
    }
  }
}

void error_row(std::string& out, const RuleSet& rules, std::string_view id,
               const std::vector<std::pair<std::string, std::string>>& have,
               const std::vector<std::string>& fields, std::string_view message) {
  detail::append_csv_text(out, id);
  field_cells(out, have, fields);
  out += ",,";
  out.append(rules.dimensions.size() + rules.scenarios.size(), ',');
  out += ',';
  detail::append_csv_text(out, message);
}

}  // namespace

std::string detail::csv_error_text(const std::vector<Issue>& errors, Lang lang) {
  std::string text;
  for (const Issue& e : errors) {
    if (!text.empty()) text += lang == Lang::zh ? "；" : "; ";
    text += message_text(e, lang);
  }
  return text;
}

void detail::append_csv_row(std::string& out, const RuleSet& rules, const CodedSurvey& s,
                            const BlockScores& scores, std::size_t row,
                            const std::vector<std::string>& fields, Lang lang) {
  if (!s.ok())
    return error_row(out, rules, s.enterprise_id, s.enterprise, fields,
                     csv_error_text(s.errors, lang));
  append_csv_text(out, s.enterprise_id);
  field_cells(out, s.enterprise, fields);
  // The numbers go into a scratch buffer of this thread first, then into `out` at once.
  const std::size_t dims = rules.dimensions.size();
  thread_local std::vector<char> scratch;
  scratch.resize(std::max(scratch.size(), 24 * (dims + 2) + 8 * s.levels.size() + 8));
  char* p = scratch.data();
  *p++ = ',';
  p = std::to_chars(p, p + 12, scores.level[row]).ptr;
  *p++ = ',';
  p = write_thousandths(p, scores.total[row]);
  for (std::size_t d = 0; d < dims; ++d) {
    *p++ = ',';
    p = write_thousandths(p, scores.dim_points[row * dims + d]);
  }
  for (const int level : s.levels) {
    *p++ = ',';
    p = std::to_chars(p, p + 4, level).ptr;
  }
  *p++ = ',';
  out.append(scratch.data(), static_cast<std::size_t>(p - scratch.data()));
}

std::string csv_header(const RuleSet& rules, const std::vector<std::string>& fields) {
  std::string out = "enterprise_id";
  for (const auto& f : fields) {
    out += ',';
    detail::append_csv_text(out, f);
  }
  out += ",level,total";
  for (const auto& d : rules.dimensions) out += "," + d.id;
  for (const auto& s : rules.scenarios) out += "," + s.id;
  return out + ",error";
}

std::string to_csv(const Assessment& a, const RuleSet& rules) {
  std::string out;
  if (!a.ok()) {
    error_row(out, rules, a.enterprise_id, {}, {}, detail::csv_error_text(a.errors, Lang::zh));
    return out;
  }
  detail::append_csv_text(out, a.enterprise_id);
  out += ',';
  detail::append_int(out, a.level);
  out += ',';
  detail::append_thousandths(out, a.total.thousandths());
  for (const auto& d : a.dimensions) {
    out += ',';
    detail::append_thousandths(out, d.points.thousandths());
  }
  for (const auto& [id, level] : a.scenarios) {
    out += ',';
    detail::append_int(out, level);
  }
  out += ',';
  return out;
}

std::string to_csv(const ScoredRecord& r) { return to_csv(r, {}); }

std::string to_csv(const ScoredRecord& r, const std::vector<std::string>& fields) {
  std::string out;
  detail::append_csv_row(out, r.engine.rules(), r.survey, r.scores, r.row, fields);
  return out;
}

}  // namespace smedx
