// The one walker over YAML trees (yaml_tree.h) that every YAML reader builds on: rule sets (and
// their consistency rules, diagnosis settings and profiles) and pilot programmes. It reports
// each problem as a located issue (file:line:column and the logical path), fills the source
// table, and checks shape: mappings with only known keys (with a "did you mean"), required
// keys, typed values (strings, whole and exact numbers, booleans, sequences) and list ids.
// Duplicate keys are refused below it, by parse_yaml. What a value means is the reader's.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "yaml/source_table.h"
#include "yaml/yaml_tree.h"

namespace smedx::detail {

using Keys = std::vector<std::string_view>;

// The ids of one namespace (one list, or several lists that share ids), each with where it was
// first given, so that a second use can say where the first is.
struct IdSet {
  std::map<std::string, Location> seen;
  // "duplicate industry id 'x'" (a programme) rather than "duplicate id 'x'" (a rule set).
  bool name_kind = false;
};

class Walker {
 public:
  // Issues go to `issues`, positions to `sources` (none when it is null: a programme has no
  // source table). `file` names the file being walked in every issue.
  Walker(std::vector<Issue>& issues, SourceTable* sources, std::string file = {})
      : issues_(issues), sources_(sources), file_(std::move(file)) {}

  // A rule set spans several files: the reader says which one it walks now.
  void set_file(std::string file) { file_ = std::move(file); }
  const std::string& file() const noexcept { return file_; }
  // How many issues there are so far, to tell whether a part read cleanly.
  std::size_t issue_count() const noexcept { return issues_.size(); }

  // --- diagnostics and the side table ---
  void error(const YamlNode& at, const Path& p, std::string message);
  // An issue with no node to point at (a missing top-level key names the whole rule set).
  void report(Issue issue) { issues_.push_back(std::move(issue)); }
  void record(const Path& p, const YamlNode& n);

  // Checks that `n` is a mapping with only `allowed` keys and every `required` one, each with a
  // value. False when `n` is not a mapping (its keys are not read then).
  bool check_map(const YamlNode& n, const Path& p, std::string_view what, const Keys& allowed,
                 const Keys& required);

  // The value under `key`, recorded in the source table; null when absent.
  const YamlNode* field(const YamlNode& map, std::string_view key, const Path& p);

  // --- typed values: each reports a wrong type where the value is, and returns nothing ---
  // A string, empty allowed (a required key's emptiness is check_map's to report).
  std::string text(const YamlNode& map, std::string_view key, const Path& p);
  // A string that must say something, whether its key is required or not.
  std::string nonempty_text(const YamlNode& map, std::string_view key, const Path& p);
  // A sequence of strings; and of non-empty strings.
  std::vector<std::string> texts(const YamlNode& map, std::string_view key, const Path& p);
  std::vector<std::string> nonempty_texts(const YamlNode& map, std::string_view key, const Path& p);
  // An exact number (at most 3 decimal places) within ±1000000, unquoted.
  std::optional<Decimal> number(const YamlNode& map, std::string_view key, const Path& p);
  std::optional<Decimal> number_of(const YamlNode& v, std::string_view key, const Path& p);
  // An exact number from 0 to 1000000, unquoted.
  std::optional<Decimal> non_negative_number(const YamlNode& map, std::string_view key,
                                             const Path& p);
  // A whole number of at most `max_digits` digits, unquoted.
  std::optional<int> whole(const YamlNode& map, std::string_view key, const Path& p,
                           std::size_t max_digits = 6);
  // true or false, unquoted; false when absent or wrong.
  bool boolean(const YamlNode& map, std::string_view key, const Path& p);
  bool is_sequence(const YamlNode& v, std::string_view key, const Path& p);

  // A value as a message shows it: a scalar quoted, anything else by its kind.
  static std::string describe(const YamlNode& v);

  // Reads the id of a list element and checks it against `ids`; returns the id to show in
  // paths (empty when missing, malformed or a duplicate, so the path falls back to an index).
  std::string element_id(const YamlNode& n, std::string_view what, IdSet& ids,
                         const Path& index_path);

  // Calls read_one(element, path) for each element of the sequence `v` under `key` of `p`.
  // With `ids`, an element's id is checked and its path shown by id under `display_list`.
  // With a `limit`, a longer sequence is refused whole.
  template <typename F>
  void each(const YamlNode& v, std::string_view key, const Path& p, std::string_view display_list,
            std::string_view what, IdSet* ids, F&& read_one, std::size_t limit = 0) {
    if (!is_sequence(v, key, p.key(key))) return;
    if (limit && v.items.size() > limit) {
      too_many(v, p.key(key), what, limit);
      return;
    }
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const YamlNode& e = v.items[i];
      const std::string id = ids ? element_id(e, what, *ids, p.element(key, i)) : std::string{};
      read_one(e, p.element(key, i, display_list, id));
    }
  }

  // The same over the sequence under `key` of `parent`, if there is one.
  template <typename F>
  void each_in(const YamlNode& parent, std::string_view key, const Path& p,
               std::string_view display_list, std::string_view what, IdSet* ids, F&& read_one,
               std::size_t limit = 0) {
    if (const YamlNode* v = field(parent, key, p))
      each(*v, key, p, display_list, what, ids, read_one, limit);
  }

  // Reads each element of a sequence into a T with read_one(element, path, t).
  template <typename T, typename F>
  std::vector<T> read_sequence(const YamlNode& v, std::string_view key, const Path& p,
                               std::string_view display_list, std::string_view what, IdSet* ids,
                               F&& read_one, std::size_t limit = 0) {
    std::vector<T> out;
    each(
        v, key, p, display_list, what, ids,
        [&](const YamlNode& e, const Path& ep) {
          T t;
          read_one(e, ep, t);
          out.push_back(std::move(t));
        },
        limit);
    return out;
  }

  // The same over the sequence under `key` of `parent`, if there is one.
  template <typename T, typename F>
  std::vector<T> read_list(const YamlNode& parent, std::string_view key, const Path& p,
                           std::string_view display_list, std::string_view what, IdSet* ids,
                           F&& read_one, std::size_t limit = 0) {
    const YamlNode* v = field(parent, key, p);
    if (!v) return {};
    return read_sequence<T>(*v, key, p, display_list, what, ids, read_one, limit);
  }

 private:
  void too_many(const YamlNode& v, const Path& p, std::string_view what, std::size_t limit);

  std::vector<Issue>& issues_;
  SourceTable* sources_;
  std::string file_;
  // Values check_map reported as empty ("'id' must not be empty"): the typed read that follows
  // says nothing more of them, so an empty required value is reported once, not again as "got
  // null".
  std::set<const YamlNode*> reported_empty_;
};

}  // namespace smedx::detail
