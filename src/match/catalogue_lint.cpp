// The lint job for a catalogue: find the rule set it names, load that, then the catalogue
// against it, and hand back every issue of both. The one driver `smedx lint` calls.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>

#include "smedx/catalogue.h"
#include "smedx/load.h"
#include "yaml/yaml_file.h"
#include "yaml/yaml_tree.h"

#ifndef SMEDX_INSTALL_DATADIR
#define SMEDX_INSTALL_DATADIR ""
#endif

namespace smedx {

namespace {

std::filesystem::path catalogue_file(const std::filesystem::path& folder_or_file) {
  std::filesystem::path file = folder_or_file;
  if (std::filesystem::is_directory(file)) file /= "catalogue.yaml";
  return file;
}

const detail::YamlNode* scalar_at(const detail::YamlNode* map, std::string_view key) {
  if (!map || map->kind != detail::YamlNode::Kind::map) return nullptr;
  const detail::YamlNode* v = map->find(key);
  return v && v->kind == detail::YamlNode::Kind::scalar ? v : nullptr;
}

// Money as people write it in a summary: whole 元 with thousands separators.
std::string yuan(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string summarize(const Catalogue& cat, const RuleSet& rules) {
  std::string out = fmt::format("{}  {}\nrule set: {}{}\n\n", cat.id, cat.title, cat.rule_set_id,
                                cat.rule_set_version.empty() ? "" : " " + cat.rule_set_version);
  out += fmt::format("products: {}\n", cat.products.size());
  for (const auto& c : cat.categories) {
    std::vector<std::string_view> ids;
    for (const auto& p : cat.products)
      if (p.category == c) ids.push_back(p.id);
    if (!ids.empty()) out += fmt::format("  {}  {}: {}\n", c, ids.size(), fmt::join(ids, " "));
  }
  if (!cat.products.empty()) {
    auto [lo, hi] = std::minmax_element(cat.products.begin(), cat.products.end(),
                                        [](auto& a, auto& b) { return a.price < b.price; });
    std::int64_t annual_hi = 0;
    for (const auto& p : cat.products) annual_hi = std::max(annual_hi, p.annual);
    out += fmt::format("price: {} to {} 元 one-off; up to {} 元 a year\n", yuan(lo->price),
                       yuan(hi->price), yuan(annual_hi));
  }
  // The gaps: what no product delivers, so the city knows what its pool lacks.
  std::vector<std::string_view> scen_gaps, item_gaps;
  std::vector<int> top(rules.scenarios.size(), 0);
  std::vector<bool> item_seen(rules.items().size(), false);
  for (const auto& p : cat.products) {
    for (const auto& s : p.delivers.scenarios)
      top[static_cast<std::size_t>(s.scenario)] =
          std::max(top[static_cast<std::size_t>(s.scenario)], s.level);
    for (const auto& i : p.delivers.items) item_seen[static_cast<std::size_t>(i.item)] = true;
  }
  std::string levels;
  for (std::size_t s = 0; s < rules.scenarios.size(); ++s) {
    levels += fmt::format("{}{}:{}", levels.empty() ? "" : " ", rules.scenarios[s].code, top[s]);
    if (top[s] == 0) scen_gaps.push_back(rules.scenarios[s].code);
  }
  out += fmt::format("\nhighest level delivered per scenario:\n  {}\n", levels);
  const auto items = rules.items();
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!item_seen[i] && items[i]->kind != ItemKind::trend) item_gaps.push_back(items[i]->code);
  out += fmt::format("scenarios no product delivers: {}\n",
                     scen_gaps.empty() ? "none" : fmt::format("{}", fmt::join(scen_gaps, " ")));
  out += fmt::format("items no product delivers (outcomes aside): {}\n",
                     item_gaps.empty() ? "none" : fmt::format("{}", fmt::join(item_gaps, " ")));
  return out;
}

}  // namespace

bool is_catalogue_path(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return std::filesystem::is_regular_file(path / "catalogue.yaml", ec);
  if (path.filename() == "catalogue.yaml") return true;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  // The first top-level key: the first line that starts a key at column 1, comments aside.
  std::ifstream in(path, std::ios::binary);
  std::string line;
  for (int n = 0; n < 200 && std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#' || line[0] == ' ' || line[0] == '\r' || line == "---")
      continue;
    return line.rfind("catalogue:", 0) == 0;
  }
  return false;
}

CatalogueRuleSetRef find_catalogue_rule_set(const std::filesystem::path& folder_or_file) {
  CatalogueRuleSetRef ref;
  const std::filesystem::path file = catalogue_file(folder_or_file);
  const auto text =
      detail::read_yaml_file(file, file.string(), detail::yaml_file_limit, ref.issues);
  if (!text) return ref;
  const auto root = detail::parse_yaml(*text, file.string(), detail::YamlLimits{}, ref.issues);
  const detail::YamlNode* header =
      root && root->kind == detail::YamlNode::Kind::map ? root->find("catalogue") : nullptr;
  const detail::YamlNode* rs =
      header && header->kind == detail::YamlNode::Kind::map ? header->find("rule_set") : nullptr;
  const detail::YamlNode* id = scalar_at(rs, "id");
  if (!id || id->value.empty()) {
    // The full read says what is wrong with the header, located; here only that no rule set
    // can be found from it.
    if (ref.issues.empty())
      ref.issues.push_back(Issue{Severity::error,
                                 "the catalogue names no rule set (catalogue.rule_set.id); give "
                                 "one, or the rule set with --rules",
                                 "catalogue.rule_set", Location{file.string(), 0, 0}, ""});
    return ref;
  }
  ref.id = id->value;
  if (const auto* v = scalar_at(rs, "version")) ref.version = v->value;
  const std::filesystem::path base = file.parent_path();
  if (const auto* p = scalar_at(rs, "path"); p && !p->value.empty()) {
    std::filesystem::path path = p->value;
    ref.path = path.is_relative() ? (base / path).lexically_normal() : path;
    return ref;
  }
  // catalogues/<id>/catalogue.yaml sits beside indicators/<rule set id>/, in the source tree
  // and in the installed data folder alike.
  std::vector<std::filesystem::path> candidates = {
      (base / ".." / ".." / "indicators" / ref.id).lexically_normal()};
  if (std::string_view(SMEDX_INSTALL_DATADIR).size())
    candidates.push_back(std::filesystem::path(SMEDX_INSTALL_DATADIR) / "indicators" / ref.id);
  std::error_code ec;
  for (const auto& c : candidates) {
    if (std::filesystem::is_directory(c, ec)) {
      ref.path = c;
      return ref;
    }
  }
  std::string looked;
  for (const auto& c : candidates) looked += (looked.empty() ? "" : ", ") + c.string();
  ref.issues.push_back(
      Issue{Severity::error,
            fmt::format("cannot find rule set '{}' (looked in {}); give its folder with --rules "
                        "or as catalogue.rule_set.path",
                        ref.id, looked),
            "catalogue.rule_set.id", Location{file.string(), id->line, id->column}, ""});
  return ref;
}

CatalogueLint lint_catalogue(const std::filesystem::path& folder_or_file,
                             const std::filesystem::path& rules_path) {
  CatalogueLint out;
  std::filesystem::path rules = rules_path;
  if (rules.empty()) {
    CatalogueRuleSetRef ref = find_catalogue_rule_set(folder_or_file);
    out.issues = std::move(ref.issues);
    if (ref.path.empty()) return out;
    rules = ref.path;
  }
  const LoadResult loaded = load_rules(rules);
  out.issues.insert(out.issues.end(), loaded.issues().begin(), loaded.issues().end());
  if (!loaded.ok()) return out;
  CatalogueLoad cat = load_catalogue(folder_or_file, loaded.rules());
  out.issues.insert(out.issues.end(), cat.issues.begin(), cat.issues.end());
  out.catalogue = std::move(cat.catalogue);
  if (out.catalogue) out.summary = summarize(*out.catalogue, loaded.rules());
  return out;
}

}  // namespace smedx
