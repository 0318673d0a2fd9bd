// The one door to smedx: everything public, in pipeline order. A consumer includes this and
// links smedx::smedx; the per-concept headers below may be included alone as well.
#pragma once

// common: exact numbers, diagnostics and errors, text for terminals and line files, outputs
#include "smedx/data_path.h"
#include "smedx/decimal.h"
#include "smedx/diagnostics.h"
#include "smedx/errors.h"
#include "smedx/output_files.h"
#include "smedx/text.h"
// rules: the model, loading and checking a rule set, its summary
#include "smedx/load.h"
#include "smedx/rules.h"
#include "smedx/summary.h"
// survey: surveys as given, read from text, CSV or tables, coded against a rule set
#include "smedx/coded_survey.h"
#include "smedx/columns.h"
#include "smedx/input.h"
#include "smedx/survey.h"
#include "smedx/survey_csv.h"
#include "smedx/survey_schema.h"
#include "smedx/survey_text.h"
// score: the engine, block and columnar scoring, the conformance runner
#include "smedx/block.h"
#include "smedx/columnar.h"
#include "smedx/conformance.h"
#include "smedx/engine.h"
// batch: streams of records in, records out
#include "smedx/batch.h"
#include "smedx/record.h"
// diagnose: the path to the target level, 个性 and 共性, the enterprise and cohort files, the
// cohort driver
#include "smedx/cohort.h"
#include "smedx/diagnose_cohort.h"
#include "smedx/diagnose_run.h"
#include "smedx/diagnosis.h"
#include "smedx/report.h"

#include "smedx/catalogue.h"
// pilot: a city programme's acceptance, progress and ratings, and the job's driver
#include "smedx/case_booklet.h"
#include "smedx/composition.h"
#include "smedx/pilot.h"
#include "smedx/pilot_needs.h"
#include "smedx/pilot_run.h"
#include "smedx/programme.h"
#include "smedx/projects.h"
#include "smedx/self_evaluation.h"
#include "smedx/subsidy.h"
#include "smedx/subsidy_rule.h"
// match: the cheapest catalogue products to a target level, the 产品矩阵
#include "smedx/match.h"
#include "smedx/pilot_products.h"
