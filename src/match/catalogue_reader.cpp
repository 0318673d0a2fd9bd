// Reads catalogue.yaml into a Catalogue resolved against a rule set: shape (keys, types, ids)
// with the yaml/ walker, then meaning — every delivered or required scenario, item and option
// exists in the rule set and may be delivered, prices are whole 元 with eligible ≤ price, the
// category, deployment and industries are known. Every problem is a located issue.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "common/did_you_mean.h"
#include "smedx/catalogue.h"
#include "smedx/data_path.h"
#include "yaml/source_line.h"
#include "yaml/walker.h"
#include "yaml/yaml_file.h"
#include "yaml/yaml_tree.h"

namespace smedx {

namespace {

using detail::IdSet;
using detail::Keys;
using detail::Path;
using detail::YamlNode;
using Kind = YamlNode::Kind;

// The business areas of the pilot plan's fifth task (小快轻准 products for 研发设计、生产制造、
// 仓储物流、营销服务、安全 and 财务、办公、人力资源), used when a catalogue lists none of its own.
const std::vector<std::string>& default_categories() {
  static const std::vector<std::string> areas = {"研发设计", "生产制造", "仓储物流", "营销服务",
                                                 "安全",     "财务",     "办公",     "人力资源"};
  return areas;
}

constexpr std::size_t max_products = 10'000;
constexpr std::size_t money_digits = 10;  // up to 9 999 999 999 元: sums over 10 000 fit in 64 bits
constexpr int max_weeks = 520;

std::string hint_of(std::string_view word, const std::vector<std::string>& names) {
  Keys keys(names.begin(), names.end());
  const std::string near = detail::nearest(word, keys);
  return near.empty() ? std::string{} : fmt::format(" (did you mean '{}'?)", near);
}

// "A–E" for an item's letters.
std::string letter_range(const Item& item) {
  if (item.options.empty()) return "none";
  return fmt::format("{}–{}", item.options.front().letter, item.options.back().letter);
}

std::uint32_t bit(std::size_t k) { return std::uint32_t{1} << k; }

class Reader : detail::Walker {
 public:
  Reader(std::string file, std::vector<Issue>& issues, const RuleSet& rules)
      : Walker(issues, nullptr, std::move(file)), rules_(rules), items_(rules.items()) {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      item_index_[items_[i]] = static_cast<int>(i);
      item_names_.push_back(items_[i]->id);
      item_names_.push_back(items_[i]->code);
    }
    for (const auto& s : rules.scenarios) {
      scenario_names_.push_back(s.id);
      scenario_names_.push_back(s.code);
    }
    for (const auto& p : rules.profiles)
      if (p.id != "default") industries_.push_back(p.id);
  }

  void read(const YamlNode& root, Catalogue& out);

 private:
  enum class Use { delivers, needs };

  std::string text(const YamlNode& map, std::string_view key, const Path& p) {
    return nonempty_text(map, key, p);
  }

  // Whole 元: digits only, unquoted; a sign, a fraction or a quote is refused here.
  std::optional<std::int64_t> money(const YamlNode& map, std::string_view key, const Path& p) {
    const YamlNode* v = field(map, key, p);
    if (!v) return std::nullopt;
    const std::string& s = v->value;
    const bool digits =
        !s.empty() && s.size() <= money_digits &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (v->kind != Kind::scalar || v->quoted || !digits) {
      error(*v, p.key(key),
            fmt::format("expected a whole number of 元 (0 or more, at most {} digits) for '{}', "
                        "got {}",
                        money_digits, key, describe(*v)));
      return std::nullopt;
    }
    return std::stoll(s);
  }

  void read_header(const YamlNode& n, const Path& p, Catalogue& out);
  void read_providers(const YamlNode& n, const Path& p, Catalogue& out);
  void check_providers(const YamlNode& products, const Catalogue& cat);
  void read_product(const YamlNode& n, const Path& p, const Catalogue& cat, Product& out);
  void read_effects(const YamlNode& n, const Path& p, Use use, ProductEffects& out);
  void check_requirements(const YamlNode& products, const Catalogue& cat);

