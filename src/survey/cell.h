// One cell of a survey table (a CSV row, a data-frame column) read as an answer or a scenario
// level: letters joined with '|' for multi items, a letter or a percentage otherwise, a whole
// number for a scenario. Shared by the CSV reader and the columnar (data frame) path so both
// read cells the same way and say the same thing about bad ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smedx/diagnostics.h"
#include "smedx/rules.h"
#include "smedx/survey.h"

namespace smedx::detail {

// Between the two figures of a trend item's cell joined from its `R1.before` and `R1.after`
// columns (a data frame's; the CSV reader pairs its own): "97.1\x1F98.4".
inline constexpr char figures_separator = '\x1F';

// Reads a non-empty cell of item column `column` of `item`: a percentage when it starts as a
// number does (not for a multi item), plain letters joined with '|', else the text as written,
// which the coder reads (answer_text.h). Returns the error message when it is not an answer of
// any form (today every cell is one; the coder words what is wrong with it).
std::optional<Issue> cell_answer(std::string_view cell, const Item& item, std::string_view column,
                                 Answer& out);

// "'R1.before' has a before figure but no after figure" (E-FIGURES-HALF), no path or place yet.
Issue figures_half(std::string_view column, bool before);

// The options of item `item` that a cell selects, when it is in the usual form that cell_answer
// and code_answer take without a word: capital letters joined with '|' (one for an item that is
// not multi), or a plain percentage of a band item above 1. Nothing for anything else, which
// then goes through cell_answer and code_answer, where the problems and notes are worded.
// `none_options`: the bits of the item's 'none' options.
std::optional<std::uint32_t> plain_cell_answer(const Item& item, std::uint32_t none_options,
                                               std::string_view cell);

// Reads a non-empty cell of scenario column `column`.
std::optional<Issue> cell_level(std::string_view cell, std::string_view column, int& level);

}  // namespace smedx::detail
