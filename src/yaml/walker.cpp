#include "yaml/walker.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "common/did_you_mean.h"

namespace smedx::detail {

namespace {

using Kind = YamlNode::Kind;
constexpr std::int64_t max_number = 1'000'000 * Decimal::scale;

bool is_empty(const YamlNode& v) {
  return v.kind == Kind::null || (v.kind == Kind::scalar && v.value.empty());
}

}  // namespace

void Walker::error(const YamlNode& at, const Path& p, std::string message) {
  if (reported_empty_.count(&at)) return;
  issues_.push_back(Issue{Severity::error, std::move(message), p.display,
                          Location{file_, at.line, at.column}, ""});
}

void Walker::record(const Path& p, const YamlNode& n) {
  if (sources_)
    (*sources_)[p.structural] = SourceEntry{Location{file_, n.line, n.column}, p.display};
}

bool Walker::check_map(const YamlNode& n, const Path& p, std::string_view what, const Keys& allowed,
                       const Keys& required) {
  record(p, n);
  if (n.kind != Kind::map) {
    error(n, p, fmt::format("expected a mapping for {}, got {}", what, n.kind_name()));
    return false;
  }
  for (const auto& [k, v] : n.entries) {
    if (k.kind != Kind::scalar) {
      error(k, p, fmt::format("expected a key name in {}, got {}", what, k.kind_name()));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), k.value) == allowed.end()) {
      const std::string hint = nearest(k.value, allowed);
      error(k, p.key(k.value),
            hint.empty()
                ? fmt::format("unknown key '{}' in {}", k.value, what)
                : fmt::format("unknown key '{}' in {} (did you mean '{}'?)", k.value, what, hint));
    }
  }
  for (auto r : required) {
    const YamlNode* v = n.find(r);
    if (!v) {
      error(n, p, fmt::format("missing required key '{}' in {}", r, what));
    } else if (is_empty(*v)) {
      error(*v, p.key(r), fmt::format("'{}' must not be empty", r));
      reported_empty_.insert(v);
    }
  }
  return true;
}

const YamlNode* Walker::field(const YamlNode& map, std::string_view key, const Path& p) {
  const YamlNode* v = map.find(key);
  if (v) record(p.key(key), *v);
  return v;
}

std::string Walker::text(const YamlNode& map, std::string_view key, const Path& p) {
  const YamlNode* v = field(map, key, p);
  if (!v) return {};
  if (v->kind != Kind::scalar) {
    error(*v, p.key(key), fmt::format("expected a string for '{}', got {}", key, v->kind_name()));
    return {};
  }
  return v->value;
}

std::string Walker::nonempty_text(const YamlNode& map, std::string_view key, const Path& p) {
  const YamlNode* v = field(map, key, p);
  if (!v) return {};
  if (v->kind != Kind::scalar || v->value.empty()) {
    error(*v, p.key(key),
          fmt::format("expected a non-empty string for '{}', got {}", key, describe(*v)));
    return {};
  }
  return v->value;
}

std::vector<std::string> Walker::texts(const YamlNode& map, std::string_view key, const Path& p) {
  std::vector<std::string> out;
  const YamlNode* v = field(map, key, p);
  if (!v) return out;
  if (!is_sequence(*v, key, p.key(key))) return out;
  for (std::size_t i = 0; i < v->items.size(); ++i) {
    const auto& e = v->items[i];
    if (e.kind != Kind::scalar) {
      error(e, p.key(key).element("", i),
            fmt::format("expected a string in '{}', got {}", key, e.kind_name()));
      continue;
    }
    out.push_back(e.value);
  }
  return out;
}

std::vector<std::string> Walker::nonempty_texts(const YamlNode& map, std::string_view key,
                                                const Path& p) {
  std::vector<std::string> out;
  const YamlNode* v = field(map, key, p);
  if (!v) return out;
  if (!is_sequence(*v, key, p.key(key))) return out;
  for (std::size_t i = 0; i < v->items.size(); ++i) {
    const auto& e = v->items[i];
    if (e.kind != Kind::scalar || e.value.empty()) {
      error(e, p.key(key).element("", i),
            fmt::format("expected a non-empty string in '{}', got {}", key, describe(e)));
      continue;
    }
    out.push_back(e.value);
  }
  return out;
}

std::optional<Decimal> Walker::number(const YamlNode& map, std::string_view key, const Path& p) {
  const YamlNode* v = field(map, key, p);
  return v ? number_of(*v, key, p.key(key)) : std::nullopt;
}

