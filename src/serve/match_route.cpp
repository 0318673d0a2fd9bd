// Matching over HTTP: catalogues loaded and linted at start, the request's options read as
// `smedx match` reads its flags, and the answer written by run_match itself.
#include "serve/match_route.h"

#include <cstdint>
#include <cstdio>
#include <istream>
#include <memory>
#include <ostream>
#include <span>
#include <stdexcept>
#include <streambuf>
#include <utility>

#include "serve/problem.h"
#include "smedx/data_path.h"
#include "smedx/diagnostics.h"
#include "smedx/text.h"

namespace smedx::serve {

namespace {

// The request body read as a stream in place: a large JSON Lines body is not copied.
class BodyStream : public std::istream {
 public:
  explicit BodyStream(std::shared_ptr<std::string> text)
      : std::istream(nullptr), text_(std::move(text)), buf_(*text_) {
    rdbuf(&buf_);
  }

 private:
  struct Buf : std::streambuf {
    explicit Buf(std::string& t) { setg(t.data(), t.data(), t.data() + t.size()); }
  };
  std::shared_ptr<std::string> text_;
  Buf buf_;
};

// The response stream of a JSON Lines answer. httplib's DataSink::os has no put area and no
// overflow(), so a single character written with put() (libstdc++ writes `<< '\n'` so) fails
// the stream and ends the answer after its first line; this buffers, and writes in chunks.
class SinkBuf : public std::streambuf {
 public:
  explicit SinkBuf(httplib::DataSink& sink) : sink_(sink) { setp(buf_, buf_ + sizeof buf_); }

