// Input text on its way to a terminal or into a line-based file: control characters become
// visible escapes, so that an enterprise id holding ESC cannot drive the terminal and one holding
// a tab or newline cannot break a line of index.tsv.
#pragma once

#include <string>
#include <string_view>

namespace smedx {

// C0 controls and DEL become \t, \n, \r or \xNN; C1 controls, bidirectional overrides and line
// separators become \uNNNN; bytes that are not UTF-8 become \xNN. Everything else, Chinese
// included, stays as it is. With keep_tab a tab stays a tab (a source line under a caret).
std::string escape_control(std::string_view text, bool keep_tab = false);

// A field of a tab-separated file: escape_control, and a backslash becomes \\ so that "\t" in
// the file always means a tab of the original.
std::string escape_tsv_field(std::string_view text);

}  // namespace smedx
