// Reads the composition targets and the 规上 share check, every problem located.
#include "pilot/composition_reader.h"

#include <fmt/format.h>

#include "yaml/walker.h"

namespace smedx::detail {

namespace {

class CompositionReader : Walker {
 public:
  CompositionReader(std::string file, std::vector<Issue>& issues)
      : Walker(issues, nullptr, std::move(file)) {}

  void read(const YamlNode& n, const Path& p, int target_level, CompositionRule& out) {
    if (!check_map(n, p, "composition", {"targets", "above_scale"}, {})) return;
    IdSet ids{{}, true};
    each_in(n, "targets", p, "targets", "target", &ids, [&](const YamlNode& e, const Path& ep) {
      if (!check_map(e, ep, "a composition target",
                     {"id", "zh", "tag", "value", "at_level", "since", "survey"},
                     {"id", "zh", "tag", "value"}))
        return;
      CompositionTarget t;
      t.id = nonempty_text(e, "id", ep);
      t.zh = nonempty_text(e, "zh", ep);
      t.tag = nonempty_text(e, "tag", ep);
      t.value = whole(e, "value", ep, 7).value_or(0);
      t.at_level = boolean(e, "at_level", ep);
      if (const YamlNode* d = field(e, "since", ep)) {
        t.since = d->kind == YamlNode::Kind::scalar ? parse_date(d->value) : std::nullopt;
        if (!t.since)
          error(*d, ep.key("since"),
                fmt::format("expected a date yyyy-mm-dd for 'since', got {}", describe(*d)));
      }
      if (const YamlNode* sv = e.find("survey");
          sv && check_map(*sv, ep.key("survey"), "survey", {"item", "min_points"},
                          {"item", "min_points"})) {
        t.survey_item = nonempty_text(*sv, "item", ep.key("survey"));
        t.survey_min_points =
            non_negative_number(*sv, "min_points", ep.key("survey")).value_or(Decimal{});
      }
      out.targets.push_back(std::move(t));
    });
    if (const YamlNode* a = n.find("above_scale");
        a && check_map(*a, p.key("above_scale"), "above_scale", {"tag", "level", "share_percent"},
                       {"tag", "share_percent"})) {
      const Path ap = p.key("above_scale");
      out.above_scale_tag = nonempty_text(*a, "tag", ap);
      out.above_scale_level = whole(*a, "level", ap, 2).value_or(target_level);
      out.above_scale_percent = non_negative_number(*a, "share_percent", ap).value_or(Decimal{});
      if (out.above_scale_percent > Decimal::from_int(100))
        error(*a->find("share_percent"), ap.key("share_percent"),
              "'share_percent' is more than 100 percent");
    }
  }
};

}  // namespace

void read_composition(const YamlNode& n, const Path& p, std::string file,
                      std::vector<Issue>& issues, int target_level, CompositionRule& out) {
  CompositionReader(std::move(file), issues).read(n, p, target_level, out);
}

}  // namespace smedx::detail
