// Codes CSV rows straight into CodedSurveys, for the batch path: a row's cells are read in place
// as views and handed to the SurveyCoder, with no Survey and no string a cell between (issue
// 20: CSV input ran at a third of the JSON Lines rate, the difference being the Survey built for
// each row).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "smedx/coded_survey.h"
#include "smedx/survey_csv.h"
#include "survey/survey_coder.h"

namespace smedx::detail {

class CsvRowCoder {
 public:
  // `layout` and `index` must outlive the coder. Made once a file, used from many threads.
  CsvRowCoder(const CsvLayout& layout, const RuleIndex& index);

  // Codes `row` as parse_survey_csv followed by code_survey would, when the row is in the usual
  // form: no quote, the header's number of fields, every non-empty item cell letters (joined
  // with '|' for a multi item) or a number, every non-empty scenario cell a whole number.
  // Returns false, having left `out` alone, for any other row: the caller then takes the Survey
  // path, which words what is wrong, so both paths give the same record for every row. A row's
  // errors are placed at their cells (line:column) as the Survey path places them.
  // `where` (the row's location) must outlive the call.
  bool code(std::string_view row, const Location& where, MissingPolicy missing,
            CodedSurvey& out) const;

 private:
  const CsvLayout& layout_;
  const RuleIndex& index_;
  // Per column: the item it answers (an item column whose item no other column answers), for
  // handing a cell in the usual form over as its options; -1 for any other column.
  std::vector<std::int32_t> item_;
  // The layout has a trend item's figures in two columns (`R1.before`, `R1.after`), which only
  // parse_survey_csv pairs: every row takes that path.
  bool split_figures_ = false;
};

}  // namespace smedx::detail
