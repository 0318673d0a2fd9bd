// smedx serve: the HTTP/JSON door. Loads rule sets once, then answers platform requests
// (score, diagnose, the questionnaire and its JSON Schema) until SIGTERM or SIGINT.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace smedx::serve {

struct Options {
  std::vector<std::string> rules;       // rule-set folders or files, each served under its id
  std::vector<std::string> catalogues;  // catalogue folders, files or names (POST …/match)
  std::string host = "127.0.0.1";
  int port = 8080;                      // 0: any free port (the log line says which)
  unsigned threads = 0;                 // 0: 64 (each keep-alive connection holds one)
  std::size_t max_body = 64u << 20;     // bytes of a request body
  std::size_t max_bodies = 256u << 20;  // bytes of all bodies held at once (at least max_body)
  std::size_t max_header = 64u << 10;   // bytes of a request's headers together
  std::size_t max_queue = 256;          // connections waiting for a worker before 503
  unsigned timeout_ms = 10000;          // milliseconds a read or a write of a request may take
  unsigned request_timeout = 60;        // seconds a whole request body may take to arrive
  unsigned keep_alive = 5;              // seconds an idle keep-alive connection is kept; 0: none
  unsigned batch_threads = 0;           // threads of one JSON Lines stream; 0: one a core
  std::string token;                    // when set, /v1/ needs "Authorization: Bearer <token>"
  bool access_log = true;               // one line per request on stderr
  std::string cors_origin;  // when set, pages from this origin ('*': any) may call from a browser
};

// Serves until SIGTERM or SIGINT, then lets requests in flight finish. Returns the exit code:
// 0 after a clean stop, 2 when a rule set or a catalogue does not load or the address cannot be
// bound.
// `listening`, when given, is called with the port once it is bound (the fuzz harness).
int run(const Options& options, const std::function<void(int port)>& listening = {});

// The OpenAPI 3.1 description of the service (openapi.cpp).
const std::string& openapi_json();

}  // namespace smedx::serve