  const RuleSet& rules_;
  std::vector<const Item*> items_;
  std::map<const Item*, int> item_index_;
  std::vector<std::string> item_names_, scenario_names_, industries_;
  // Each product's `requires` node, for the cross-product check.
  std::vector<std::pair<const YamlNode*, Path>> requires_at_;
};

void Reader::read_header(const YamlNode& n, const Path& p, Catalogue& out) {
  if (!check_map(n, p, "catalogue", {"id", "title", "rule_set", "categories"},
                 {"id", "title", "rule_set"}))
    return;
  out.id = text(n, "id", p);
  out.title = text(n, "title", p);
  if (const YamlNode* c = n.find("categories")) {
    out.categories = nonempty_texts(n, "categories", p);
    if (c->kind == Kind::sequence && c->items.empty())
      error(*c, p.key("categories"), "'categories' must list at least one category");
    if (out.categories.empty()) out.categories = default_categories();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < out.categories.size() && i < c->items.size(); ++i)
      if (!seen.insert(out.categories[i]).second)
        error(c->items[i], p.key("categories").element("", i),
              fmt::format("category '{}' is listed twice", out.categories[i]));
  }
  const YamlNode* r = n.find("rule_set");
  if (!r) return;
  const Path rp = p.key("rule_set");
  if (!check_map(*r, rp, "rule_set", {"id", "version", "path"}, {"id"})) return;
  out.rule_set_id = text(*r, "id", rp);
  out.rule_set_version = text(*r, "version", rp);
  out.rule_set_path = text(*r, "path", rp);
  if (!out.rule_set_id.empty() && out.rule_set_id != rules_.meta.id)
    error(*r->find("id"), rp.key("id"),
          fmt::format("the catalogue is for rule set '{}', but it is checked against '{}'",
                      out.rule_set_id, rules_.meta.id));
  else if (!out.rule_set_version.empty() && out.rule_set_version != rules_.meta.version)
    error(*r->find("version"), rp.key("version"),
          fmt::format("the catalogue is for version '{}' of rule set '{}', but it is checked "
                      "against version '{}'",
                      out.rule_set_version, out.rule_set_id, rules_.meta.version));
}

// `providers: {P01: 名称, ...}`: ids as the pilot's providers file writes them, each with a name.
// A repeated id is the YAML parser's duplicate key.
void Reader::read_providers(const YamlNode& n, const Path& p, Catalogue& out) {
  if (n.kind != Kind::map) {
    error(n, p,
          fmt::format("expected a mapping of provider id to name for 'providers', got {}",
                      describe(n)));
    return;
  }
  static const std::regex id_re(R"([A-Za-z0-9][A-Za-z0-9_.\-]{0,63})");
  for (const auto& [k, v] : n.entries) {
    if (!std::regex_match(k.value, id_re)) {
      error(k, p.key(k.value),
            fmt::format("invalid provider id '{}': use letters, digits, '-', '_' and '.' (at "
                        "most 64), starting with a letter or digit",
                        k.value));
      continue;
    }
    std::string name = nonempty_text(n, k.value, p);
    if (!name.empty()) out.providers.emplace(k.value, std::move(name));
  }
}

// With a `providers` list, every product's provider is on it.
void Reader::check_providers(const YamlNode& products, const Catalogue& cat) {
  std::vector<std::string> ids;
  for (const auto& [id, name] : cat.providers) ids.push_back(id);
  for (std::size_t i = 0; i < products.items.size() && i < cat.products.size(); ++i) {
    const Product& prod = cat.products[i];
    const YamlNode* at = products.items[i].find("provider");
    if (!at || prod.provider.empty() || cat.providers.contains(prod.provider)) continue;
    error(*at, Path{}.element("products", i, "products", prod.id).key("provider"),
          fmt::format("provider '{}' is not in the catalogue's providers{} (they are: {})",
                      prod.provider, hint_of(prod.provider, ids), fmt::join(ids, ", ")));
  }
}

