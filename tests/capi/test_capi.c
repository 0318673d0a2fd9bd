/* The C API called from C: every call, its errors as values, and results equal to what the
 * `smedx` command writes, byte for byte, on the example cohort. Exits 0 when all hold. */
#include <smedx/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                    \
    }                                                                \
  } while (0)

/* A whole file, or a command's stdout, in a malloc'd buffer (NUL-terminated); *len its size. */
static char* slurp(FILE* f, size_t* len) {
  size_t cap = 1 << 16, n = 0;
  char* buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char* bigger = realloc(buf, cap *= 2);
      if (!bigger) {
        free(buf);
        return NULL;
      }
      buf = bigger;
    }
  }
  if (buf) buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  char* text = slurp(f, len);
  fclose(f);
  return text;
}

static char* run(const char* command) {
  FILE* p = popen(command, "r");
  if (!p) return NULL;
  char* text = slurp(p, NULL);
  pclose(p);
  return text;
}

int main(void) {
  char* error = NULL;
  smedx_rules* rules = NULL;
  CHECK(strlen(smedx_version()) > 0);

  /* Errors as values: a name found nowhere, a broken rule set, NULL arguments. */
  CHECK(smedx_rules_load("miit-2099", &rules, &error) == SMEDX_NOT_FOUND);
  CHECK(rules == NULL && error && strstr(error, "miit-2099: no such file or folder"));
  smedx_string_free(error);
  CHECK(smedx_rules_load(SMEDX_SOURCE_DIR "/tests/data/broken.yaml", &rules, &error) ==
        SMEDX_RULES_ERROR);
  CHECK(error && strstr(error, "unknown key 'pionts'"));
  smedx_string_free(error);
  CHECK(smedx_rules_load(NULL, &rules, NULL) == SMEDX_INVALID_ARGUMENT);

  CHECK(smedx_rules_load(SMEDX_SOURCE_DIR "/indicators/miit-2024", &rules, &error) == SMEDX_OK);
  CHECK(rules != NULL && error == NULL);
  if (!rules) return 1;
  char* info = NULL;
  CHECK(smedx_rules_info(rules, &info, NULL) == SMEDX_OK);
  CHECK(info && strncmp(info, "{\"id\":\"miit-2024\",\"version\":\"2024.1\",", 37) == 0);
  CHECK(info && strstr(info, "\"hash\":\"sha256:"));
  smedx_string_free(info);

  /* JSON Lines: what `smedx score` writes for the cohort file. */
  size_t len = 0;
  char* cohort = read_file(SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl", &len);
  CHECK(cohort != NULL);
  char* cli = run("'" SMEDX_CLI "' score --rules '" SMEDX_SOURCE_DIR
                  "/indicators/miit-2024' '" SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl'");
  CHECK(cli && strlen(cli) > 1000);
  char* records = NULL;
  CHECK(smedx_score_jsonl(rules, cohort, len, 0, 2, &records, &error) == SMEDX_OK);
  CHECK(records && cli && strcmp(records, cli) == 0);

  /* One survey at a time: each line of the cohort gives that line of the command's output. */
  const char* line = cohort;
  const char* expected = cli;
  int lines = 0;
  while (line && *line && expected && *expected) {
    const char* end = strchr(line, '\n');
    const char* end_expected = strchr(expected, '\n');
    if (!end || !end_expected) break;
    char* record = NULL;
    CHECK(smedx_score_json(rules, line, (size_t)(end - line), 0, &record, NULL) == SMEDX_OK);
    CHECK(record && strlen(record) == (size_t)(end_expected - expected) &&
          memcmp(record, expected, strlen(record)) == 0);
    smedx_string_free(record);
    line = end + 1;
    expected = end_expected + 1;
    ++lines;
  }
  CHECK(lines == 12);

  /* A bad survey: its error record and SMEDX_SURVEY_ERROR; malformed JSON never crashes. */
  char* record = NULL;
  CHECK(smedx_score_json(rules, "{\"enterprise\":", 14, 0, &record, &error) == SMEDX_SURVEY_ERROR);
  CHECK(record && strstr(record, "\"error\""));
  smedx_string_free(record);
  smedx_string_free(error);
  error = NULL;
  CHECK(smedx_score_jsonl(rules, "{}\nnot json\n", 12, 0, 1, &records, &error) ==
        SMEDX_SURVEY_ERROR);
  CHECK(error && strstr(error, "2 of 2 records have errors"));
  smedx_string_free(records);
  smedx_string_free(error);
  error = NULL;

  /* Diagnosis: what `smedx diagnose` writes for a file holding only this survey. */
  char* survey = read_file(SMEDX_SOURCE_DIR "/examples/surveys/chem-02-lanfeng.json", &len);
  CHECK(survey != NULL);
  char* diagnosis = NULL;
  char* html = NULL;
  CHECK(smedx_diagnose_json(rules, survey, len, 0, 0, &diagnosis, &html, &error) == SMEDX_OK);
  char* folder_run = run("rm -rf capi-diagnose && '" SMEDX_CLI "' diagnose --rules '" SMEDX_SOURCE_DIR
                         "/indicators/miit-2024' '" SMEDX_SOURCE_DIR
                         "/examples/surveys/chem-02-lanfeng.json' -o capi-diagnose");
  free(folder_run);
  size_t json_len = 0;
  char* json_file = read_file("capi-diagnose/CN-2025-002.json", &json_len);
  char* html_file = read_file("capi-diagnose/CN-2025-002.html", NULL);
  CHECK(json_file && diagnosis && json_len == strlen(diagnosis) + 1 &&
        memcmp(json_file, diagnosis, strlen(diagnosis)) == 0 && json_file[json_len - 1] == '\n');
  CHECK(html_file && html && strcmp(html_file, html) == 0);
  smedx_string_free(diagnosis);
  smedx_string_free(html);
  CHECK(smedx_diagnose_json(rules, survey, len, 9, 0, &diagnosis, NULL, &error) ==
        SMEDX_INVALID_ARGUMENT);
  CHECK(diagnosis == NULL && error && strstr(error, "target level 9 does not exist"));
  smedx_string_free(error);
  error = NULL;

  /* The match slot answers, and says it is not built yet. */
  char* matched = NULL;
  CHECK(smedx_match_json(rules, "catalogue", survey, len, &matched, &error) == SMEDX_UNSUPPORTED);
  CHECK(matched == NULL && error != NULL);
  smedx_string_free(error);

  free(json_file);
  free(html_file);
  free(survey);
  free(cohort);
  free(cli);
  smedx_rules_free(rules);
  smedx_string_free(NULL);
  smedx_rules_free(NULL);
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
