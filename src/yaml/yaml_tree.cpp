// The one file that talks to yaml-cpp. It drives yaml-cpp's event parser rather than building
// YAML::Node graphs so that depth and the size after alias expansion are bounded while parsing:
// a hostile file (alias bomb, deep nesting) is refused, never expanded.
#include "yaml/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "common/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>
#include <unordered_set>

namespace smedx::detail {

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

const YamlNode* YamlNode::find(std::string_view key) const noexcept {
  for (const auto& [k, v] : entries)
    if (k.kind == Kind::scalar && k.value == key) return &v;
  return nullptr;
}

std::string_view YamlNode::kind_name() const noexcept {
  switch (kind) {
    case Kind::null:
      return "null";
    case Kind::scalar:
      return "a scalar";
    case Kind::sequence:
      return "a sequence";
    case Kind::map:
      return "a mapping";
  }
  return "null";
}

namespace {

struct LimitExceeded {
  std::string message;
  int line;
  int column;
};

std::size_t count_nodes(const YamlNode& n) {
  std::size_t c = 1;
  for (const auto& i : n.items) c += count_nodes(i);
  for (const auto& [k, v] : n.entries) c += count_nodes(k) + count_nodes(v);
  return c;
}

// yaml-cpp counts columns in bytes; people and editors count characters. Converts a mark to
// 1-based line and character column.
class Columns {
 public:
  explicit Columns(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts_.push_back(i + 1);
  }
  std::pair<int, int> operator()(const YAML::Mark& m) const {
    int column = m.column + 1;
    if (m.line >= 0 && static_cast<std::size_t>(m.line) < starts_.size()) {
      const std::size_t start = starts_[static_cast<std::size_t>(m.line)];
      const std::size_t end = std::min(text_.size(), start + static_cast<std::size_t>(m.column));
      column = 1;
      for (std::size_t i = start; i < end; ++i)
        column += (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80;
    }
    return {m.line + 1, column};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const YamlLimits& limits, const std::string& file, const Columns& columns,
              std::vector<Issue>& issues)
      : limits_(limits), file_(file), columns_(columns), issues_(issues) {}

  std::optional<YamlNode> root;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode n = make(YamlNode::Kind::null, mark);
    finish(std::move(n), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      const auto [line, column] = columns_(mark);
      throw LimitExceeded{"unknown alias", line, column};
    }
    add_nodes(it->second.second, mark);
    YamlNode copy = it->second.first;
    finish(std::move(copy), YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode n = make(YamlNode::Kind::scalar, mark);
    n.value = value;
    n.quoted = tag == "!";  // yaml-cpp tags quoted scalars with the non-specific tag "!"
    finish(std::move(n), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(make(YamlNode::Kind::sequence, mark), anchor, mark);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(make(YamlNode::Kind::map, mark), anchor, mark);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor;
    std::size_t first_node;  // node count when this container opened
    std::optional<YamlNode> pending_key;
    std::unordered_set<std::string> keys;
  };

  YamlNode make(YamlNode::Kind kind, const YAML::Mark& mark) {
    add_nodes(1, mark);
    YamlNode n;
    n.kind = kind;
    std::tie(n.line, n.column) = columns_(mark);
    return n;
  }

  void add_nodes(std::size_t n, const YAML::Mark& mark) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes) {
      const auto [line, column] = columns_(mark);
      throw LimitExceeded{fmt::format("document too large: more than {} nodes after expanding "
                                      "aliases",
                                      limits_.max_nodes),
                          line, column};
    }
  }

  void open(YamlNode n, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (stack_.size() >= limits_.max_depth) {
      const auto [line, column] = columns_(mark);
      throw LimitExceeded{fmt::format("nesting deeper than {} levels", limits_.max_depth), line,
                          column};
    }
    stack_.push_back(Frame{std::move(n), anchor, nodes_ - 1, std::nullopt, {}});
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    const std::size_t size = nodes_ - f.first_node;
    remember(f.node, f.anchor, size);
    attach(std::move(f.node));
  }

  void finish(YamlNode n, YAML::anchor_t anchor) {
    remember(n, anchor, count_nodes(n));
    attach(std::move(n));
  }