void Reader::read_effects(const YamlNode& n, const Path& p, Use use, ProductEffects& out) {
  const std::string_view what = use == Use::delivers ? "delivers" : "requires";
  if (!check_map(n, p, what, {"scenarios", "items"}, {})) return;
  std::set<int> seen_scenarios, seen_items;
  if (const YamlNode* s = field(n, "scenarios", p)) {
    const Path sp = p.key("scenarios");
    if (s->kind != Kind::map) {
      error(*s, sp,
            fmt::format("expected a mapping of scenario: level for 'scenarios', got {}",
                        s->kind_name()));
    } else {
      for (const auto& [k, v] : s->entries) {
        const Path ep = sp.key(k.value);
        const Scenario* sc = k.kind == Kind::scalar ? rules_.find_scenario(k.value) : nullptr;
        if (!sc) {
          error(k, ep,
                fmt::format("unknown scenario '{}'{}", k.value, hint_of(k.value, scenario_names_)));
          continue;
        }
        const int index = static_cast<int>(sc - rules_.scenarios.data());
        const int top = rules_.level_rule.top_level();
        const bool digits = v.kind == Kind::scalar && !v.quoted && !v.value.empty() &&
                            v.value.size() <= 3 &&
                            std::all_of(v.value.begin(), v.value.end(),
                                        [](char c) { return c >= '0' && c <= '9'; });
        const int level = digits ? std::stoi(v.value) : -1;
        if (level < 1 || level > top) {
          error(v, ep,
                fmt::format("expected a level from 1 to {} for scenario '{}', got {}", top, sc->id,
                            describe(v)));
          continue;
        }
        if (!seen_scenarios.insert(index).second) {
          error(k, ep, fmt::format("scenario '{}' is given twice in '{}'", sc->id, what));
          continue;
        }
        out.scenarios.push_back({k.value, index, level});
      }
    }
  }
  if (const YamlNode* s = field(n, "items", p)) {
    const Path ip = p.key("items");
    if (s->kind != Kind::map) {
      error(
          *s, ip,
          fmt::format("expected a mapping of item: [options] for 'items', got {}", s->kind_name()));
      return;
    }
    for (const auto& [k, v] : s->entries) {
      const Path ep = ip.key(k.value);
      const Item* item = k.kind == Kind::scalar ? rules_.find_item(k.value) : nullptr;
      if (!item) {
        error(k, ep, fmt::format("unknown item '{}'{}", k.value, hint_of(k.value, item_names_)));
        continue;
      }
      if (item->kind == ItemKind::trend && use == Use::delivers) {
        error(k, ep,
              fmt::format("item '{}' is an outcome (trend) item: a product cannot deliver it, "
                          "the enterprise's results show it",
                          item->id));
        continue;
      }
      const int index = item_index_.at(item);
      if (!seen_items.insert(index).second) {
        error(k, ep, fmt::format("item '{}' is given twice in '{}'", item->id, what));
        continue;
      }
      // One letter or a list of letters.
      std::vector<const YamlNode*> given;
      if (v.kind == Kind::scalar) {
        given.push_back(&v);
      } else if (v.kind == Kind::sequence) {
        for (const auto& e : v.items) given.push_back(&e);
      }
      if (given.empty()) {
        error(v, ep,
              fmt::format("expected an option letter or a list of them for item '{}', got {}",
                          item->id, v.kind_name()));
        continue;
      }
      ItemEffect eff;
      eff.item_id = k.value;
      eff.item = index;
      eff.multi = item->kind == ItemKind::multi;
      bool good = true;
      for (const YamlNode* e : given) {
        const Option* opt = e->kind == Kind::scalar && e->value.size() == 1
                                ? item->find_option(e->value[0])
                                : nullptr;
        if (!opt) {
          error(*e, ep,
                fmt::format("unknown option {} for item '{}' (valid: {})", describe(*e), item->id,
                            letter_range(*item)));
          good = false;
          continue;
        }
        const std::size_t k_opt = static_cast<std::size_t>(opt - item->options.data());
        if (eff.options & bit(k_opt)) {
          error(*e, ep,
                fmt::format("option '{}' of item '{}' is given twice", opt->letter, item->id));
          good = false;
          continue;
        }
        if (opt->none) {
          error(*e, ep,
                use == Use::delivers
                    ? fmt::format("option '{}' of item '{}' is its 'none' option: a product "
                                  "delivers what the enterprise gains, not its absence",
                                  opt->letter, item->id)
                    : fmt::format("requirement '{}: {}' can never be met: a 'none' option is "
                                  "dropped by any product that delivers the item, and it "
                                  "names no capability to have",
                                  item->id, opt->letter));
          good = false;
          continue;
        }
        eff.letters.push_back(opt->letter);
        eff.options |= bit(k_opt);
      }
      if (!good) continue;
      if (!eff.multi && eff.letters.size() > 1) {
        error(v, ep,
              fmt::format("item '{}' is {} and takes one option, got {}", item->id,
                          item->kind == ItemKind::band ? "a band item" : "single-choice",
                          eff.letters.size()));
        continue;
      }
      if (eff.multi) {
        if (use == Use::delivers) {
          for (std::size_t o = 0; o < item->options.size(); ++o)
            if (item->options[o].none) eff.mask |= bit(o);
        } else {
          eff.mask = eff.options;
        }
      } else {
        const Option& named =
            item->options[static_cast<std::size_t>(std::countr_zero(eff.options))];
        for (std::size_t o = 0; o < item->options.size(); ++o) {
          const bool less = item->options[o].points < named.points;
          if (use == Use::delivers ? less : !less) eff.mask |= bit(o);
        }
      }
      out.items.push_back(std::move(eff));
    }
  }
}

