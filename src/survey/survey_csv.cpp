// Surveys from CSV rows (the CSV output is in csv_output.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <streambuf>

#include "rules/rule_reader.h"
#include "smedx/columns.h"
#include "smedx/survey_csv.h"
#include "smedx/survey_text.h"
#include "survey/cell.h"
#include "survey/record_reader.h"
#include "survey/survey_coder.h"

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

namespace {

// A text read in place as a stream, for the record reader.
struct TextBuffer : std::streambuf {
  explicit TextBuffer(std::string_view text) {
    char* p = const_cast<char*>(text.data());  // only read
    setg(p, p, p + text.size());
  }
};

// The place of each field of a CSV record: its line (a quoted field may hold line breaks) and
// 1-based column in code points, as split_csv splits it. Only for rows with problems to place.
std::vector<Location> field_places(std::string_view record, std::string_view source, int line) {
  std::vector<Location> out;
  int at_line = line, column = 1;
  bool quoted = false, start = true, empty = true;  // `empty`: the field holds nothing yet
  for (std::size_t i = 0; i <= record.size(); ++i) {
    if (start) {
      out.push_back(Location{std::string(source), at_line, column});
      start = false;
      empty = true;
    }
    if (i == record.size()) break;
    const char c = record[i];
    if (quoted) {
      if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
        ++i, ++column, empty = false;
      } else if (c == '"') {
        quoted = false;
      } else {
        empty = false;
      }
    } else if (c == '"' && empty) {
      quoted = true;
    } else if (c == ',') {
      start = true;
    } else {
      empty = false;
    }
    if (c == '\n') {
      ++at_line, column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column;  // a code point starts here
    }
  }
  return out;
}

// A trend item's two figures from its `.before` and `.after` columns, as one answer keyed by the
// item's name as the columns write it ("R1"); one of the two alone is an error.
void pair_figures(const CsvLayout& layout,
                  std::vector<std::pair<std::size_t, std::string>>& figures, Survey& s,
                  std::vector<Issue>& issues, const std::vector<Location>& places) {
  for (std::size_t a = 0; a < figures.size(); ++a) {
    if (figures[a].first == std::size_t(-1)) continue;  // paired already
    const CsvLayout::Column& col = layout.columns[figures[a].first];
    std::string_view name = col.name;
    name.remove_suffix(col.part == TableColumn::Part::before ? 7 : 6);
    std::string* other = nullptr;
    for (std::size_t b = a + 1; b < figures.size(); ++b) {
      const CsvLayout::Column& c = layout.columns[figures[b].first];
      if (figures[b].first != std::size_t(-1) && c.item == col.item) {
        other = &figures[b].second;
        figures[b].first = std::size_t(-1);
        break;
      }
    }
    if (!other) {
      Issue issue = detail::figures_half(col.name, col.part == TableColumn::Part::before);
      issue.path = "answers." + std::string(name);
      issue.where = places[figures[a].first];
      issues.push_back(std::move(issue));
      Answer stand_in;  // as for a scenario cell that does not read: the rest is still checked
      stand_in.letters = {col.item->options.front().letter};
      stand_in.list = col.item->kind == ItemKind::multi;
      s.answers.emplace_back(std::string(name), std::move(stand_in));
      continue;
    }
    Answer answer;
    answer.kind = Answer::Kind::figures;
    const bool before_first = col.part == TableColumn::Part::before;
    answer.before = before_first ? figures[a].second : *other;
    answer.after = before_first ? *other : figures[a].second;
    answer.where = places[figures[a].first];
    s.answers.emplace_back(std::string(name), std::move(answer));
  }
}
}  // namespace

std::vector<Issue> check_csv_rows(std::string_view text) {
  TextBuffer buffer(text);
  std::istream in(&buffer);
  detail::RecordReader reader(in, InputFormat::csv, TextEncoding::utf8);
  std::vector<Issue> issues;
  detail::RawRecord r;
  // A row's fields are its commas outside quotes, once it has read whole.
  auto fields = [&r] {
    detail::CsvScan scan;
    scan.feed(r.text, 0);
    return scan.fields;
  };
  auto fail = [&](std::string message) {
    issues.push_back(Issue{Severity::error, std::move(message), "", Location{"", r.line, 1}, ""});
  };
  if (!reader.next(r)) return issues;  // no header, no rows
  if (!r.problem.empty()) {            // no header to hold the rows to
    fail(r.problem);
    return issues;
  }
  const std::size_t header = fields();
  while (reader.next(r)) {
    if (!r.problem.empty()) {
      fail(r.problem);
    } else if (const std::size_t n = fields(); n != header) {
      fail(fmt::format("the row has {} fields, the header {}", n, header));
    }
  }
  return issues;
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
        col.item = rules.find_item(c.id);
        col.multi = col.item->kind == ItemKind::multi;
        col.part = c.part;
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
    out.issues.push_back(coded_issue("E-CSV-QUOTE", {}, "", where));
    return out;
  }
  if (fields->size() != layout.columns.size()) {
    if (!fields->empty() && !layout.columns.empty() &&
        layout.columns[0].kind == CsvLayout::Column::Kind::enterprise_id)
      out.enterprise_id = (*fields)[0];
    out.issues.push_back(coded_issue(
        "E-CSV-FIELDS", {std::to_string(fields->size()), std::to_string(layout.columns.size())}, "",
        where));
    return out;
  }
  Survey s;
  s.where = where;
  // Each cell's own place, for its problems: "survey.csv:5:12".
  const std::vector<Location> places = field_places(row, source, line);
  std::vector<std::pair<std::size_t, std::string>> figures;  // (column, cell) of R1.before …
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
        if (cell.empty()) break;                     // missing: the missing-answer policy decides
        if (col.part != TableColumn::Part::whole) {  // a figure: paired after the row
          figures.push_back({i, std::move(cell)});
          break;
        }
        Answer a;
        if (auto problem = detail::cell_answer(cell, *col.item, col.name, a)) {
          problem->path = "answers." + col.name;
          problem->where = places[i];
          out.issues.push_back(std::move(*problem));
          continue;
        }
        a.where = places[i];
        s.answers.emplace_back(col.name, std::move(a));
        break;
      }
      case CsvLayout::Column::Kind::scenario: {
        if (cell.empty()) break;
        int level = 0;
        if (auto problem = detail::cell_level(cell, col.name, level)) {
          problem->path = "scenarios." + col.name;
          problem->where = places[i];
          out.issues.push_back(std::move(*problem));
          // A stand-in, so that the coder checks the rest of the row without calling this
          // scenario missing: the row is not scored, and says every problem at once.
          s.scenarios.emplace_back(col.name, 0);
          s.scenario_where.push_back(places[i]);
          continue;
        }
        s.scenarios.emplace_back(col.name, level);
        s.scenario_where.push_back(places[i]);
        break;
      }
    }
  }
  pair_figures(layout, figures, s, out.issues, places);
  out.enterprise_id = s.enterprise_id;
  // With cells that did not read, the survey too, their stand-ins in it: the caller codes it
  // for the row's other problems and reports them all.
  if (!out.issues.empty()) out.enterprise = s.enterprise;  // pass-through fields still reach
  out.survey = std::move(s);                               // the output
  detail::cap_issues(out.issues);
  return out;
}

}  // namespace smedx
