// The side table that maps each element of a rule set to where it was written.
// The model stays plain value types; positions live here, keyed by structural path
// ("dimensions[0].sub_indicators[1].items[0].max"), with the id-based path shown to people.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "smedx/diagnostics.h"

namespace smedx::detail {

using SourceTable = std::map<std::string, SourceEntry, std::less<>>;

// A pair of paths to one element: structural (unique, computable from the model's indices)
// and display (by id where the element has one).
struct Path {
  std::string structural;
  std::string display;

  Path key(std::string_view k) const { return {join(structural, k), join(display, k)}; }
  // Element i of a list named `list` below this path. With an id, the display path restarts
  // at the element's own name (`items.network`), which is unique across the rule set.
  Path element(std::string_view list, std::size_t i, std::string_view display_list = {},
               std::string_view id = {}) const {
    Path p;
    const std::string index = "[" + std::to_string(i) + "]";
    p.structural = (list.empty() ? structural : join(structural, list)) + index;
    if (!id.empty() && !display_list.empty()) {
      p.display = std::string(display_list) + "." + std::string(id);
    } else {
      p.display = (list.empty() ? display : join(display, list)) + index;
    }
    return p;
  }

 private:
  static std::string join(std::string_view a, std::string_view b) {
    if (a.empty()) return std::string(b);
    std::string out(a);
    out += '.';
    out += b;
    return out;
  }
};

}  // namespace smedx::detail
