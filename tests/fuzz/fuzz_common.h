// What every harness shares: the rule set the surveys are scored against, and a check that
// fails loudly (abort) so that libFuzzer and the corpus replay both see a broken invariant as a
// crash, with the message on stderr.
#pragma once

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smedx/engine.h"
#include "smedx/load.h"

#define FUZZ_CHECK(cond, what)                                                               \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", std::string(what).c_str(), \
                   __FILE__, __LINE__);                                                      \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace smedx::fuzz {

// The national rule set, loaded and compiled once per process.
inline const Engine& engine() {
  static const Engine e(load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024").rules());
  return e;
}

// True when `text` is one JSON value on one line: what a JSON Lines consumer must be able to
// read back. simdjson also rejects invalid UTF-8.
inline bool is_json_line(std::string_view text) {
  if (text.find('\n') != std::string_view::npos) return false;
  static simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  return parser.parse(padded).error() == simdjson::SUCCESS;
}

}  // namespace smedx::fuzz
