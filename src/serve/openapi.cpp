// The OpenAPI 3.1 description of `smedx serve`, kept beside the routes it describes;
// tests/python/test_serve.py checks it against the running server, route by route.
#include <string>

#include "serve/server.h"

namespace smedx::serve {

const std::string& openapi_json() {
  static const std::string doc = R"json({
  "openapi": "3.1.0",
  "info": {
    "title": "smedx serve",
    "summary": "中小企业数字化水平评测：评分、诊断、产品匹配、问卷与 JSON Schema",
    "description": "Scores and diagnoses enterprise surveys against the rule sets loaded at start (smedx serve --rules …), and matches them to the product catalogues loaded with --catalogue. Errors are application/problem+json with the located issues of the survey.",
    "version": "1",
    "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
  },
  "servers": [{"url": "http://127.0.0.1:8080"}],
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "only when the service was started with --token"}},
    "parameters": {
      "id": {"name": "id", "in": "path", "required": true, "description": "a rule-set id from GET /v1/rulesets", "schema": {"type": "string"}},
      "missing": {"name": "missing", "in": "query", "required": false, "description": "a missing answer is an error (default) or scored as its lowest option with a warning", "schema": {"type": "string", "enum": ["error", "zero"]}}
    },
    "schemas": {
      "Problem": {
        "type": "object",
        "required": ["type", "status", "title", "detail"],
        "properties": {
          "type": {"type": "string"},
          "status": {"type": "integer"},
          "title": {"type": "string"},
          "detail": {"type": "string"},
          "issues": {"type": "array", "items": {"$ref": "#/components/schemas/Issue"}}
        }
      },
      "Issue": {
        "type": "object",
        "required": ["severity", "message", "path", "file", "line", "column"],
        "properties": {
          "severity": {"type": "string", "enum": ["error", "warning", "note"]},
          "message": {"type": "string"},
          "path": {"type": "string"},
          "file": {"type": "string"},
          "line": {"type": "integer"},
          "column": {"type": "integer"}
        }
      },
      "Survey": {"type": "object", "description": "one survey (docs/surveys.md); its full schema per rule set is GET /v1/rulesets/{id}/schema", "required": ["enterprise", "answers", "scenarios"]},
      "ScoreRecord": {"type": "object", "description": "the JSON Lines record of smedx score (docs/surveys.md), byte for byte", "required": ["enterprise_id"]},
      "Diagnosis": {"type": "object", "description": "the enterprise file's JSON of smedx diagnose (docs/diagnosis.md)"},
      "MatchRecord": {"type": "object", "description": "the JSON Lines record of smedx match (docs/matching.md), byte for byte", "required": ["enterprise_id"]}
    },
    "responses": {
      "BadRequest": {"description": "malformed JSON or a bad query parameter", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Unauthorized": {"description": "a token is needed (--token)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "NotFound": {"description": "no rule set of that id is served", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "TooLarge": {"description": "the body is larger than --max-body", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Unsupported": {"description": "a Content-Type other than those listed", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Unprocessable": {"description": "the survey has errors; issues says which and where", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Conflict": {"description": "the catalogue is for another rule set than the one in the path", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Overloaded": {"description": "more connections wait than --max-queue, or the bodies in progress fill --max-bodies; retry after Retry-After seconds", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    }
  },
  "paths": {
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "服务存活检查",
        "responses": {"200": {"description": "the service answers", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"const": "ok"}}}}}}}
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "本接口说明（OpenAPI 3.1）",
        "responses": {"200": {"description": "this document", "content": {"application/json": {"schema": {"type": "object"}}}}}
      }
    },
    "/v1/rulesets": {
      "get": {
        "operationId": "listRuleSets",
        "summary": "已加载的指标规则集",
        "security": [{}, {"bearer": []}],
        "responses": {
          "200": {"description": "the rule sets served", "content": {"application/json": {"schema": {"type": "object", "required": ["rulesets"], "properties": {"rulesets": {"type": "array", "items": {"type": "object", "required": ["id", "version", "title", "hash"], "properties": {"id": {"type": "string"}, "version": {"type": "string"}, "title": {"type": "string"}, "hash": {"type": "string", "description": "the provenance hash of the rule set's files, as in every result (sha256:…)"}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "the SHA-256 of the rule set's manifest, as sha256sum prints it (docs/provenance.md)"}, "diagnosis": {"type": "boolean"}}}}}}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "503": {"$ref": "#/components/responses/Overloaded"}
        }
      }
    },
    "/v1/rulesets/{id}/schema": {
      "get": {
        "operationId": "surveySchema",
        "summary": "问卷的 JSON Schema（2020-12），含题目、选项与中文表述",
        "security": [{}, {"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/id"}],
        "responses": {
          "200": {"description": "the survey as a JSON Schema", "content": {"application/schema+json": {"schema": {"type": "object"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "503": {"$ref": "#/components/responses/Overloaded"}
        }
      }
    },
    "/v1/rulesets/{id}/questionnaire": {
      "get": {
        "operationId": "questionnaire",
        "summary": "问卷：维度、题目、选项、佐证材料与场景等级描述",
        "security": [{}, {"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/id"}],
        "responses": {
          "200": {"description": "the form description", "content": {"application/json": {"schema": {"type": "object", "required": ["id", "version", "sections", "scenarios"]}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "503": {"$ref": "#/components/responses/Overloaded"}
        }
      }
    },
    "/v1/rulesets/{id}/score": {
      "post": {
        "operationId": "score",
        "summary": "评分：一份问卷，或 JSON Lines 批量（逐行流式返回）",
        "security": [{}, {"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/id"}, {"$ref": "#/components/parameters/missing"}],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Survey"}},
            "application/x-ndjson": {"schema": {"type": "string", "description": "one survey object per line"}}
          }
        },
        "responses": {
          "200": {"description": "the score record (application/json), or one record per input line, error records included (application/x-ndjson)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScoreRecord"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "415": {"$ref": "#/components/responses/Unsupported"},
          "422": {"$ref": "#/components/responses/Unprocessable"},
          "503": {"$ref": "#/components/responses/Overloaded"}
        }
      }
    },
    "/v1/rulesets/{id}/diagnose": {
      "post": {
        "operationId": "diagnose",
        "summary": "诊断：达到目标等级的最省路径与个性化需求；Accept: text/html 返回一企一档页面",
        "security": [{}, {"bearer": []}],
        "parameters": [
          {"$ref": "#/components/parameters/id"},
          {"$ref": "#/components/parameters/missing"},
          {"name": "target", "in": "query", "required": false, "description": "the target level (default: the survey's industry profile's, else the rule set's)", "schema": {"type": "integer", "minimum": 1}}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Survey"}}}},
        "responses": {
          "200": {"description": "the diagnosis", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Diagnosis"}}, "text/html": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "415": {"$ref": "#/components/responses/Unsupported"},
          "422": {"$ref": "#/components/responses/Unprocessable"},
          "503": {"$ref": "#/components/responses/Overloaded"}
        }
      }
    },
    "/v1/catalogues": {
      "get": {
        "operationId": "listCatalogues",
        "summary": "已加载的“小快轻准”产品和解决方案资源池",
        "security": [{}, {"bearer": []}],
        "responses": {
          "200": {"description": "the catalogues loaded with --catalogue (none: an empty list)", "content": {"application/json": {"schema": {"type": "object", "required": ["catalogues"], "properties": {"catalogues": {"type": "array", "items": {"type": "object", "required": ["id", "title", "rule_set", "products", "matchable"], "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "rule_set": {"type": "string", "description": "the id of the rule set it is written for"}, "rule_set_version": {"type": "string"}, "products": {"type": "integer", "description": "how many products it lists"}, "categories": {"type": "array", "items": {"type": "string"}}, "matchable": {"type": "boolean", "description": "its rule set is served, so POST /v1/rulesets/{rule_set}/match can use it"}}}}}}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "503": {"$ref": "#/components/responses/Overloaded"}
        }
      }
    },
    "/v1/rulesets/{id}/match": {
      "post": {
        "operationId": "match",
        "summary": "精准匹配：达到目标等级的最省产品组合（元）；JSON Lines 批量逐行流式返回",
        "description": "The options are those of smedx match. 404 when no catalogue is loaded or none of that id; 409 when the catalogue is for another rule set.",
        "security": [{}, {"bearer": []}],
        "parameters": [
          {"$ref": "#/components/parameters/id"},
          {"$ref": "#/components/parameters/missing"},
          {"name": "catalogue", "in": "query", "required": false, "description": "a catalogue id from GET /v1/catalogues; needed only when several are loaded for the rule set", "schema": {"type": "string"}},
          {"name": "target", "in": "query", "required": false, "description": "the target level (default: the rule set's diagnosis target, else 2)", "schema": {"type": "integer", "minimum": 0, "maximum": 99}},
          {"name": "years", "in": "query", "required": false, "description": "years of annual fees counted in the cost (default 1)", "schema": {"type": "integer", "minimum": 0, "maximum": 100}},
          {"name": "budget", "in": "query", "required": false, "description": "the most a plan may cost, in 元", "schema": {"type": "integer", "minimum": 0, "maximum": 1125899906842624}},
          {"name": "alternatives", "in": "query", "required": false, "description": "the next plans after the best (default 0)", "schema": {"type": "integer", "minimum": 0, "maximum": 100}}
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Survey"}},
            "application/x-ndjson": {"schema": {"type": "string", "description": "one survey object per line"}}
          }
        },
        "responses": {
          "200": {"description": "the match record (application/json), or one record per input line, error records included (application/x-ndjson)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MatchRecord"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"description": "no rule set of that id is served, no catalogue is loaded, or none of that id", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "415": {"$ref": "#/components/responses/Unsupported"},
          "422": {"$ref": "#/components/responses/Unprocessable"},
          "503": {"$ref": "#/components/responses/Overloaded"}
        }
      }
    }
  }
}
)json";
  return doc;
}

}  // namespace smedx::serve