void Reader::read_product(const YamlNode& n, const Path& p, const Catalogue& cat, Product& out) {
  if (!check_map(
          n, p, "a product",
          {"id", "name", "provider", "category", "industries", "deployment", "price", "annual",
           "eligible", "weeks", "delivers", "requires", "reference"},
          {"id", "name", "provider", "category", "deployment", "price", "weeks", "delivers"}))
    return;
  out.where = Location{file(), n.line, n.column};
  out.id = text(n, "id", p);
  out.name = text(n, "name", p);
  out.provider = text(n, "provider", p);
  out.category = text(n, "category", p);
  if (!out.category.empty() &&
      std::find(cat.categories.begin(), cat.categories.end(), out.category) == cat.categories.end())
    error(*n.find("category"), p.key("category"),
          fmt::format("unknown category '{}'{} (the catalogue's categories: {})", out.category,
                      hint_of(out.category, cat.categories), fmt::join(cat.categories, "、")));
  if (const YamlNode* ind = n.find("industries")) {
    out.industries = nonempty_texts(n, "industries", p);
    for (std::size_t i = 0; i < out.industries.size() && i < ind->items.size(); ++i) {
      const std::string& id = out.industries[i];
      if (std::find(industries_.begin(), industries_.end(), id) == industries_.end())
        error(ind->items[i], p.key("industries").element("", i),
              fmt::format("unknown industry '{}'{}: not an industry profile of rule set '{}' "
                          "(known: {})",
                          id, hint_of(id, industries_), rules_.meta.id,
                          industries_.empty() ? std::string("none")
                                              : fmt::format("{}", fmt::join(industries_, ", "))));
    }
  }
  const std::string dep = text(n, "deployment", p);
  static const std::vector<std::string> deployments = {"saas", "private", "hybrid", "device"};
  if (auto it = std::find(deployments.begin(), deployments.end(), dep); it != deployments.end()) {
    out.deployment = static_cast<Deployment>(it - deployments.begin());
  } else if (!dep.empty()) {
    error(*n.find("deployment"), p.key("deployment"),
          fmt::format("unknown deployment '{}'{} (expected saas, private, hybrid or device)", dep,
                      hint_of(dep, deployments)));
  }
  const auto price = money(n, "price", p);
  out.price = price.value_or(0);
  out.annual = money(n, "annual", p).value_or(0);
  if (auto e = money(n, "eligible", p)) {
    out.eligible = *e;
    if (price && *e > *price)
      error(*n.find("eligible"), p.key("eligible"),
            fmt::format("eligible {} 元 is more than the price {} 元: only part of the price can "
                        "count for 奖补",
                        *e, *price));
  }
  if (auto w = whole(n, "weeks", p, 3)) {
    if (*w > max_weeks)
      error(*n.find("weeks"), p.key("weeks"),
            fmt::format("weeks {} is more than {} (ten years)", *w, max_weeks));
    out.weeks = *w;
  }
  if (const YamlNode* d = n.find("delivers")) {
    const std::size_t before = issue_count();
    read_effects(*d, p.key("delivers"), Use::delivers, out.delivers);
    if (issue_count() == before && out.delivers.empty())
      error(*d, p.key("delivers"),
            fmt::format("product '{}' delivers nothing: name the scenario levels or item options "
                        "it brings",
                        out.id));
  }
  if (const YamlNode* r = n.find("requires")) {
    read_effects(*r, p.key("requires"), Use::needs, out.prerequisites);
    requires_at_.emplace_back(r, p.key("requires"));
  } else {
    requires_at_.emplace_back(nullptr, p);
  }
  if (const YamlNode* r = n.find("reference")) {
    const Path rp = p.key("reference");
    if (check_map(*r, rp, "reference", {"enterprise", "level_before", "level_after"},
                  {"enterprise"})) {
      ProductReference ref;
      ref.enterprise = text(*r, "enterprise", rp);
      const int top = rules_.level_rule.top_level();
      auto level = [&](std::string_view key) {
        auto l = whole(*r, key, rp, 2);
        if (l && *l > top) {
          error(*r->find(key), rp.key(key),
                fmt::format("expected a level from 0 to {} for '{}', got {}", top, key, *l));
          return -1;
        }
        return l.value_or(-1);
      };
      ref.level_before = level("level_before");
      ref.level_after = level("level_after");
      if (ref.level_before >= 0 && ref.level_after >= 0 && ref.level_after < ref.level_before)
        error(*r->find("level_after"), rp.key("level_after"),
              fmt::format("level_after {} is below level_before {}", ref.level_after,
                          ref.level_before));
      out.reference = std::move(ref);
    }
  }
}