std::optional<Decimal> Walker::number_of(const YamlNode& v, std::string_view key, const Path& p) {
  if (v.kind != Kind::scalar || v.quoted) {
    error(v, p,
          fmt::format("expected a number for '{}', got {}", key,
                      v.kind == Kind::scalar ? "a quoted string" : v.kind_name()));
    return std::nullopt;
  }
  if (auto d = Decimal::parse(v.value)) {
    // Bounded so that no sum over a rule set can overflow, and every sum stays exact in the
    // engine's double-precision products (below 2^53 thousandths).
    if (d->thousandths() > max_number || d->thousandths() < -max_number) {
      error(v, p, fmt::format("{} {} is beyond the limit of 1000000", key, v.value));
      return std::nullopt;
    }
    return d;
  }
  static const std::regex decimal_like(R"([-+]?[0-9]*\.?[0-9]+)");
  if (std::regex_match(v.value, decimal_like)) {
    error(v, p,
          fmt::format("{} {} cannot be represented exactly (at most 3 decimal places)", key,
                      v.value));
  } else {
    error(v, p, fmt::format("expected a number for '{}', got '{}'", key, v.value));
  }
  return std::nullopt;
}

std::optional<Decimal> Walker::non_negative_number(const YamlNode& map, std::string_view key,
                                                   const Path& p) {
  const YamlNode* v = field(map, key, p);
  if (!v) return std::nullopt;
  std::optional<Decimal> d;
  if (v->kind == Kind::scalar && !v->quoted) d = Decimal::parse(v->value);
  if (!d || d->thousandths() < 0 || d->thousandths() > max_number) {
    error(*v, p.key(key),
          fmt::format("expected a number from 0 with at most 3 decimals for '{}', got {}", key,
                      describe(*v)));
    return std::nullopt;
  }
  return d;
}

std::optional<int> Walker::whole(const YamlNode& map, std::string_view key, const Path& p,
                                 std::size_t max_digits) {
  const YamlNode* v = field(map, key, p);
  if (!v) return std::nullopt;
  const std::string& s = v->value;
  const bool digits = !s.empty() && s.size() <= max_digits &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (v->kind != Kind::scalar || v->quoted || !digits) {
    error(*v, p.key(key),
          fmt::format("expected a whole number for '{}', got {}", key, describe(*v)));
    return std::nullopt;
  }
  return std::stoi(s);
}

bool Walker::boolean(const YamlNode& map, std::string_view key, const Path& p) {
  const YamlNode* v = field(map, key, p);
  if (!v) return false;
  if (v->kind == Kind::scalar && !v->quoted && (v->value == "true" || v->value == "false"))
    return v->value == "true";
  error(*v, p.key(key), fmt::format("expected true or false for '{}', got {}", key, describe(*v)));
  return false;
}

bool Walker::is_sequence(const YamlNode& v, std::string_view key, const Path& p) {
  if (v.kind == Kind::sequence) return true;
  error(v, p, fmt::format("expected a sequence for '{}', got {}", key, v.kind_name()));
  return false;
}

std::string Walker::describe(const YamlNode& v) {
  if (v.kind == Kind::scalar) return fmt::format("'{}'", v.value);
  return std::string(v.kind_name());
}

std::string Walker::element_id(const YamlNode& n, std::string_view what, IdSet& ids,
                               const Path& index_path) {
  if (n.kind != Kind::map) return {};
  const YamlNode* v = n.find("id");
  if (!v || v->kind != Kind::scalar) return {};
  static const std::regex id_re(R"([a-z][a-z0-9_]*)");
  if (!std::regex_match(v->value, id_re)) {
    error(*v, index_path.key("id"),
          fmt::format("invalid {} id '{}': use lowercase letters, digits and '_'", what, v->value));
    return {};
  }
  auto [it, fresh] = ids.seen.emplace(v->value, Location{file_, v->line, v->column});
  if (!fresh) {
    error(*v, index_path.key("id"),
          fmt::format("duplicate {}id '{}' (first defined at {}:{}:{})",
                      ids.name_kind ? fmt::format("{} ", what) : "", v->value, it->second.file,
                      it->second.line, it->second.column));
    return {};
  }
  return v->value;
}

void Walker::too_many(const YamlNode& v, const Path& p, std::string_view what, std::size_t limit) {
  error(v, p, fmt::format("too many {} ({}; the limit is {})", what, v.items.size(), limit));
}

}  // namespace smedx::detail