 protected:
  int_type overflow(int_type ch) override {
    if (drain() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain(); }

 private:
  int drain() {
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    setp(buf_, buf_ + sizeof buf_);
    return n == 0 || sink_.write(buf_, n) ? 0 : -1;  // false: the client has gone
  }
  httplib::DataSink& sink_;
  char buf_[1 << 16];
};

SurveySource body_source(std::shared_ptr<std::string> body, InputFormat format) {
  SurveySource s;
  s.name = "<request>";
  s.format = format;
  s.open = [body = std::move(body)]() -> std::unique_ptr<std::istream> {
    return std::make_unique<BodyStream>(body);
  };
  return s;
}

// A whole number in [lo, hi] from the query, as `smedx match` checks its flags; nothing (and
// the refusal set) when it is not one.
std::optional<std::int64_t> number_param(const httplib::Request& req, const char* name,
                                         std::int64_t lo, std::int64_t hi,
                                         std::optional<Refusal>& refusal) {
  const std::string t = req.get_param_value(name);
  std::int64_t v = 0;
  bool ok = !t.empty() && t.size() <= 18 && t.find_first_not_of("0123456789") == std::string::npos;
  if (ok) {
    v = std::stoll(t);
    ok = v >= lo && v <= hi;
  }
  if (!ok) {
    refusal = Refusal{400, "query parameter '" + std::string(name) +
                               "' takes a whole number from " + std::to_string(lo) + " to " +
                               std::to_string(hi) + ", got '" + escape_control(t) + "'"};
    return std::nullopt;
  }
  return v;
}

}  // namespace

bool Catalogues::load(const std::vector<std::string>& where,
                      const std::vector<ServedRuleSet>& rule_sets) {
  for (const auto& w : where) {
    const DataLookup found = find_data(w, DataKind::catalogue);
    if (!found.found()) {
      std::fprintf(stderr, "error: %s: %s\n", escape_control(w).c_str(), found.problem.c_str());
      return false;
    }
    // Against the served rule set of the id it names (`smedx lint CAT --rules R`), else the
    // rule set it names itself (`smedx lint CAT`).
    const CatalogueRuleSetRef ref = find_catalogue_rule_set(*found.path);
    const ServedRuleSet* mine = nullptr;
    for (const auto& r : rule_sets)
      if (!ref.id.empty() && r.engine->rules().meta.id == ref.id) mine = &r;
    const CatalogueLint lint = lint_catalogue(*found.path, mine ? mine->path : "");
    if (!lint.issues.empty()) std::fputs(format_issues(lint.issues).c_str(), stderr);
    if (!lint.ok()) return false;
    auto s = std::make_unique<Served>();
    if (mine) {
      // The indices of a catalogue are those of the rule set it was read against: read it
      // again against the very rule set the requests are scored with.
      CatalogueLoad cat = load_catalogue(*found.path, mine->engine->rules());
      if (!cat.ok()) {
        std::fputs(format_issues(cat.issues).c_str(), stderr);
        return false;
      }
      s->catalogue = std::move(*cat.catalogue);
      s->engine = mine->engine;
    } else {
      s->catalogue = *lint.catalogue;
    }
    for (const auto& other : served_)
      if (other->catalogue.id == s->catalogue.id) {
        std::fprintf(stderr,
                     "error: %s: catalogue '%s' is already served from another --catalogue\n",
                     escape_control(w).c_str(), escape_control(s->catalogue.id).c_str());
        return false;
      }
    auto at = served_.begin();
    while (at != served_.end() && (*at)->catalogue.id < s->catalogue.id) ++at;
    served_.insert(at, std::move(s));
  }
  return true;
}

std::string Catalogues::list_json() const {
  std::string out = "{\"catalogues\":[";
  bool first = true;
  for (const auto& s : served_) {
    const Catalogue& c = s->catalogue;
    out += first ? "{" : ",{";
    first = false;
    out += "\"id\":" + json_string(c.id) + ",\"title\":" + json_string(c.title) +
           ",\"rule_set\":" + json_string(c.rule_set_id);
    if (!c.rule_set_version.empty())
      out += ",\"rule_set_version\":" + json_string(c.rule_set_version);
    out += ",\"products\":" + std::to_string(c.products.size()) + ",\"categories\":[";
    for (std::size_t k = 0; k < c.categories.size(); ++k)
      out += (k ? "," : "") + json_string(c.categories[k]);
    out += "],\"matchable\":" + std::string(s->engine ? "true" : "false") + "}";
  }
  return out + "]}\n";
}

std::shared_ptr<const Matcher> Catalogues::matcher_for(const Engine& engine,
                                                       const httplib::Request& req,
                                                       const BatchOptions& batch,
                                                       std::optional<Refusal>& refusal) const {
  const std::string& rule_set = engine.rules().meta.id;
  if (served_.empty()) {
    refusal = Refusal{404, "no catalogue is loaded: start the service with --catalogue"};
    return nullptr;
  }
  std::string known;
  for (const auto& s : served_) known += (known.empty() ? "" : ", ") + s->catalogue.id;
  const Served* chosen = nullptr;
  if (req.has_param("catalogue")) {
    const std::string id = req.get_param_value("catalogue");
    for (const auto& s : served_)
      if (s->catalogue.id == id) chosen = s.get();
    if (!chosen) {
      refusal = Refusal{
          404, "no catalogue '" + escape_control(id) + "' is loaded (loaded: " + known + ")"};
      return nullptr;
    }
  } else if (served_.size() == 1) {
    chosen = served_.front().get();
  } else {
    // Several: the one for this rule set, when there is exactly one.
    for (const auto& s : served_) {
      if (s->engine != &engine) continue;
      if (chosen) {
        refusal = Refusal{400, "several catalogues are loaded for rule set '" + rule_set +
                                   "': name one with ?catalogue= (loaded: " + known + ")"};
        return nullptr;
      }
      chosen = s.get();
    }
    if (!chosen) {
      refusal = Refusal{
          404, "no catalogue is loaded for rule set '" + rule_set + "' (loaded: " + known + ")"};
      return nullptr;
    }
  }
  if (chosen->engine != &engine) {
    refusal = Refusal{409, "catalogue '" + chosen->catalogue.id + "' is for rule set '" +
                               chosen->catalogue.rule_set_id + "', not '" + rule_set + "'"};
    return nullptr;
  }

  MatchOptions options;
  options.batch = batch;
  // The ranges of `smedx match`'s flags.
  if (req.has_param("target")) {
    const auto t = number_param(req, "target", 0, 99, refusal);
    if (!t) return nullptr;
    options.target = static_cast<int>(*t);
  }
  if (req.has_param("years")) {
    const auto y = number_param(req, "years", 0, 100, refusal);
    if (!y) return nullptr;
    options.years = static_cast<int>(*y);
  }
  if (req.has_param("budget")) {
    options.budget = number_param(req, "budget", 0, std::int64_t{1} << 50, refusal);
    if (!options.budget) return nullptr;
  }
  if (req.has_param("alternatives")) {
    const auto a = number_param(req, "alternatives", 0, 100, refusal);
    if (!a) return nullptr;
    options.alternatives = static_cast<int>(*a);
  }
  try {
    return std::make_shared<const Matcher>(engine, chosen->catalogue, options);
  } catch (const std::invalid_argument& e) {  // a target the rule set does not have
    refusal = Refusal{400, e.what()};
    return nullptr;
  }
}

void answer_match(std::shared_ptr<const Matcher> matcher, std::shared_ptr<std::string> body,
                  bool ndjson, httplib::Response& res) {
  if (ndjson) {
    // One record out per record in, written by the driver as it makes them; the body is held
    // (within --max-body), the output is not.
    res.set_chunked_content_provider(
        "application/x-ndjson", [matcher = std::move(matcher), body = std::move(body)](
                                    std::size_t, httplib::DataSink& sink) {
          const SurveySource source = body_source(body, InputFormat::jsonl);
          auto buf = std::make_unique<SinkBuf>(sink);  // 64 KiB: not on a worker's stack
          std::ostream out(buf.get());
          run_match(*matcher, std::span(&source, 1), &out);
          out.flush();
          sink.done();
          return true;
        });
    return;
  }
  const SurveySource source = body_source(body, InputFormat::json);
  const MatchRun run = run_match(*matcher, std::span(&source, 1));
  if (run.matches.size() == 1 && !run.matches.front().errors.empty()) {
    const auto& errors = run.matches.front().errors;
    const bool malformed = errors.front().message.rfind("malformed JSON", 0) == 0;
    fill_problem(res, malformed ? 400 : 422, errors.front().message, errors);
    return;
  }
  std::string out;
  for (const Match& m : run.matches) out += to_json(m, *matcher) + "\n";
  res.set_content(out, "application/json");
}

}  // namespace smedx::serve
