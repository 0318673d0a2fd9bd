// Reading surveys from CSV: the header row names the columns (smedx/columns.h has the rule),
// each data row is one survey.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/columns.h"
#include "smedx/diagnostics.h"
#include "smedx/rules.h"
#include "smedx/survey_text.h"

namespace smedx {

// The columns of a survey CSV file, read from its header row: enterprise_id, optional
// enterprise fields (name, industry, district, or any other non-item column is passed
// through), then one column per item and per scenario, named by id or code.
struct CsvLayout {
  struct Column {
    enum class Kind { enterprise_id, field, item, scenario } kind;
    std::string name;            // as written in the header
    bool multi = false;          // item columns: letters joined with '|'
    const Item* item = nullptr;  // item columns: the item, in the rule set read_csv_header had
    TableColumn::Part part = TableColumn::Part::whole;  // a trend item's before or after figure
  };
  std::vector<Column> columns;
};

// Reads a CSV header row. Problems (no enterprise_id column, a column named twice) are issues.
std::optional<CsvLayout> read_csv_header(std::string_view header, const RuleSet& rules,
                                         std::string_view source, std::vector<Issue>& issues);

// Parses one CSV data row with that layout. An empty item or scenario cell is a missing answer.
SurveyParse parse_survey_csv(const CsvLayout& layout, std::string_view row,
                             std::string_view source = "<string>", int line = 1);

// Splits one CSV record into fields (RFC 4180 quoting). Returns nothing for a malformed record.
std::optional<std::vector<std::string>> split_csv(std::string_view record);

// The rows of a CSV text (UTF-8, as decode_text gives it) that smedx score could not read
// under its header: a row with a field too few or too many ("the row has 36 fields, the header
// 35"), which would put answers under the wrong columns, or a quoted field left open. Rows are
// read as smedx score reads them (a quoted field may span lines, blank lines are skipped); each
// issue is an error located at the line where its row starts. Empty when every row reads.
std::vector<Issue> check_csv_rows(std::string_view text);

}  // namespace smedx
