// The questionnaire of a rule set for another program: a JSON Schema (2020-12) that a survey
// object must satisfy, and a form description a platform renders. Both come from the rule-set
// model, so a platform's form and validation follow the YAML, never a copy of it.
#pragma once

#include <string>

#include "smedx/rules.h"

namespace smedx {

// The survey format (docs/surveys.md) for `rules` as a JSON Schema, draft 2020-12, on one line:
// every item by id or code (not both), its options as consts with their Chinese wording
// (title) and points, bands as percentages, trends as two figures, every scenario's level.
// A survey the schema accepts may still be refused by the scorer for what a schema cannot say
// (a percentage with more digits than a JSON number holds exactly, a `before` of 0.5 written as
// a share); one it rejects is always refused, unless answers may be missing (--missing=zero).
std::string survey_json_schema(const RuleSet& rules);

// The form: the rule set's metadata, then sections (dimensions, sub-indicators, items with the
// published question, options, help and evidence) and the scenarios with each level's text and
// evidence, on one line of JSON.
std::string questionnaire_json(const RuleSet& rules);

}  // namespace smedx
