// NameTable: a lookup with a hint finds what a plain lookup finds, whatever the hint holds.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/file_names.h"
#include "common/name_table.h"

TEST_CASE("a hinted lookup finds what a plain one finds, whatever the hint") {
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i)
    names.push_back(i % 3 ? "scenario_name_" + std::to_string(i) : "F" + std::to_string(i));
  smedx::detail::NameTable table, other;
  for (std::uint32_t i = 0; i < names.size(); ++i) table.add(names[i], i);
  for (std::uint32_t i = 0; i < 10; ++i) other.add(names[i * 3 + 1], 100 + i);

  const std::vector<std::string> probes = {names[0], names[7],  names[39],         "F",
                                           "",       "unknown", "scenario_name_4x"};
  for (const std::uint32_t start : {0u, 1u, 5u, 63u, 64u, 1000u, 0xFFFFFFFFu}) {
    for (const auto& name : probes) {
      CAPTURE(name);
      std::uint32_t hint = start;
      CHECK(table.find(name, hint) == table.find(name));
      CHECK(table.find(name, hint) == table.find(name));  // again, with the hint it set
    }
  }
  // A hint set by another table (another rule set) is only a wrong guess.
  std::uint32_t hint = 0;
  REQUIRE(other.find(names[4], hint) == 101u);
  CHECK(table.find(names[4], hint) == 4u);
  CHECK(table.find("nope", hint) == std::nullopt);
  CHECK(table.find(names[4], hint) == 4u);
}

TEST_SUITE("file names") {
  TEST_CASE("file names.portable and distinct: case, devices, long ids, reserved names") {
    smedx::detail::FileNames names{"cohort", "index"};
    CHECK(names.stem("华信-001") == "华信-001");
    CHECK(names.stem("a") == "a");
    CHECK(names.stem("A") == "A-2");  // one file on Windows and macOS otherwise
    CHECK(names.stem("a") == "a-3");
    CHECK(names.stem("CON") == "_CON");
    CHECK(names.stem("nul.txt") == "_nul.txt");
    CHECK(names.stem("Cohort") == "Cohort-2");
    CHECK(names.stem("x/y:z") == "x_y_z");
    CHECK(names.stem("end.") == "end_");
    CHECK(names.stem(".hidden") == "enterprise.hidden");
    const std::string long_id(300, 'q');
    const std::string stem = names.stem(long_id);
    CHECK(stem.size() == 117);  // 100 bytes, '-', 16 hex digits of the whole id's hash
    CHECK(stem.starts_with(std::string(100, 'q') + "-"));
    CHECK(names.stem(long_id) == stem + "-2");
  }
}