// A requirement that is neither delivered by another product of the catalogue nor something
// the product brings itself can only be met by enterprises that already have it: a note, since
// the catalogue may mean exactly that (a gateway that needs a workshop network).
void Reader::check_requirements(const YamlNode& products, const Catalogue& cat) {
  (void)products;
  // The key of one requirement (`S01` under requires.scenarios), to point at it.
  auto key_at = [](const YamlNode& req, std::string_view list, std::string_view key) {
    if (const YamlNode* l = req.find(list); l && l->kind == Kind::map)
      for (const auto& [k, v] : l->entries)
        if (k.value == key) return &k;
    return &req;
  };
  for (std::size_t i = 0; i < cat.products.size() && i < requires_at_.size(); ++i) {
    const Product& p = cat.products[i];
    const auto& [node, path] = requires_at_[i];
    if (!node) continue;
    auto delivered_by_other_scenario = [&](const ScenarioEffect& r) {
      for (std::size_t j = 0; j < cat.products.size(); ++j) {
        if (j == i) continue;
        for (const auto& d : cat.products[j].delivers.scenarios)
          if (d.scenario == r.scenario && d.level >= r.level) return true;
      }
      return false;
    };
    for (const auto& r : p.prerequisites.scenarios) {
      for (const auto& d : p.delivers.scenarios)
        if (d.scenario == r.scenario && d.level >= r.level)
          error(*key_at(*node, "scenarios", r.scenario_id),
                path.key("scenarios").key(r.scenario_id),
                fmt::format("product '{}' requires scenario '{}' at level {}, which it delivers "
                            "itself",
                            p.id, rules_.scenarios[r.scenario].id, r.level));
      if (!delivered_by_other_scenario(r))
        report(Issue{Severity::note,
                     fmt::format("no other product delivers scenario '{}' at level {}: only "
                                 "enterprises already there can take '{}'",
                                 rules_.scenarios[r.scenario].id, r.level, p.id),
                     path.key("scenarios").key(r.scenario_id).display,
                     Location{file(), key_at(*node, "scenarios", r.scenario_id)->line,
                              key_at(*node, "scenarios", r.scenario_id)->column},
                     ""});
    }
    for (const auto& r : p.prerequisites.items) {
      // What the other products can bring to this item, in options a survey could then hold.
      bool met_by_other = false;
      for (std::size_t j = 0; j < cat.products.size() && !met_by_other; ++j) {
        if (j == i) continue;
        for (const auto& d : cat.products[j].delivers.items)
          if (d.item == r.item && (r.multi ? (d.options & r.options) != 0 : (d.options & r.mask)))
            met_by_other = true;
      }
      if (!met_by_other)
        report(Issue{Severity::note,
                     fmt::format("no other product delivers what '{}' requires of item '{}': only "
                                 "enterprises that have it can take '{}'",
                                 p.id, items_[r.item]->id, p.id),
                     path.key("items").key(r.item_id).display,
                     Location{file(), key_at(*node, "items", r.item_id)->line,
                              key_at(*node, "items", r.item_id)->column},
                     ""});
    }
  }
}

