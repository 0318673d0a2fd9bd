// What several test files share: an engine of the 2024 rule set, and a file read whole.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "smedx/engine.h"
#include "smedx/load.h"

namespace smedx::test {

// Compiled once for the whole test binary.
inline const Engine& miit2024() {
  static const Engine e(load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
  return e;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace smedx::test
