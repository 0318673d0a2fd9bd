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
  smedx_string_free(records);
  records = NULL;

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

  /* Matching: a catalogue loaded by path, errors as values, and what `smedx match` writes. */
  smedx_catalogue* catalogue = NULL;
  CHECK(smedx_catalogue_load(rules, "nowhere-2099", &catalogue, &error) == SMEDX_NOT_FOUND);
  CHECK(catalogue == NULL && error && strstr(error, "nowhere-2099: no such file or folder"));
  smedx_string_free(error);
  CHECK(smedx_catalogue_load(NULL, "dongying-2026", &catalogue, NULL) == SMEDX_INVALID_ARGUMENT);
  smedx_rules* mini = NULL;
  CHECK(smedx_rules_load(SMEDX_SOURCE_DIR "/tests/data/minimal.yaml", &mini, NULL) == SMEDX_OK);
  CHECK(smedx_catalogue_load(mini, SMEDX_SOURCE_DIR "/catalogues/dongying-2026", &catalogue,
                             &error) == SMEDX_CATALOGUE_ERROR);
  CHECK(catalogue == NULL && error && strstr(error, "catalogue.yaml:") && strstr(error, "mini"));
  smedx_string_free(error);
  error = NULL;
  smedx_rules_free(mini);
  CHECK(smedx_catalogue_load(rules, SMEDX_SOURCE_DIR "/catalogues/dongying-2026", &catalogue,
                             &error) == SMEDX_OK);
  CHECK(catalogue != NULL && error == NULL);
  CHECK(smedx_catalogue_info(catalogue, &info, NULL) == SMEDX_OK);
  CHECK(info && strncmp(info, "{\"id\":\"dongying-2026\",", 22) == 0 &&
        strstr(info, "\"rule_set\":\"miit-2024\""));
  smedx_string_free(info);

  size_t cohort_len = strlen(cohort);
  char* cli_plans = run("'" SMEDX_CLI "' match --rules '" SMEDX_SOURCE_DIR
                        "/indicators/miit-2024' --catalogue '" SMEDX_SOURCE_DIR
                        "/catalogues/dongying-2026' '" SMEDX_SOURCE_DIR
                        "/examples/surveys/cohort.jsonl' --matrix capi-matrix.json 2>/dev/null");
  char* cli_matrix = read_file("capi-matrix.json", NULL);
  char* plans = NULL;
  char* matrix = NULL;
  CHECK(smedx_match_jsonl(catalogue, cohort, cohort_len, 0, 1, -1, 0, 0, 2, &plans, &matrix,
                          &error) == SMEDX_OK);
  CHECK(cli_plans && strlen(cli_plans) > 1000 && plans && strcmp(plans, cli_plans) == 0);
  CHECK(cli_matrix && matrix && strlen(cli_matrix) == strlen(matrix) + 1 &&
        memcmp(cli_matrix, matrix, strlen(matrix)) == 0);
  smedx_string_free(plans);
  smedx_string_free(matrix);
  /* One survey at a time: each line of the cohort gives that line of the command's output. */
  line = cohort;
  expected = cli_plans;
  lines = 0;
  while (line && *line && expected && *expected) {
    const char* end = strchr(line, '\n');
    const char* end_expected = strchr(expected, '\n');
    if (!end || !end_expected) break;
    char* plan = NULL;
    CHECK(smedx_match_json(catalogue, line, (size_t)(end - line), 0, 1, -1, 0, 0, &plan, NULL) ==
          SMEDX_OK);
    CHECK(plan && strlen(plan) == (size_t)(end_expected - expected) &&
          memcmp(plan, expected, strlen(plan)) == 0);
    smedx_string_free(plan);
    line = end + 1;
    expected = end_expected + 1;
    ++lines;
  }
  CHECK(lines == 12);
  /* The options of `smedx match`: the same plans with the same flags. */
  char* cli_options = run("'" SMEDX_CLI "' match --rules '" SMEDX_SOURCE_DIR
                          "/indicators/miit-2024' --catalogue '" SMEDX_SOURCE_DIR
                          "/catalogues/dongying-2026' '" SMEDX_SOURCE_DIR
                          "/examples/surveys/cohort.jsonl' --target 3 --years 3 --budget 600000 "
                          "--alternatives 2 2>/dev/null");
  CHECK(smedx_match_jsonl(catalogue, cohort, cohort_len, 3, 3, 600000, 2, 0, 0, &plans, NULL,
                          NULL) == SMEDX_OK);
  CHECK(cli_options && plans && strcmp(plans, cli_options) == 0);
  CHECK(cli_options && cli_plans && strcmp(cli_options, cli_plans) != 0);
  smedx_string_free(plans);
  plans = NULL;
  /* Bad options and bad surveys: errors as values, error records in place. */
  CHECK(smedx_match_json(catalogue, survey, len, 9, 1, -1, 0, 0, &plans, &error) ==
        SMEDX_INVALID_ARGUMENT);
  CHECK(plans == NULL && error && strstr(error, "9"));
  smedx_string_free(error);
  CHECK(smedx_match_json(catalogue, survey, len, 0, 101, -1, 0, 0, &plans, &error) ==
        SMEDX_INVALID_ARGUMENT);
  CHECK(plans == NULL && error && strstr(error, "years"));
  smedx_string_free(error);
  CHECK(smedx_match_json(catalogue, "{\"enterprise\":", 14, 0, 1, -1, 0, 0, &plans, &error) ==
        SMEDX_SURVEY_ERROR);
  CHECK(plans && strstr(plans, "\"error\""));
  smedx_string_free(plans);
  smedx_string_free(error);
  CHECK(smedx_match_jsonl(catalogue, "{}\nnot json\n", 12, 0, 1, -1, 0, 0, 1, &plans, NULL,
                          &error) == SMEDX_SURVEY_ERROR);
  CHECK(error && strstr(error, "2 of 2 records have errors"));
  smedx_string_free(plans);
  smedx_string_free(error);
  error = NULL;
  CHECK(smedx_match_json(NULL, survey, len, 0, 1, -1, 0, 0, &plans, NULL) ==
        SMEDX_INVALID_ARGUMENT);
  free(cli_plans);
  free(cli_matrix);
  free(cli_options);
  smedx_catalogue_free(catalogue);
  smedx_catalogue_free(NULL);

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
