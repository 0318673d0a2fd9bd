// Score one survey from a platform: load the rules, check them, compile, parse, score, explain.
#include <smedx/smedx.h>

#include <iostream>

int main(int argc, char** argv) {
  const auto loaded = smedx::load_rules(argc > 1 ? argv[1] : "indicators/miit-2024");
  if (!loaded.ok()) return std::cerr << smedx::format_issues(loaded.issues()), 2;
  const smedx::Engine engine(loaded.rules());  // compile once, score many, from any thread

  const auto parsed = smedx::parse_survey_json(R"({
    "enterprise": {"id": "E0001", "name": "示例精密机械有限公司", "industry": "equipment_parts"},
    "answers": {"F1": ["B", "C"], "F2": 45, "F3": 37.5, "F4": ["G", "H", "I"], "F5": "C",
                "F6": ["B", "C"], "F7": ["B"], "M1": "D", "M2": ["B", "C"], "M3": ["B", "D"],
                "M4": "B", "R1": {"before": 1.32, "after": 1.18}, "R2": "C", "R3": "B", "R4": "B"},
    "scenarios": {"S01": 2, "S02": 2, "S03": 1, "S04": 1, "S05": 2, "S06": 2, "S07": 2, "S08": 2,
                  "S09": 1, "S10": 1, "S11": 2, "S12": 1, "S13": 2, "S14": 1, "S15": 1, "S16": 0}
  })");
  if (!parsed.survey) return std::cerr << smedx::format_issues(parsed.issues), 1;

  const smedx::Assessment a = engine.score(*parsed.survey);
  if (!a.ok()) return std::cerr << smedx::format_issues(a.errors), 1;
  std::cout << a.enterprise_id << ": level " << a.level << " (" << a.level_name << "), "
            << a.total.to_string() << " points\n";
  for (const smedx::LevelCheck& check : a.explanation)
    for (const smedx::LevelCondition& c : check.conditions)
      std::cout << "  level " << check.level << " needs " << c.what
                << " >= " << c.required.to_string() << ", has " << c.has.to_string() << '\n';
  std::cout << smedx::to_json(a) << '\n';
}
