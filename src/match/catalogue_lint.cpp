// The lint job for a catalogue: find the rule set it names, load that, then the catalogue
// against it, and hand back every issue of both. The one driver `smedx lint` calls.
#include <fmt/format.h>

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

}  // namespace

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
  return out;
}

}  // namespace smedx