void Reader::read(const YamlNode& root, Catalogue& out) {
  const Path top;
  if (!check_map(root, top, "the catalogue", {"catalogue", "providers", "products"},
                 {"catalogue", "products"}))
    return;
  // The seed's areas unless the header lists its own: a broken header does not make every
  // product's category unknown as well.
  out.categories = default_categories();
  if (const YamlNode* c = root.find("catalogue")) read_header(*c, top.key("catalogue"), out);
  if (const YamlNode* v = field(root, "providers", top))
    read_providers(*v, top.key("providers"), out);
  // Product ids are the catalogue's own (QX-MES-01 as suppliers write them): letters, digits,
  // '-', '_' and '.', so not the walker's lowercase rule-set ids; unique all the same.
  const std::size_t before = issue_count();
  std::map<std::string, Location, std::less<>> seen;
  if (const YamlNode* v = field(root, "products", top);
      v && is_sequence(*v, "products", top.key("products"))) {
    if (v->items.size() > max_products) {
      error(*v, top.key("products"),
            fmt::format("too many products ({}; the limit is {})", v->items.size(), max_products));
    } else {
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        const YamlNode& e = v->items[i];
        const Path ip = top.element("products", i);
        std::string id;
        if (const YamlNode* idn = e.kind == Kind::map ? e.find("id") : nullptr;
            idn && idn->kind == Kind::scalar && !idn->value.empty()) {
          static const std::regex id_re(R"([A-Za-z0-9][A-Za-z0-9_.\-]{0,63})");
          if (!std::regex_match(idn->value, id_re)) {
            error(*idn, ip.key("id"),
                  fmt::format("invalid product id '{}': use letters, digits, '-', '_' and '.' "
                              "(at most 64), starting with a letter or digit",
                              idn->value));
          } else if (auto [it, fresh] =
                         seen.emplace(idn->value, Location{file(), idn->line, idn->column});
                     !fresh) {
            error(*idn, ip.key("id"),
                  fmt::format("duplicate product id '{}' (first defined at {}:{}:{})", idn->value,
                              it->second.file, it->second.line, it->second.column));
          } else {
            id = idn->value;
          }
        }
        Product prod;
        read_product(e, top.element("products", i, "products", id), out, prod);
        out.products.push_back(std::move(prod));
      }
    }
  }
  if (issue_count() == before)
    if (const YamlNode* prods = root.find("products")) check_requirements(*prods, out);
  if (const YamlNode* prods = root.find("products");
      prods && prods->kind == Kind::sequence && !out.providers.empty())
    check_providers(*prods, out);
}

}  // namespace

std::string_view to_string(Deployment d) noexcept {
  switch (d) {
    case Deployment::saas:
      return "saas";
    case Deployment::on_premises:
      return "private";
    case Deployment::hybrid:
      return "hybrid";
    case Deployment::device:
      return "device";
  }
  return "";
}

bool Product::allowed_for(std::string_view industry) const noexcept {
  return industries.empty() ||
         std::find(industries.begin(), industries.end(), industry) != industries.end();
}

const Product* Catalogue::find_product(std::string_view id) const noexcept {
  const int i = index_of(id);
  return i < 0 ? nullptr : &products[static_cast<std::size_t>(i)];
}

std::string_view Catalogue::provider_name(std::string_view id) const noexcept {
  const auto it = providers.find(id);
  return it == providers.end() ? std::string_view{} : std::string_view{it->second};
}

int Catalogue::index_of(std::string_view id) const noexcept {
  for (std::size_t i = 0; i < products.size(); ++i)
    if (products[i].id == id) return static_cast<int>(i);
  return -1;
}

CatalogueLoad load_catalogue_from_string(std::string_view yaml, const RuleSet& rules,
                                         std::string_view name, const std::filesystem::path& base) {
  CatalogueLoad result;
  const std::string file(name);
  Catalogue cat;
  if (auto root = detail::parse_yaml_mapping(yaml, file, detail::YamlLimits{}, result.issues))
    Reader(file, result.issues, rules).read(*root, cat);
  detail::attach_source_lines(result.issues, file, yaml);
  detail::sort_issues(result.issues);
  if (!has_errors(result.issues)) {
    if (!cat.rule_set_path.empty() && cat.rule_set_path.is_relative())
      cat.rule_set_path = (base / cat.rule_set_path).lexically_normal();
    cat.origin = file;
    result.catalogue = std::move(cat);
  }
  return result;
}

CatalogueLoad load_catalogue(const std::filesystem::path& folder_or_file, const RuleSet& rules) {
  // A name (dongying-2026) is looked up in the search path (smedx/data_path.h), as programmes
  // and rule sets are, so every door resolves it the same way.
  const DataLookup found = find_data(folder_or_file.string(), DataKind::catalogue);
  CatalogueLoad failed;
  if (!found.found() && is_data_name(folder_or_file.string())) {
    failed.issues.push_back(
        Issue{Severity::error, found.problem, "", Location{folder_or_file.string(), 0, 0}, ""});
    return failed;
  }
  std::filesystem::path file = found.path.value_or(folder_or_file);
  if (std::filesystem::is_directory(file)) file /= "catalogue.yaml";
  const auto text =
      detail::read_yaml_file(file, file.string(), detail::yaml_file_limit, failed.issues);
  if (!text) return failed;
  return load_catalogue_from_string(*text, rules, file.string(), file.parent_path());
}

}  // namespace smedx
