// The pilot's one table reader (CSV or JSON Lines, unknown columns refused with a did-you-mean)
// for inputs read outside pilot_inputs.cpp, such as the 投入清单. Not API.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string_view>
#include <vector>

#include "pilot/pilot_state.h"

namespace smedx::detail {

// Reads every record of a table into `use`, as the register and evidence are read: a record
// that cannot be read, or names a column or key outside `known`, is a located error in `errors`.
// `header_line` is set to the CSV header's line (0: none). `what` names the table in messages.
void read_pilot_table(std::istream& in, std::string_view source, TableFormat format,
                      std::string_view what, const std::vector<std::string_view>& known,
                      std::vector<Issue>& errors, std::size_t& rows, int& header_line,
                      const std::function<void(const TableRow&)>& use);

// How many input records the errors from `first` on belong to (the header's are its rows').
std::size_t error_records_among(const std::vector<Issue>& errors, std::size_t first,
                                int header_line);

}  // namespace smedx::detail
