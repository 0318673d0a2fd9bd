/* The C API of smedx, for other languages (cgo, JNA/Panama, P/Invoke, ctypes): opaque handles,
 * JSON text in and out, errors as status values with messages, nothing thrown across it, and a
 * free function for everything it hands out. Link libsmedx_c (CMake: smedx::smedx_c). Results
 * are the bytes the `smedx` command writes (docs/c-api.md). Thread-safe: one rule set may be
 * used from many threads at once. */
#ifndef SMEDX_C_H
#define SMEDX_C_H

#include <stddef.h>

#if defined(_WIN32)
#define SMEDX_C_API __declspec(dllexport)
#else
#define SMEDX_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* What a call returns. A message (char** error, when not NULL) says more for every status but
 * SMEDX_OK; free it with smedx_string_free. */
typedef enum smedx_status {
  SMEDX_OK = 0,
  SMEDX_INVALID_ARGUMENT = 1, /* a NULL where a value is needed, a target the rule set lacks */
  SMEDX_NOT_FOUND = 2,    /* no rule set of that name or path (the message says what was tried) */
  SMEDX_RULES_ERROR = 3,  /* the rule set has errors (the message: its diagnostics) */
  SMEDX_SURVEY_ERROR = 4, /* the result is made, but a survey has errors (inside it) */
  SMEDX_UNSUPPORTED = 5,  /* not built into this library */
  SMEDX_NO_MEMORY = 6,
  SMEDX_INTERNAL = 7,       /* a bug in smedx: the message says what */
  SMEDX_CATALOGUE_ERROR = 8 /* the catalogue has errors, or is for another rule set (the
                               message: its diagnostics) */
} smedx_status;

/* A loaded, checked and compiled rule set. */
typedef struct smedx_rules smedx_rules;

/* A product catalogue (小快轻准资源池) read against one rule set. */
typedef struct smedx_catalogue smedx_catalogue;

/* Flags of the scoring calls. */
#define SMEDX_MISSING_ZERO 1u /* an unanswered item scores 0 (`--missing zero`), else an error */

/* The library's version ("0.1.0"); static, not to be freed. */
SMEDX_C_API const char* smedx_version(void);

/* Loads a rule set by installed name ("miit-2024": SMEDX_PATH, then the install data folder)
 * or by path (a folder or a YAML file). On SMEDX_OK *rules is the handle (free it with
 * smedx_rules_free), else NULL. */
SMEDX_C_API smedx_status smedx_rules_load(const char* name_or_path, smedx_rules** rules,
                                          char** error);
SMEDX_C_API void smedx_rules_free(smedx_rules* rules);

/* {"id", "version", "title", "hash"} of the rule set, as JSON. */
SMEDX_C_API smedx_status smedx_rules_info(const smedx_rules* rules, char** json, char** error);

/* One survey (a JSON object, `len` bytes) scored: *record is the JSON record `smedx score`
 * writes for it, without the final newline. A survey with errors gives its error record and
 * SMEDX_SURVEY_ERROR. */
SMEDX_C_API smedx_status smedx_score_json(const smedx_rules* rules, const char* json, size_t len,
                                          unsigned flags, char** record, char** error);

/* JSON Lines text scored on `threads` threads (0: every core): *records is what `smedx score`
 * writes for it, one record and a newline per input record, in input order. SMEDX_SURVEY_ERROR
 * when any record has errors (they are error records in place). */
SMEDX_C_API smedx_status smedx_score_jsonl(const smedx_rules* rules, const char* jsonl, size_t len,
                                           unsigned flags, unsigned threads, char** records,
                                           char** error);

/* One survey (a JSON object) diagnosed alone toward `target` (0: the survey's, its industry
 * profile's, else the rule set's): *json is the diagnosis `smedx diagnose` writes as
 * <id>.json for a file holding only this survey (without the final newline); *html, when html
 * is not NULL, its printable 一企一档 page <id>.html. SMEDX_SURVEY_ERROR when the survey could
 * not be scored (the diagnosis holds its errors). */
SMEDX_C_API smedx_status smedx_diagnose_json(const smedx_rules* rules, const char* json, size_t len,
                                             int target, unsigned flags, char** diagnosis,
                                             char** html, char** error);

/* Loads a catalogue by installed name ("dongying-2026": SMEDX_PATH, then the install data
 * folder) or by path (catalogues/<id>/ or its catalogue.yaml), checked against `rules` as
 * `smedx match --rules … --catalogue …` checks it: SMEDX_NOT_FOUND, or SMEDX_CATALOGUE_ERROR
 * with its located diagnostics (a catalogue for another rule set among them). On SMEDX_OK
 * *catalogue is the handle (free it with smedx_catalogue_free), else NULL. It refers to
 * `rules`, which must outlive it. */
SMEDX_C_API smedx_status smedx_catalogue_load(const smedx_rules* rules, const char* name_or_path,
                                              smedx_catalogue** catalogue, char** error);
SMEDX_C_API void smedx_catalogue_free(smedx_catalogue* catalogue);

/* {"id", "title", "rule_set", "products"} of the catalogue (products: how many), as JSON. */
SMEDX_C_API smedx_status smedx_catalogue_info(const smedx_catalogue* catalogue, char** json,
                                              char** error);

/* Options of a match, as `smedx match` takes them: target 0 is the rule set's diagnosis target
 * (else 2); years 0 to 100 of annual fees counted in the cost (`--years`, 1 by default there);
 * budget in 元, a negative one for none; alternatives 0 to 100 (the next plans after the best).
 * A target the rule set lacks or a value out of range: SMEDX_INVALID_ARGUMENT. */

/* One survey (a JSON object, `len` bytes) matched to the catalogue: *record is the JSON line
 * `smedx match` writes for a file holding only this survey, without the final newline. A
 * survey that cannot be scored gives its error record and SMEDX_SURVEY_ERROR. */
SMEDX_C_API smedx_status smedx_match_json(const smedx_catalogue* catalogue, const char* json,
                                          size_t len, int target, int years, long long budget,
                                          int alternatives, unsigned flags, char** record,
                                          char** error);

/* JSON Lines text matched on `threads` threads (0: every core): *records is what `smedx match`
 * writes for it, one record and a newline per input record, in input order; *matrix, when
 * matrix is not NULL, the 产品矩阵 (`--matrix`, without the final newline). SMEDX_SURVEY_ERROR
 * when any record has errors (they are error records in place). */
SMEDX_C_API smedx_status smedx_match_jsonl(const smedx_catalogue* catalogue, const char* jsonl,
                                           size_t len, int target, int years, long long budget,
                                           int alternatives, unsigned flags, unsigned threads,
                                           char** records, char** matrix, char** error);

/* Frees a string this API handed out; NULL is fine. */
SMEDX_C_API void smedx_string_free(char* text);

#ifdef __cplusplus
}
#endif

#endif /* SMEDX_C_H */
