// Reads the project milestones of a programme: ids, names and deadlines, every problem located.
#include "pilot/stages_reader.h"

#include <fmt/format.h>

#include "yaml/walker.h"

namespace smedx::detail {

namespace {

class StagesReader : Walker {
 public:
  StagesReader(std::string file, std::vector<Issue>& issues)
      : Walker(issues, nullptr, std::move(file)) {}

  void read(const YamlNode& n, const Path& p, StageRule& out) {
    if (!check_map(n, p, "stages", {"milestones"}, {"milestones"})) return;
    IdSet ids{{}, true};
    each_in(n, "milestones", p, "milestones", "milestone", &ids,
            [&](const YamlNode& e, const Path& ep) {
              if (!check_map(e, ep, "a milestone", {"id", "zh", "due"}, {"id", "zh"})) return;
              Milestone m;
              m.id = nonempty_text(e, "id", ep);
              m.zh = nonempty_text(e, "zh", ep);
              if (const YamlNode* d = e.find("due");
                  d && check_map(*d, ep.key("due"), "due", {"after", "days"}, {"after", "days"})) {
                const std::string after = nonempty_text(*d, "after", ep.key("due"));
                m.days = whole(*d, "days", ep.key("due"), 4).value_or(0);
                // Only an earlier milestone: a deadline counts from something already dated.
                for (std::size_t k = 0; k < out.milestones.size(); ++k)
                  if (out.milestones[k].id == after) m.after = static_cast<int>(k);
                if (m.after < 0 && !after.empty())
                  error(*d->find("after"), ep.key("due").key("after"),
                        fmt::format("'{}' is not a milestone listed before '{}'", after, m.id));
              }
              out.milestones.push_back(std::move(m));
            });
  }
};

}  // namespace

void read_stages(const YamlNode& n, const Path& p, std::string file, std::vector<Issue>& issues,
                 StageRule& out) {
  StagesReader(std::move(file), issues).read(n, p, out);
}

}  // namespace smedx::detail
