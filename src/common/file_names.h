// File names for enterprises, the same on every file system: one enterprise's diagnosis files
// and one pilot page each, named by its id where a file system allows it (Chinese ids stay
// readable). Distinct where names differ only by case (Windows, macOS), never a device name.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace smedx::detail {

// The id, with what a file system refuses made '_' (control characters, `/\<>:"|?*`, bytes
// that are not UTF-8, a trailing dot or space); '_' before a name Windows keeps for a device
// (CON, nul.txt, COM1); an id over 120 bytes cut to 100 with a hash of the whole id after it;
// "enterprise" before an empty name or one starting with a dot; a name taken (ignoring ASCII
// case) numbered -2, -3, ...
class FileNames {
 public:
  // Names no enterprise may take (the job's own files: "cohort", "index", "dashboard").
  explicit FileNames(std::initializer_list<std::string_view> reserved = {});
  // A new stem, without an extension.
  std::string stem(std::string_view id);

 private:
  std::unordered_set<std::string> used_;       // in lower case
  std::unordered_map<std::string, int> next_;  // per stem (lower case), the next number to try
};

}  // namespace smedx::detail
