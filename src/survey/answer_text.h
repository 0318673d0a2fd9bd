// Option answers as people write them: the option's own wording (`多个业务环节` for F5 C, or
// `C（多个业务环节）` as the template's drop-down writes it), letters in lower case or full
// width (`c`, `Ｆ`), and the separators of a list that a person types (`、，,;；|`, spaces
// around). Every reader hands such text to the coder, which reads it here, so a CSV cell, a
// JSON string, an Excel cell and a data-frame cell are read alike.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smedx/rules.h"

namespace smedx::detail {

// One part of the text that names no option of the item: the part as written and, when one
// option is close (its wording contains the part or the part contains its wording, or a letter
// that differs only in form), that option.
struct UnknownOption {
  std::string part;
  int suggestion = -1;  // option index, -1 when none
};

// Reads `text` as options of `item`. The whole text first names one option (an option's
// wording may hold a separator); else each part between separators does. Appends the letters
// found (capitals, in order written) to `letters` and each part that names no option to
// `unknown`; returns whether every part named one. Empty parts are skipped.
bool read_option_text(const Item& item, std::string_view text, std::string& letters,
                      std::vector<UnknownOption>& unknown);

// "C（多个业务环节（2个及以上））": how a message and the template name an option.
std::string option_label(const Option& option);

}  // namespace smedx::detail
