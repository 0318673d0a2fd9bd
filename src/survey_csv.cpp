// Surveys from CSV rows, and assessments to CSV rows.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "cell.h"
#include "csv_row.h"
#include "rule_reader.h"
#include "smedx/batch.h"
#include "smedx/columns.h"
#include "smedx/survey_io.h"

namespace smedx {

std::optional<std::vector<std::string>> split_csv(std::string_view record) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    if (quoted) {
      if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\r' && i + 1 == record.size()) {
      break;
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  return fields;
}

std::optional<CsvLayout> read_csv_header(std::string_view header, const RuleSet& rules,
                                         std::string_view source, std::vector<Issue>& issues) {
  const Location where{std::string(source), 1, 1};
  auto names = split_csv(header);
  if (header.size() >= 3 && header.substr(0, 3) == "\xEF\xBB\xBF")
    names = split_csv(header.substr(3));
  if (!names) {
    issues.push_back(Issue{Severity::error, "malformed CSV header: unclosed quote", "", where, ""});
    return std::nullopt;
  }
  // The column rule is the library's, shared with score_frame (smedx/columns.h).
  TableColumns table = classify_columns(*names, rules);
  for (auto& message : table.errors)
    issues.push_back(Issue{Severity::error, std::move(message), "", where, ""});
  CsvLayout layout;
  for (auto& c : table.columns) {
    CsvLayout::Column col{CsvLayout::Column::Kind::field, std::move(c.name)};
    switch (c.kind) {
      case TableColumn::Kind::enterprise_id:
        col.kind = CsvLayout::Column::Kind::enterprise_id;
        break;
      case TableColumn::Kind::field:
        break;
      case TableColumn::Kind::item:
        col.kind = CsvLayout::Column::Kind::item;
        col.multi = rules.find_item(c.id)->kind == ItemKind::multi;
        break;
      case TableColumn::Kind::scenario:
        col.kind = CsvLayout::Column::Kind::scenario;
        break;
    }
    layout.columns.push_back(std::move(col));
  }
  if (has_errors(issues)) return std::nullopt;
  return layout;
}

SurveyParse parse_survey_csv(const CsvLayout& layout, std::string_view row, std::string_view source,
                             int line) {
  SurveyParse out;
  const Location where{std::string(source), line, 1};
  auto fields = split_csv(row);
  if (!fields) {
    out.issues.push_back(
        Issue{Severity::error, "malformed CSV row: unclosed quote", "", where, ""});
    return out;
  }
  if (fields->size() != layout.columns.size()) {
    if (!fields->empty() && !layout.columns.empty() &&
        layout.columns[0].kind == CsvLayout::Column::Kind::enterprise_id)
      out.enterprise_id = (*fields)[0];
    out.issues.push_back(Issue{Severity::error,
                               fmt::format("malformed CSV row: {} fields, the header has {}",
                                           fields->size(), layout.columns.size()),
                               "", where, ""});
    return out;
  }
  Survey s;
  s.where = where;
  for (std::size_t i = 0; i < fields->size(); ++i) {
    const auto& col = layout.columns[i];
    std::string& cell = (*fields)[i];
    while (!cell.empty() && cell.back() == ' ') cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    switch (col.kind) {
      case CsvLayout::Column::Kind::enterprise_id:
        s.enterprise_id = cell;
        break;
      case CsvLayout::Column::Kind::field:
        s.enterprise.emplace_back(col.name, cell);
        break;
      case CsvLayout::Column::Kind::item: {
        if (cell.empty()) break;  // missing: the missing-answer policy decides
        Answer a;
        if (auto problem = detail::cell_answer(cell, col.multi, col.name, a)) {
          out.issues.push_back(
              Issue{Severity::error, std::move(*problem), "answers." + col.name, where, ""});
          continue;
        }
        a.where = where;
        s.answers.emplace_back(col.name, std::move(a));
        break;
      }
      case CsvLayout::Column::Kind::scenario: {
        if (cell.empty()) break;
        int level = 0;
        if (auto problem = detail::cell_level(cell, col.name, level)) {
          out.issues.push_back(
              Issue{Severity::error, std::move(*problem), "scenarios." + col.name, where, ""});
          continue;
        }
        s.scenarios.emplace_back(col.name, level);
        s.scenario_where.push_back(where);
        break;
      }
    }
  }
  out.enterprise_id = s.enterprise_id;
  if (out.issues.empty()) {
    out.survey = std::move(s);
  } else {
    out.enterprise = std::move(s.enterprise);  // pass-through fields still reach the output
  }
  return out;
}

namespace {
std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string csv_header(const RuleSet& rules, const std::vector<std::string>& fields) {
  std::string out = "enterprise_id";
  for (const auto& f : fields) out += "," + csv_field(f);
  out += ",level,total";
  for (const auto& d : rules.dimensions) out += "," + d.id;
  for (const auto& s : rules.scenarios) out += "," + s.id;
  return out + ",error";
}

namespace detail {

std::string csv_row(std::string_view id, int level, Decimal total,
                    const std::vector<Decimal>& dimensions,
                    const std::vector<std::int8_t>& levels) {
  std::string out = csv_field(id);
  out += fmt::format(",{},{}", level, total.to_string());
  for (const auto& d : dimensions) out += "," + d.to_string();
  for (auto l : levels) out += fmt::format(",{}", l);
  return out + ",";
}

std::string csv_error_row(std::string_view id, std::string_view message, const RuleSet& rules) {
  std::string out = csv_field(id) + ",,";
  out.append(rules.dimensions.size() + rules.scenarios.size(), ',');
  return out + "," + csv_field(message);
}

}  // namespace detail

std::string to_csv(const Assessment& a, const RuleSet& rules) {
  if (!a.ok()) return detail::csv_error_row(a.enterprise_id, a.errors.front().message, rules);
  std::vector<Decimal> dims;
  for (const auto& d : a.dimensions) dims.push_back(d.points);
  std::vector<std::int8_t> levels;
  for (const auto& [id, level] : a.scenarios) levels.push_back(static_cast<std::int8_t>(level));
  return detail::csv_row(a.enterprise_id, a.level, a.total, dims, levels);
}

std::string to_csv(const ScoredRecord& r) {
  const RuleSet& rules = r.engine.rules();
  if (!r.ok())
    return detail::csv_error_row(r.survey.enterprise_id, r.survey.errors.front().message, rules);
  const std::size_t dims = rules.dimensions.size();
  std::vector<Decimal> points(dims);
  for (std::size_t d = 0; d < dims; ++d)
    points[d] = Decimal::from_thousandths(r.scores.dim_points[r.row * dims + d]);
  return detail::csv_row(r.survey.enterprise_id, r.scores.level[r.row],
                         Decimal::from_thousandths(r.scores.total[r.row]), points, r.survey.levels);
}

std::string to_csv(const ScoredRecord& r, const std::vector<std::string>& fields) {
  std::string row = to_csv(r);
  if (fields.empty()) return row;
  std::string cells;
  for (const auto& f : fields) {
    cells += ',';
    for (const auto& [key, value] : r.survey.enterprise) {
      if (key == f) {
        cells += csv_field(value);
        break;
      }
    }
  }
  row.insert(csv_field(r.survey.enterprise_id).size(), cells);
  return row;
}

}  // namespace smedx