  void remember(const YamlNode& n, YAML::anchor_t anchor, std::size_t size) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {n, size};
  }

  void attach(YamlNode n) {
    if (stack_.empty()) {
      if (!root) root = std::move(n);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == YamlNode::Kind::sequence) {
      top.node.items.push_back(std::move(n));
    } else if (!top.pending_key) {
      top.pending_key = std::move(n);
    } else {
      YamlNode key = std::move(*top.pending_key);
      top.pending_key.reset();
      if (key.kind == YamlNode::Kind::scalar && !top.keys.insert(key.value).second) {
        issues_.push_back(Issue{Severity::error, fmt::format("duplicate key '{}'", key.value), "",
                                Location{file_, key.line, key.column}, ""});
        return;
      }
      top.node.entries.emplace_back(std::move(key), std::move(n));
    }
  }

  const YamlLimits& limits_;
  const std::string& file_;
  const Columns& columns_;
  std::vector<Issue>& issues_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<YamlNode, std::size_t>> anchors_;
  std::size_t nodes_ = 0;
};

}  // namespace

namespace {

struct NotUtf8 {
  int line, column;  // of characters, as Columns counts
  unsigned char byte;
};

// Where `text` stops being UTF-8; nothing when all of it is. Names and titles in these files
// reach pages and records as they are, and yaml-cpp passes any byte through: a file saved as
// GBK on Chinese Windows would show as mojibake on a page, or put invalid bytes into an output.
std::optional<NotUtf8> not_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    bool cut = false;
    const std::size_t n = utf8_sequence(p + i, text.size() - i, cut);
    if (n == 0) return NotUtf8{line, column, p[i]};
    if (p[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

}  // namespace

std::optional<YamlNode> parse_yaml(std::string_view text, const std::string& file,
                                   const YamlLimits& limits, std::vector<Issue>& issues) {
  if (const auto bad = not_utf8(text)) {
    issues.push_back(
        Issue{Severity::error,
              fmt::format("the file is not UTF-8: byte 0x{:02X} starts no UTF-8 character (saved "
                          "as GBK or GB18030? save it as UTF-8)",
                          bad->byte),
              "", Location{file, bad->line, bad->column}, ""});
    return std::nullopt;
  }
  std::istringstream in{std::string(text)};
  const Columns columns(text);
  TreeBuilder builder(limits, file, columns, issues);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) return YamlNode{};  // empty file: null document
    TreeBuilder rest(limits, file, columns, issues);
    if (parser.HandleNextDocument(rest)) {
      const int line = rest.root ? rest.root->line : 0;
      issues.push_back(Issue{Severity::error, "expected one YAML document, found several", "",
                             Location{file, line, 1}, ""});
      return std::nullopt;
    }
  } catch (const YAML::DeepRecursion& e) {
    const auto [line, column] = columns(e.mark);
    issues.push_back(Issue{Severity::error,
                           fmt::format("nesting deeper than {} levels", limits.max_depth), "",
                           Location{file, line, column}, ""});
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const auto [line, column] = columns(e.mark);
    issues.push_back(Issue{Severity::error, fmt::format("invalid YAML: {}", e.msg), "",
                           Location{file, line, column}, ""});
    return std::nullopt;
  } catch (const LimitExceeded& e) {
    issues.push_back(Issue{Severity::error, e.message, "", Location{file, e.line, e.column}, ""});
    return std::nullopt;
  }
  if (!builder.root) return YamlNode{};
  return std::move(builder.root);
}

std::optional<YamlNode> parse_yaml_mapping(std::string_view text, const std::string& file,
                                           const YamlLimits& limits, std::vector<Issue>& issues) {
  auto root = parse_yaml(text, file, limits, issues);
  if (root && root->kind != YamlNode::Kind::map) {
    issues.push_back(
        Issue{Severity::error,
              fmt::format("expected a mapping of top-level keys, got {}", root->kind_name()), "",
              Location{file, root->line, root->column}, ""});
    return std::nullopt;
  }
  return root;
}

}  // namespace smedx::detail
