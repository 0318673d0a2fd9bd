// The enterprise file (一企一档) of one rule set, with what every file shares made once: the
// rule set's names and level texts escaped, the charts' fixed parts drawn. A cohort of
// thousands of enterprises is then mostly copying. Immutable after construction: one instance
// serves every worker thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnosis.h"
#include "smedx/report.h"
#include "smedx/rules.h"

namespace smedx::detail {

class EnterpriseHtml {
 public:
  explicit EnterpriseHtml(const RuleSet& rules);

  // The file for `d` (diagnosed under the same rule set), appended to `out`: who diagnosed it
  // and when from `signing`, and `section` (the 改造方案) after the requirements.
  void render(const Diagnosis& d, std::string& out, const DiagnosisSigning& signing = {},
              std::string_view section = {}) const;
  std::string render(const Diagnosis& d) const {
    std::string out;
    render(d, out);
    return out;
  }

 private:
  struct Scenario {
    std::string table_head;                  // the scenario table's row up to the level
    std::vector<std::string> meaning;        // per level 1..n, escaped (index 0: none)
    std::vector<std::string> bar, bar_done;  // chart: label and bar per level 0..top, below
                                             // the target and at or above it
  };
  const RuleSet& rules_;
  int top_;
  std::string radar_head_;                // the radar's frame and rings (axes: the dimensions)
  std::vector<std::string> radar_label_;  // per dimension, up to its score
  std::vector<std::string> dimension_row_;
  std::vector<std::string> chart_head_;  // per target level 1..top
  std::vector<Scenario> scenarios_;
};

}  // namespace smedx::detail
