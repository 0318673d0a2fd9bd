"""A platform's client of `smedx serve` in 30 lines: list the rule sets, fetch the form, score and
diagnose one survey. Usage: python3 client.py SURVEY.json [http://127.0.0.1:8080]"""

import json
import sys
import urllib.error
import urllib.request

BASE = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8080"


def call(path, survey=None, accept="application/json"):
    data = json.dumps(survey, ensure_ascii=False).encode() if survey is not None else None
    req = urllib.request.Request(BASE + path, data=data, headers={"Accept": accept})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as res:
            body = res.read().decode()
            return json.loads(body) if accept == "application/json" else body
    except urllib.error.HTTPError as e:  # problem+json: status, title, detail, located issues
        problem = json.load(e)
        sys.exit(f"{problem['status']} {problem['title']}: {problem['detail']}")


ruleset = call("/v1/rulesets")["rulesets"][0]["id"]
form = call(f"/v1/rulesets/{ruleset}/questionnaire")
print(
    ruleset,
    form["title"],
    sum(len(s["items"]) for d in form["sections"] for s in d["sub_indicators"]),
    "items",
)
survey = json.load(open(sys.argv[1], encoding="utf-8"))
record = call(f"/v1/rulesets/{ruleset}/score", survey)
print(record["enterprise_id"], record["level_name"], record["total"])
diagnosis = call(f"/v1/rulesets/{ruleset}/diagnose", survey)
print("target", diagnosis["target"], [r["zh"] for r in diagnosis["requirements"]])
