// Reads programme.yaml into a Programme: shape (keys, types, ids) and meaning (targets add up,
// batches in calendar order, the rule's references exist, weights sum to 100), every problem a
// located issue. The YAML is walked with yaml/walker.h, with a rule set's checks.
#include <fmt/format.h>

#include <limits>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "common/did_you_mean.h"
#include "pilot/composition_reader.h"
#include "pilot/stages_reader.h"
#include "pilot/subsidy_reader.h"
#include "smedx/data_path.h"
#include "smedx/programme.h"
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

// A programme's strings must say something, its numbers are never negative and its whole
// numbers run to 7 digits (a city's targets): the walker's reads for that, under short names.
class Reader : detail::Walker {
 public:
  Reader(std::string file, std::vector<Issue>& issues) : Walker(issues, nullptr, std::move(file)) {}

  void read(const YamlNode& root, Programme& out);

 private:
  std::string text(const YamlNode& map, std::string_view key, const Path& p) {
    return nonempty_text(map, key, p);
  }
  std::vector<std::string> texts(const YamlNode& map, std::string_view key, const Path& p) {
    return nonempty_texts(map, key, p);
  }
  std::optional<Decimal> number(const YamlNode& map, std::string_view key, const Path& p) {
    return non_negative_number(map, key, p);
  }
  std::optional<int> whole(const YamlNode& map, std::string_view key, const Path& p) {
    return Walker::whole(map, key, p, 7);
  }

  std::optional<Date> month(const YamlNode& map, std::string_view key, const Path& p,
                            bool last_day) {
    const YamlNode* v = field(map, key, p);
    if (!v) return std::nullopt;
    auto d = v->kind == Kind::scalar ? parse_month(v->value, last_day) : std::nullopt;
    if (!d) {
      error(*v, p.key(key),
            fmt::format("expected a month yyyy-mm for '{}', got {}", key, describe(*v)));
    }
    return d;
  }

  // Each element of the sequence under `key`, with a path by id when it has one; ids are
  // unique within their list.
  template <typename F>
  void each(const YamlNode& map, std::string_view key, const Path& p, std::string_view what,
            F&& read_one) {
    IdSet ids{{}, true};
    each_in(map, key, p, key, what, &ids, read_one);
  }

  void read_batch(const YamlNode& n, const Path& p, Batch& b);
  void read_check(const YamlNode& n, const Path& p, const Programme& prog, AcceptanceCheck& c);
  void read_rating(const YamlNode& n, const Path& p, ProviderRating& r);
};

void Reader::read_batch(const YamlNode& n, const Path& p, Batch& b) {
  if (!check_map(n, p, "a batch", {"id", "zh", "transform_from", "transform_to", "acceptance_by"},
                 {"id", "transform_from", "transform_to", "acceptance_by"}))
    return;
  b.id = text(n, "id", p);
  b.zh = text(n, "zh", p);
  const auto from = month(n, "transform_from", p, false);
  const auto to = month(n, "transform_to", p, true);
  const auto by = month(n, "acceptance_by", p, true);
  if (from) b.transform_from = *from;
  if (to) b.transform_to = *to;
  if (by) {
    b.acceptance_by = *by;
    b.acceptance_from = *parse_month(n.find("acceptance_by")->value, false);
  }
  if (from && to && *to < *from)
    error(*n.find("transform_to"), p.key("transform_to"),
          fmt::format("transform_to {} is before transform_from {}", n.find("transform_to")->value,
                      n.find("transform_from")->value));
  if (to && by && *by < *to)
    error(*n.find("acceptance_by"), p.key("acceptance_by"),
          fmt::format("acceptance_by {} is before transform_to {}", n.find("acceptance_by")->value,
                      n.find("transform_to")->value));
}

