// The C door (smedx/c.h): converts C arguments into calls of the library's drivers and their
// results into malloc'd text. Nothing is thrown across: every entry catches what the library
// throws and hands it back as a status and a message.
#include "smedx/c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "smedx/batch.h"
#include "smedx/catalogue.h"
#include "smedx/data_path.h"
#include "smedx/diagnose_run.h"
#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/match.h"

struct smedx_rules {
  smedx::LoadResult loaded;
  std::unique_ptr<const smedx::Engine> engine;
};

struct smedx_catalogue {
  const smedx_rules* rules;  // the caller keeps it alive (c.h)
  smedx::Catalogue catalogue;
};

namespace {

// A copy the caller frees with smedx_string_free (std::free); nothing when out is NULL.
void hand_out(char** out, std::string_view text) {
  if (!out) return;
  char* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  *out = p;
}

smedx_status fail(char** error, smedx_status status, std::string_view message) noexcept {
  try {
    hand_out(error, message);
  } catch (...) {
    if (error) *error = nullptr;  // no memory even for the message: the status says it
  }
  return status;
}

// Runs `body` with every exception turned into a status: the boundary C callers need.
template <typename Body>
smedx_status guarded(char** error, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(error, SMEDX_NO_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(error, SMEDX_INTERNAL, e.what());
  } catch (...) {
    return fail(error, SMEDX_INTERNAL, "an unknown exception: this is a bug in smedx");
  }
}

void clear(char** p) noexcept {
  if (p) *p = nullptr;
}

smedx::BatchOptions batch_options(unsigned flags, unsigned threads) {
  smedx::BatchOptions o;
  o.threads = threads;
  o.missing =
      (flags & SMEDX_MISSING_ZERO) ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error;
  return o;
}

// Scores a text as `smedx score` scores a file of that format, writing JSON Lines.
smedx::BatchSummary score_text(const smedx::Engine& engine, std::string_view text,
                               smedx::InputFormat format, const smedx::BatchOptions& options,
                               std::string& out) {
  std::istringstream in{std::string(text)};
  std::ostringstream records;
  const auto summary =
      smedx::score_stream(engine, in, format == smedx::InputFormat::json ? "<survey>" : "<surveys>",
                          format, smedx::OutputFormat{}, records, options);
  out = std::move(records).str();
  return summary;
}

// JSON text of a string, as smedx_rules_info writes it.
std::string json_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[(c >> 4) & 15];
      out += hex[c & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The options of a match, checked with the ranges of `smedx match`'s flags; the problem when
// one is out of range.
std::optional<std::string> match_options(int target, int years, long long budget, int alternatives,
                                         unsigned flags, unsigned threads, smedx::MatchOptions& o) {
  if (target < 0) return "target: 0 (the rule set's) or a level";
  if (years < 0 || years > 100) return "years: 0 to 100";
  if (budget > (1LL << 50)) return "budget: at most 2^50 元, or negative for none";
  if (alternatives < 0 || alternatives > 100) return "alternatives: 0 to 100";
  if (threads > 1024) return "threads: 1 to 1024, or 0 for every core";
  if (target > 0) o.target = target;
  o.years = years;
  if (budget >= 0) o.budget = budget;
  o.alternatives = alternatives;
  o.batch = batch_options(flags, threads);
  return std::nullopt;
}

// Matches a text as `smedx match` matches a file of that format: its JSON lines, and the
// matrix. Throws std::invalid_argument for options the matcher refuses (a target it lacks).
smedx::MatchRun match_text(const smedx_catalogue& c, std::string_view text,
                           smedx::InputFormat format, const smedx::MatchOptions& options,
                           std::string& out, std::string* matrix) {
  const smedx::Matcher matcher(*c.rules->engine, c.catalogue, options);
  const smedx::SurveySource source = smedx::SurveySource::text(
      std::string(text), format == smedx::InputFormat::json ? "<survey>" : "<surveys>", format);
  std::ostringstream records;
  smedx::MatchRun run = smedx::run_match(matcher, std::span(&source, 1), &records);
  out = std::move(records).str();
  if (matrix) *matrix = smedx::to_json(run.matrix, matcher);
  return run;
}

}  // namespace

extern "C" {

const char* smedx_version(void) {
  static const std::string v(smedx::version());
  return v.c_str();
}

smedx_status smedx_rules_load(const char* name_or_path, smedx_rules** rules, char** error) {
  clear(error);
  if (rules) *rules = nullptr;
  if (!name_or_path || !rules)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_rules_load: name_or_path and rules are needed");
  return guarded(error, [&] {
    const smedx::DataLookup found = smedx::find_data(name_or_path, smedx::DataKind::rule_set);
    if (!found.found())
      return fail(error, SMEDX_NOT_FOUND, std::string(name_or_path) + ": " + found.problem);
    auto r = std::make_unique<smedx_rules>(smedx_rules{smedx::load_rules(*found.path), nullptr});
    if (!r->loaded.ok())
      return fail(error, SMEDX_RULES_ERROR, smedx::format_issues(r->loaded.issues()));
    r->engine = std::make_unique<const smedx::Engine>(r->loaded.rules());
    *rules = r.release();
    return SMEDX_OK;
  });
}

void smedx_rules_free(smedx_rules* rules) { delete rules; }

smedx_status smedx_rules_info(const smedx_rules* rules, char** json, char** error) {
  clear(json);
  clear(error);
  if (!rules || !json)
    return fail(error, SMEDX_INVALID_ARGUMENT, "smedx_rules_info: rules and json are needed");
  return guarded(error, [&] {
    const auto& meta = rules->engine->rules().meta;
    hand_out(json, "{\"id\":" + json_quoted(meta.id) + ",\"version\":" + json_quoted(meta.version) +
                       ",\"title\":" + json_quoted(meta.title) +
                       ",\"hash\":" + json_quoted(rules->engine->rules().content_hash) + "}");
    return SMEDX_OK;
  });
}

smedx_status smedx_score_json(const smedx_rules* rules, const char* json, size_t len,
                              unsigned flags, char** record, char** error) {
  clear(record);
  clear(error);
  if (!rules || (!json && len) || !record)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_score_json: rules, json and record are needed");
  return guarded(error, [&] {
    std::string out;
    const auto summary = score_text(*rules->engine, std::string_view(json ? json : "", len),
                                    smedx::InputFormat::json, batch_options(flags, 1), out);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    hand_out(record, out);
    if (summary.errors)
      return fail(error, SMEDX_SURVEY_ERROR, "the survey has errors (in the record)");
    return SMEDX_OK;
  });
}

smedx_status smedx_score_jsonl(const smedx_rules* rules, const char* jsonl, size_t len,
                               unsigned flags, unsigned threads, char** records, char** error) {
  clear(records);
  clear(error);
  if (!rules || (!jsonl && len) || !records)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_score_jsonl: rules, jsonl and records are needed");
  if (threads > 1024)
    return fail(error, SMEDX_INVALID_ARGUMENT, "threads: 1 to 1024, or 0 for every core");
  return guarded(error, [&] {
    std::string out;
    const auto summary = score_text(*rules->engine, std::string_view(jsonl ? jsonl : "", len),
                                    smedx::InputFormat::jsonl, batch_options(flags, threads), out);
    hand_out(records, out);
    if (summary.errors)
      return fail(error, SMEDX_SURVEY_ERROR,
                  std::to_string(summary.errors) + " of " + std::to_string(summary.records) +
                      " records have errors (in their records)");
    return SMEDX_OK;
  });
}

smedx_status smedx_diagnose_json(const smedx_rules* rules, const char* json, size_t len, int target,
                                 unsigned flags, char** diagnosis, char** html, char** error) {
  clear(diagnosis);
  clear(html);
  clear(error);
  if (!rules || (!json && len) || !diagnosis)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_diagnose_json: rules, json and diagnosis are needed");
  return guarded(error, [&] {
    const smedx::SurveyDiagnosis d = smedx::diagnose_survey(
        *rules->engine, std::string(json ? json : "", len), smedx::InputFormat::json,
        target > 0 ? std::optional<int>(target) : std::nullopt, html != nullptr,
        (flags & SMEDX_MISSING_ZERO) ? smedx::MissingPolicy::zero : smedx::MissingPolicy::error);
    if (!d.ok()) return fail(error, SMEDX_INVALID_ARGUMENT, d.problem);
    hand_out(diagnosis, d.json);
    if (html) hand_out(html, d.html);
    if (d.survey_errors)
      return fail(error, SMEDX_SURVEY_ERROR, "the survey has errors (in the diagnosis)");
    return SMEDX_OK;
  });
}

smedx_status smedx_catalogue_load(const smedx_rules* rules, const char* name_or_path,
                                  smedx_catalogue** catalogue, char** error) {
  clear(error);
  if (catalogue) *catalogue = nullptr;
  if (!rules || !name_or_path || !catalogue)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_catalogue_load: rules, name_or_path and catalogue are needed");
  return guarded(error, [&] {
    const smedx::DataLookup found = smedx::find_data(name_or_path, smedx::DataKind::catalogue);
    if (!found.found())
      return fail(error, SMEDX_NOT_FOUND, std::string(name_or_path) + ": " + found.problem);
    smedx::CatalogueLoad cat = smedx::load_catalogue(*found.path, rules->engine->rules());
    if (!cat.ok()) return fail(error, SMEDX_CATALOGUE_ERROR, smedx::format_issues(cat.issues));
    *catalogue = new smedx_catalogue{rules, std::move(*cat.catalogue)};
    return SMEDX_OK;
  });
}

void smedx_catalogue_free(smedx_catalogue* catalogue) { delete catalogue; }

smedx_status smedx_catalogue_info(const smedx_catalogue* catalogue, char** json, char** error) {
  clear(json);
  clear(error);
  if (!catalogue || !json)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_catalogue_info: catalogue and json are needed");
  return guarded(error, [&] {
    const smedx::Catalogue& c = catalogue->catalogue;
    hand_out(json, "{\"id\":" + json_quoted(c.id) + ",\"title\":" + json_quoted(c.title) +
                       ",\"rule_set\":" + json_quoted(c.rule_set_id) +
                       ",\"products\":" + std::to_string(c.products.size()) + "}");
    return SMEDX_OK;
  });
}

smedx_status smedx_match_json(const smedx_catalogue* catalogue, const char* json, size_t len,
                              int target, int years, long long budget, int alternatives,
                              unsigned flags, char** record, char** error) {
  clear(record);
  clear(error);
  if (!catalogue || (!json && len) || !record)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_match_json: catalogue, json and record are needed");
  smedx::MatchOptions options;
  if (auto problem = match_options(target, years, budget, alternatives, flags, 1, options))
    return fail(error, SMEDX_INVALID_ARGUMENT, *problem);
  return guarded(error, [&] {
    std::string out;
    smedx::MatchRun run;
    try {
      run = match_text(*catalogue, std::string_view(json ? json : "", len),
                       smedx::InputFormat::json, options, out, nullptr);
    } catch (const std::invalid_argument& e) {
      return fail(error, SMEDX_INVALID_ARGUMENT, e.what());
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    hand_out(record, out);
    if (run.matrix.errors)
      return fail(error, SMEDX_SURVEY_ERROR, "the survey has errors (in the record)");
    return SMEDX_OK;
  });
}

smedx_status smedx_match_jsonl(const smedx_catalogue* catalogue, const char* jsonl, size_t len,
                               int target, int years, long long budget, int alternatives,
                               unsigned flags, unsigned threads, char** records, char** matrix,
                               char** error) {
  clear(records);
  clear(matrix);
  clear(error);
  if (!catalogue || (!jsonl && len) || !records)
    return fail(error, SMEDX_INVALID_ARGUMENT,
                "smedx_match_jsonl: catalogue, jsonl and records are needed");
  smedx::MatchOptions options;
  if (auto problem = match_options(target, years, budget, alternatives, flags, threads, options))
    return fail(error, SMEDX_INVALID_ARGUMENT, *problem);
  return guarded(error, [&] {
    std::string out, cohort;
    smedx::MatchRun run;
    try {
      run = match_text(*catalogue, std::string_view(jsonl ? jsonl : "", len),
                       smedx::InputFormat::jsonl, options, out, matrix ? &cohort : nullptr);
    } catch (const std::invalid_argument& e) {
      return fail(error, SMEDX_INVALID_ARGUMENT, e.what());
    }
    hand_out(records, out);
    if (matrix) hand_out(matrix, cohort);
    if (run.matrix.errors)
      return fail(error, SMEDX_SURVEY_ERROR,
                  std::to_string(run.matrix.errors) + " of " + std::to_string(run.records) +
                      " records have errors (in their records)");
    return SMEDX_OK;
  });
}

void smedx_string_free(char* text) { std::free(text); }

}  // extern "C"
