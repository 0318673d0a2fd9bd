// One cell of a survey table (a CSV row, a data-frame column) read as an answer or a scenario
// level: letters joined with '|' for multi items, a letter or a percentage otherwise, a whole
// number for a scenario. Shared by the CSV reader and the columnar (data frame) path so both
// read cells the same way and say the same thing about bad ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smedx/rules.h"
#include "smedx/survey.h"

namespace smedx::detail {

// Reads a non-empty cell of item column `column`; returns the error message when it is not an
// answer of any form.
std::optional<std::string> cell_answer(std::string_view cell, bool multi, std::string_view column,
                                       Answer& out);

// The options of item `item` that a cell selects, when it is in the usual form that cell_answer
// and code_answer take without a word: capital letters joined with '|' (one for an item that is
// not multi), or a plain percentage of a band item above 1. Nothing for anything else, which
// then goes through cell_answer and code_answer, where the problems and notes are worded.
// `none_options`: the bits of the item's 'none' options.
std::optional<std::uint32_t> plain_cell_answer(const Item& item, std::uint32_t none_options,
                                               std::string_view cell);

// Reads a non-empty cell of scenario column `column`.
std::optional<std::string> cell_level(std::string_view cell, std::string_view column, int& level);

}  // namespace smedx::detail