void Reader::read_check(const YamlNode& n, const Path& p, const Programme& prog,
                        AcceptanceCheck& c) {
  if (!check_map(n, p, "an acceptance check", {"check", "outcome", "level", "compare", "items"},
                 {"check", "outcome"}))
    return;
  using K = AcceptanceCheck::Kind;
  static const std::vector<std::pair<std::string_view, K>> kinds = {
      {"baseline_present", K::baseline_present},
      {"level_at_least", K::level_at_least},
      {"same_rule_set", K::same_rule_set},
      {"baseline_before_acceptance", K::baseline_before_acceptance},
      {"acceptance_after_project_end", K::acceptance_after_project_end},
      {"evidence_complete", K::evidence_complete},
      {"constraint_scenarios_kept", K::constraint_scenarios_kept}};
  const std::string name = text(n, "check", p);
  auto it = std::find_if(kinds.begin(), kinds.end(), [&](auto& k) { return k.first == name; });
  if (!name.empty() && it == kinds.end()) {
    Keys names;
    for (auto& k : kinds) names.push_back(k.first);
    const std::string hint = detail::nearest(name, names);
    error(*n.find("check"), p.key("check"),
          fmt::format("unknown acceptance check '{}'{}", name,
                      hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    return;
  }
  if (it == kinds.end()) return;
  c.kind = it->second;
  const std::string outcome = text(n, "outcome", p);
  if (outcome == "failed" || outcome == "incomplete") {
    c.outcome = outcome == "failed" ? AcceptanceCheck::Outcome::failed
                                    : AcceptanceCheck::Outcome::incomplete;
  } else if (!outcome.empty()) {
    error(*n.find("outcome"), p.key("outcome"),
          fmt::format("expected 'failed' or 'incomplete' for 'outcome', got '{}'", outcome));
  }
  auto only = [&](std::string_view key, K kind) {
    if (n.find(key) && c.kind != kind)
      error(*n.find(key), p.key(key),
            fmt::format("'{}' does not apply to the check '{}'", key, name));
  };
  only("level", K::level_at_least);
  only("compare", K::same_rule_set);
  only("items", K::evidence_complete);
  if (c.kind == K::level_at_least) {
    c.level = whole(n, "level", p).value_or(prog.target_level);
  } else if (c.kind == K::same_rule_set) {
    const std::string compare = text(n, "compare", p);
    if (compare == "id") {
      c.compare_version = false;
    } else if (!compare.empty() && compare != "id_and_version") {
      error(*n.find("compare"), p.key("compare"),
            fmt::format("expected 'id' or 'id_and_version' for 'compare', got '{}'", compare));
    }
  } else if (c.kind == K::evidence_complete) {
    if (!n.find("items")) {
      for (const auto& e : prog.evidence) c.evidence.push_back(e.id);
    } else {
      c.evidence = texts(n, "items", p);
      const YamlNode& items = *n.find("items");
      for (std::size_t i = 0; i < c.evidence.size() && i < items.items.size(); ++i) {
        if (!prog.find_evidence(c.evidence[i]))
          error(items.items[i], p.key("items").element("", i),
                fmt::format("unknown evidence item '{}' (not in 'evidence')", c.evidence[i]));
      }
    }
  }
}

void Reader::read_rating(const YamlNode& n, const Path& p, ProviderRating& r) {
  if (!check_map(
          n, p, "provider_rating",
          {"weights", "performance", "full_level_gain", "stars", "warn_below", "min_accepted"},
          {"weights", "performance", "stars"}))
    return;
  if (const YamlNode* w = n.find("weights");
      w && check_map(*w, p.key("weights"), "weights", {"performance", "satisfaction"},
                     {"performance", "satisfaction"})) {
    r.weight_performance = whole(*w, "performance", p.key("weights")).value_or(0);
    r.weight_satisfaction = whole(*w, "satisfaction", p.key("weights")).value_or(0);
    if (r.weight_performance + r.weight_satisfaction != 100)
      error(*w, p.key("weights"),
            fmt::format("the weights sum to {}, expected 100",
                        r.weight_performance + r.weight_satisfaction));
  }
  if (const YamlNode* w = n.find("performance");
      w &&
      check_map(*w, p.key("performance"), "performance", {"pass_rate", "level_gain", "on_time"},
                {"pass_rate", "level_gain", "on_time"})) {
    r.weight_pass_rate = whole(*w, "pass_rate", p.key("performance")).value_or(0);
    r.weight_level_gain = whole(*w, "level_gain", p.key("performance")).value_or(0);
    r.weight_on_time = whole(*w, "on_time", p.key("performance")).value_or(0);
    const int sum = r.weight_pass_rate + r.weight_level_gain + r.weight_on_time;
    if (sum != 100)
      error(*w, p.key("performance"),
            fmt::format("the performance weights sum to {}, expected 100", sum));
  }
  if (auto g = number(n, "full_level_gain", p)) {
    if (g->thousandths() == 0)
      error(*n.find("full_level_gain"), p.key("full_level_gain"),
            "full_level_gain must be above 0");
    else
      r.full_level_gain = *g;
  }
  if (auto w = number(n, "warn_below", p)) r.warn_below = *w;
  if (auto m = whole(n, "min_accepted", p)) r.min_accepted = *m;
  if (const YamlNode* s = field(n, "stars", p)) {
    if (!is_sequence(*s, "stars", p.key("stars"))) return;
    for (std::size_t i = 0; i < s->items.size(); ++i) {
      const YamlNode& e = s->items[i];
      const Path ep = p.key("stars").element("", i);
      if (!check_map(e, ep, "a star grade", {"stars", "min"}, {"stars", "min"})) continue;
      StarGrade g;
      g.stars = whole(e, "stars", ep).value_or(0);
      g.min = number(e, "min", ep).value_or(Decimal{});
      if (!r.stars.empty() && !(g.min < r.stars.back().min && g.stars < r.stars.back().stars))
        error(e, ep, "star grades must go down in both stars and min, highest first");
      r.stars.push_back(g);
    }
    if (s->items.empty())  // no grade at all: every rated provider would go without stars
      error(*s, p.key("stars"), "stars must list at least one grade, the last starting at min 0");
    else if (!r.stars.empty() && r.stars.back().min != Decimal{})
      error(*s, p.key("stars"), "the last star grade must start at min 0, so every score has one");
  }
}

void Reader::read(const YamlNode& root, Programme& out) {
  const Path top;
  if (!check_map(root, top, "the programme",
                 {"programme", "rule_set", "target_level", "industries", "total_target", "batches",
                  "targets", "evidence", "acceptance", "satisfaction", "provider_rating", "cases",
                  "subsidy", "stages", "composition"},
                 {"programme", "rule_set", "target_level", "industries", "batches", "evidence",
                  "acceptance", "satisfaction", "provider_rating", "cases"}))
    return;
  if (const YamlNode* m = root.find("programme");
      m && check_map(*m, top.key("programme"), "programme", {"id", "title", "document"},
                     {"id", "title"})) {
    out.id = text(*m, "id", top.key("programme"));
    out.title = text(*m, "title", top.key("programme"));
    out.document = text(*m, "document", top.key("programme"));
  }
  if (const YamlNode* r = root.find("rule_set");
      r &&
      check_map(*r, top.key("rule_set"), "rule_set", {"id", "version", "path"}, {"id", "path"})) {
    out.rule_set_id = text(*r, "id", top.key("rule_set"));
    out.rule_set_version = text(*r, "version", top.key("rule_set"));
    out.rule_set_path = text(*r, "path", top.key("rule_set"));
  }
  if (auto t = whole(root, "target_level", top)) {
    if (*t < 1)
      error(*root.find("target_level"), top.key("target_level"), "target_level must be 1 or more");
    out.target_level = *t;
  }
  // Sums of whole numbers of up to 7 digits each, over any number of entries: 64 bits, so that
  // many entries cannot wrap an int (undefined behaviour, and a wrong total).
  long long sum = 0;
  const std::size_t before_industries = issue_count();
  each(root, "industries", top, "industry", [&](const YamlNode& e, const Path& p) {
    if (!check_map(e, p, "an industry", {"id", "zh", "target", "focus_districts"},
                   {"id", "target"}))
      return;
    ProgrammeIndustry ind;
    ind.id = text(e, "id", p);
    ind.zh = text(e, "zh", p);
    ind.target = whole(e, "target", p).value_or(0);
    ind.focus_districts = texts(e, "focus_districts", p);
    sum += ind.target;
    out.industries.push_back(std::move(ind));
  });
  constexpr long long most = std::numeric_limits<int>::max();
  if (sum > most)
    error(*root.find("industries"), top.key("industries"),
          fmt::format("the industries' targets sum to {}, more than {}", sum, most));
  if (const YamlNode* t = root.find("total_target")) {
    out.total_target =
        whole(root, "total_target", top).value_or(static_cast<int>(std::min(sum, most)));
    // Only on industries that read cleanly: a bad target is reported once, where it is.
    const YamlNode* industries = root.find("industries");
    if (out.total_target != sum && industries && industries->kind == Kind::sequence &&
        issue_count() == before_industries)
      error(*t, top.key("total_target"),
            fmt::format("total_target {} is not the sum of the industries' targets ({})",
                        out.total_target, sum));
  } else {
    out.total_target = static_cast<int>(std::min(sum, most));
  }
  each(root, "batches", top, "batch", [&](const YamlNode& e, const Path& p) {
    Batch b;
    read_batch(e, p, b);
    out.batches.push_back(std::move(b));
  });
  each(root, "targets", top, "target", [&](const YamlNode& e, const Path& p) {
    if (!check_map(e, p, "a target", {"id", "zh", "value", "measure", "tag"},
                   {"id", "value", "measure"}))
      return;
    OtherTarget t;
    t.id = text(e, "id", p);
    t.zh = text(e, "zh", p);
    t.value = whole(e, "value", p).value_or(0);
    const std::string m = text(e, "measure", p);
    if (m == "tag") {
      t.measure = OtherTarget::Measure::tag;
      t.tag = text(e, "tag", p);
      if (!e.find("tag")) error(e, p, "missing required key 'tag' in a target measured by tag");
    } else if (m == "providers" || m == "cases") {
      t.measure = m == "providers" ? OtherTarget::Measure::providers : OtherTarget::Measure::cases;
      if (e.find("tag")) error(*e.find("tag"), p.key("tag"), "'tag' applies to measure 'tag' only");
    } else if (!m.empty()) {
      error(*e.find("measure"), p.key("measure"),
            fmt::format("expected 'tag', 'providers' or 'cases' for 'measure', got '{}'", m));
    }
    out.targets.push_back(std::move(t));
  });
  each(root, "evidence", top, "evidence item", [&](const YamlNode& e, const Path& p) {
    if (!check_map(e, p, "an evidence item", {"id", "zh"}, {"id", "zh"})) return;
    out.evidence.push_back({text(e, "id", p), text(e, "zh", p)});
  });
  if (const YamlNode* a = field(root, "acceptance", top)) {
    if (is_sequence(*a, "acceptance", top.key("acceptance"))) {
      std::map<std::string, Location> seen;
      for (std::size_t i = 0; i < a->items.size(); ++i) {
        const Path p = top.key("acceptance").element("", i);
        AcceptanceCheck c;
        const std::size_t before = issue_count();
        read_check(a->items[i], p, out, c);
        if (issue_count() != before) continue;
        const YamlNode& at = *a->items[i].find("check");
        if (auto [it, fresh] = seen.emplace(at.value, Location{file(), at.line, at.column});
            !fresh) {
          error(at, p.key("check"),
                fmt::format("the check '{}' is listed twice (first at {}:{}:{})", at.value,
                            it->second.file, it->second.line, it->second.column));
          continue;
        }
        out.acceptance.push_back(std::move(c));
      }
    }
  }
  if (const YamlNode* s = root.find("satisfaction");
      s && check_map(*s, top.key("satisfaction"), "satisfaction", {"scale", "items"},
                     {"scale", "items"})) {
    const Path sp = top.key("satisfaction");
    if (const YamlNode* sc = s->find("scale");
        sc && check_map(*sc, sp.key("scale"), "scale", {"min", "max"}, {"min", "max"})) {
      out.satisfaction_min = whole(*sc, "min", sp.key("scale")).value_or(1);
      out.satisfaction_max = whole(*sc, "max", sp.key("scale")).value_or(5);
      if (out.satisfaction_max <= out.satisfaction_min)
        error(*sc, sp.key("scale"), "the scale's max must be above its min");
    }
    long long weights = 0;  // 64 bits, as the industries' targets
    each(*s, "items", sp, "satisfaction item", [&](const YamlNode& e, const Path& p) {
      if (!check_map(e, p, "a satisfaction item", {"id", "zh", "weight"}, {"id", "zh", "weight"}))
        return;
      SatisfactionItem item{text(e, "id", p), text(e, "zh", p), whole(e, "weight", p).value_or(0)};
      weights += item.weight;
      out.satisfaction.push_back(std::move(item));
    });
    if (const YamlNode* items = s->find("items"); items && weights != 100)
      error(*items, sp.key("items"),
            fmt::format("the satisfaction weights sum to {}, expected 100", weights));
  }
  if (const YamlNode* r = root.find("provider_rating"))
    read_rating(*r, top.key("provider_rating"), out.rating);
  if (const YamlNode* c = root.find("cases");
      c && check_map(*c, top.key("cases"), "cases", {"target", "per_industry"}, {"target"})) {
    out.cases.target = whole(*c, "target", top.key("cases")).value_or(30);
    out.cases.per_industry = whole(*c, "per_industry", top.key("cases")).value_or(0);
  }
  if (const YamlNode* sub = root.find("subsidy")) {
    auto rule = std::make_shared<SubsidyRule>();
    std::vector<Issue> found;
    detail::read_subsidy(*sub, top.key("subsidy"), file(), found, out.target_level, *rule);
    for (auto& i : found) report(std::move(i));
    out.subsidy = std::move(rule);
  }
  if (const YamlNode* st = root.find("stages")) {
    auto rule = std::make_shared<StageRule>();
    std::vector<Issue> found;
    detail::read_stages(*st, top.key("stages"), file(), found, *rule);
    for (auto& i : found) report(std::move(i));
    out.stages = std::move(rule);
  }
  if (const YamlNode* c = root.find("composition")) {
    auto rule = std::make_shared<CompositionRule>();
    std::vector<Issue> found;
    detail::read_composition(*c, top.key("composition"), file(), found, out.target_level, *rule);
    for (auto& i : found) report(std::move(i));
    out.composition = std::move(rule);
  }
}

}  // namespace

std::string_view to_string(AcceptanceCheck::Kind k) noexcept {
  using K = AcceptanceCheck::Kind;
  switch (k) {
    case K::baseline_present:
      return "baseline_present";
    case K::level_at_least:
      return "level_at_least";
    case K::same_rule_set:
      return "same_rule_set";
    case K::baseline_before_acceptance:
      return "baseline_before_acceptance";
    case K::acceptance_after_project_end:
      return "acceptance_after_project_end";
    case K::evidence_complete:
      return "evidence_complete";
    case K::constraint_scenarios_kept:
      return "constraint_scenarios_kept";
  }
  return "";
}

const ProgrammeIndustry* Programme::find_industry(std::string_view id) const noexcept {
  for (const auto& i : industries)
    if (i.id == id) return &i;
  return nullptr;
}
const Batch* Programme::find_batch(std::string_view id) const noexcept {
  for (const auto& b : batches)
    if (b.id == id) return &b;
  return nullptr;
}
const EvidenceItem* Programme::find_evidence(std::string_view id) const noexcept {
  for (const auto& e : evidence)
    if (e.id == id) return &e;
  return nullptr;
}

ProgrammeLoad load_programme_from_string(std::string_view yaml, std::string_view name,
                                         const std::filesystem::path& base) {
  ProgrammeLoad result;
  const std::string file(name);
  Programme prog;
  if (auto root = detail::parse_yaml_mapping(yaml, file, detail::YamlLimits{}, result.issues))
    Reader(file, result.issues).read(*root, prog);
  detail::attach_source_lines(result.issues, file, yaml);
  detail::sort_issues(result.issues);
  if (!has_errors(result.issues)) {
    if (!prog.rule_set_path.empty() && prog.rule_set_path.is_relative())
      prog.rule_set_path = (base / prog.rule_set_path).lexically_normal();
    result.programme = std::move(prog);
  }
  return result;
}

ProgrammeLoad load_programme(const std::filesystem::path& folder_or_file) {
  // A name (dongying-2026) is looked up in the search path (smedx/data_path.h).
  const DataLookup found = find_data(folder_or_file.string(), DataKind::programme);
  ProgrammeLoad failed;
  if (!found.found() && is_data_name(folder_or_file.string())) {
    // Neither a file nor a programme of that name: say what was looked at, as lint does for a
    // rule set ("cannot read file" alone left the user guessing where names are looked up).
    failed.issues.push_back(
        Issue{Severity::error, found.problem, "", Location{folder_or_file.string(), 0, 0}, ""});
    return failed;
  }
  std::filesystem::path file = found.path.value_or(folder_or_file);
  if (std::filesystem::is_directory(file)) file /= "programme.yaml";
  const auto text =
      detail::read_yaml_file(file, file.string(), detail::yaml_file_limit, failed.issues);
  if (!text) return failed;
  return load_programme_from_string(*text, file.string(), file.parent_path());
}

}  // namespace smedx
