#include "synthetic.h"

#include <fmt/format.h>

namespace smedx::bench {

SurveyGenerator::Answer SurveyGenerator::answer(const Item& item) {
  const int options = static_cast<int>(item.options.size());
  switch (item.kind) {
    case ItemKind::multi: {
      std::string json = "[", csv;
      if (uniform(0, 9) == 0) return {"[\"A\"]", "A"};  // none
      for (int k = 1; k < options; ++k) {
        if (uniform(0, 1) == 0) continue;
        const char l = static_cast<char>('A' + k);
        json += fmt::format("{}\"{}\"", json.size() > 1 ? "," : "", l);
        csv += fmt::format("{}{}", csv.empty() ? "" : "|", l);
      }
      if (csv.empty()) return {"[\"B\"]", "B"};
      return {json + "]", csv};
    }
    case ItemKind::band:
      if (uniform(0, 1) == 0) {
        const std::string p = fmt::format("{}.{}", uniform(0, 99), uniform(0, 9));
        return {p, p};
      }
      [[fallthrough]];
    case ItemKind::single:
    case ItemKind::trend: {
      if (item.kind == ItemKind::trend && uniform(0, 2) == 0) {
        const double before = uniform(50, 150) + uniform(0, 99) / 100.0;
        const double after = before * (0.95 + uniform(0, 100) / 1000.0);
        const char letter = 'B';  // CSV cannot carry figures: a letter stands in
        return {fmt::format("{{\"before\":{:.2f},\"after\":{:.2f}}}", before, after),
                std::string(1, letter)};
      }
      const char l = static_cast<char>('A' + uniform(0, options - 1));
      return {fmt::format("\"{}\"", l), std::string(1, l)};
    }
  }
  return {};
}

std::string SurveyGenerator::jsonl(std::size_t n) {
  std::string out = fmt::format(
      "{{\"enterprise\":{{\"id\":\"SYN-{:08d}\",\"name\":\"合成企业{}\",\"industry\":\"{}\","
      "\"district\":\"示范区\"}},\"answers\":{{",
      n, n, n % 2 ? "chem_new_materials" : "equipment_parts");
  bool first = true;
  for (const Item* item : rules_.items()) {
    out += fmt::format("{}\"{}\":{}", first ? "" : ",", item->id, answer(*item).json);
    first = false;
  }
  out += "},\"scenarios\":{";
  first = true;
  for (const auto& s : rules_.scenarios) {
    out += fmt::format("{}\"{}\":{}", first ? "" : ",", s.id,
                       uniform(0, rules_.level_rule.top_level()));
    first = false;
  }
  return out + "}}";
}

std::string SurveyGenerator::csv_header() const {
  std::string out = "enterprise_id,name,industry,district";
  for (const Item* item : rules_.items()) out += "," + item->id;
  for (const auto& s : rules_.scenarios) out += "," + s.id;
  return out;
}

std::string SurveyGenerator::csv(std::size_t n) {
  std::string out = fmt::format("SYN-{:08d},合成企业{},{},示范区", n, n,
                                n % 2 ? "chem_new_materials" : "equipment_parts");
  for (const Item* item : rules_.items()) out += "," + answer(*item).csv;
  for (std::size_t s = 0; s < rules_.scenarios.size(); ++s)
    out += fmt::format(",{}", uniform(0, rules_.level_rule.top_level()));
  return out;
}

}  // namespace smedx::bench
