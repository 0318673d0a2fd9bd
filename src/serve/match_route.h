// Matching over HTTP (POST /v1/rulesets/{id}/match, GET /v1/catalogues): the catalogues loaded
// at start, the matcher a request asks for, and its answer. A door over run_match
// (smedx/match.h): the answer is the bytes `smedx match` writes for the same surveys.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/batch.h"
#include "smedx/catalogue.h"
#include "smedx/engine.h"
#include "smedx/match.h"

namespace smedx::serve {

// A rule set as served, for resolving catalogues against it.
struct ServedRuleSet {
  const Engine* engine = nullptr;
  std::filesystem::path path;  // where it was loaded from
};

// What a request is refused with: its status and the problem's detail.
struct Refusal {
  int status = 400;
  std::string detail;
};

class Catalogues {
 public:
  // Loads each catalogue (folder, catalogue.yaml or installed name), linted as `smedx lint`
  // lints it — against the served rule set of its id when there is one, else the one it names —
  // and resolved against that served rule set. The issues go to stderr; false on an error, or
  // on two catalogues of one id.
  bool load(const std::vector<std::string>& where, const std::vector<ServedRuleSet>& rule_sets);

  bool empty() const noexcept { return served_.empty(); }

  // {"catalogues": [{id, title, rule_set, rule_set_version, products, categories}]}, by id.
  std::string list_json() const;

  // The matcher a request asks for: the catalogue (`catalogue`, needed only when several are
  // loaded for the rule set), `target`, `years`, `budget`, `alternatives` as `smedx match`
  // takes them. A refusal: 404 no catalogue loaded or none of that id, 409 a catalogue of
  // another rule set, 400 a bad option.
  std::shared_ptr<const Matcher> matcher_for(const Engine& engine, const httplib::Request& req,
                                             const BatchOptions& batch,
                                             std::optional<Refusal>& refusal) const;

 private:
  struct Served {
    Catalogue catalogue;
    const Engine* engine = nullptr;  // the served rule set it is resolved against, if any
  };
  std::vector<std::unique_ptr<Served>> served_;  // by id
};

// Answers a match of the request's body (held by `body` until the answer is written): one
// survey (`ndjson` false) → its record, or 400 (malformed JSON) or 422 (a survey that cannot be
// scored) with the located issues; JSON Lines → one record per line, streamed as they are made.
void answer_match(std::shared_ptr<const Matcher> matcher, std::shared_ptr<std::string> body,
                  bool ndjson, httplib::Response& res);

}  // namespace smedx::serve
