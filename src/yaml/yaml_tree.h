// A parsed YAML document as a plain tree with 1-based positions.
// This is the only bridge to yaml-cpp: src/yaml_tree.cpp is the one file that includes it, and
// everything else (the rule-set reader, the conformance reader) walks this tree.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smedx/diagnostics.h"

namespace smedx::detail {

struct YamlNode {
  enum class Kind { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string value;            // scalar text, exactly as written (quotes removed)
  bool quoted = false;          // a quoted scalar is always a string
  int line = 0;                 // 1-based
  int column = 0;               // 1-based
  std::vector<YamlNode> items;  // sequence
  std::vector<std::pair<YamlNode, YamlNode>> entries;  // map: key node, value node

  // Declared here, defined where YamlNode is complete: clang instantiates the pair in
  // `entries` too early otherwise (it needs YamlNode's destructor inside YamlNode).
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  const YamlNode* find(std::string_view key) const noexcept;
  std::string_view kind_name() const noexcept;  // "a mapping", "a sequence", "a scalar", "null"
};

struct YamlLimits {
  std::size_t max_depth = 32;
  std::size_t max_nodes = 200'000;  // after expanding aliases
};

// Parses one YAML document from `text`. On a syntax error or an exceeded limit, appends an
// error naming `file` to `issues` and returns nothing. Duplicate keys in a mapping are reported
// as errors but the document is still returned (the first occurrence wins).
std::optional<YamlNode> parse_yaml(std::string_view text, const std::string& file,
                                   const YamlLimits& limits, std::vector<Issue>& issues);

// parse_yaml for a file that is one mapping of top-level keys (a programme, a catalogue): a
// document of another kind is the located error "expected a mapping of top-level keys, got …"
// and nothing is returned.
std::optional<YamlNode> parse_yaml_mapping(std::string_view text, const std::string& file,
                                           const YamlLimits& limits, std::vector<Issue>& issues);

}  // namespace smedx::detail
