// The one rule for the columns of a survey table, whether a CSV file's header or a data frame's
// columns: which is the enterprise id, which answer an item or rate a scenario (by id or code),
// and which are enterprise fields passed through to the output. A name a couple of edits away
// from an item or scenario is an error, since a misspelt item would pass as an unanswered one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smedx/rules.h"

namespace smedx {

struct TableColumn {
  enum class Kind { enterprise_id, field, item, scenario };
  Kind kind = Kind::field;
  std::string name;  // as written, without surrounding blanks
  std::string id;    // the item or scenario id (for a field: its name)
  // A trend item's figures come in two columns, `R1.before` and `R1.after` (by id or code):
  // which one this is. `whole` for every other column.
  enum class Part { whole, before, after };
  Part part = Part::whole;
};

struct TableColumns {
  std::vector<TableColumn> columns;  // one per name, in order
  std::vector<std::string> errors;   // in column order; then a missing enterprise_id
};

// Classifies each column name: `enterprise_id`; an item or scenario by id or code; else an
// enterprise field (name, industry, district or any other), unless it is within two edits of an
// item or scenario id or code ("unknown column 'netwrk' (did you mean 'network'?)"). A column
// named twice (also by id and code) and a missing enterprise_id column are errors too.
TableColumns classify_columns(const std::vector<std::string>& names, const RuleSet& rules);

}  // namespace smedx
