// smedx serve: the HTTP/JSON service (src/serve/). This file only reads the options.
#include <cstdlib>
#include <memory>
#include <string>

#include "common.h"
#include "serve/server.h"

namespace smedx::cli {

Command add_serve(CLI::App& app) {
  auto o = std::make_shared<smedx::serve::Options>();
  auto* cmd = app.add_subcommand(
      "serve", "serve scoring, diagnosis and the questionnaire over HTTP/JSON (see /openapi.json)");
  cmd->add_option(
         "--rules", o->rules,
         "rule sets (folders, files or installed names like miit-2024), each served under its id")
      ->required();
  cmd->add_option("--catalogue", o->catalogues,
                  "product catalogues (folders, catalogue.yaml or installed names like "
                  "dongying-2026) for POST /v1/rulesets/{id}/match; repeatable");
  cmd->add_option("--host", o->host, "address to listen on (default 127.0.0.1: this machine only)");
  cmd->add_option("--port", o->port, "port (default 8080; 0: any free port, logged)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", o->threads,
                  "workers, each serving one connection at a time (default 64)");
  cmd->add_option("--max-body", o->max_body, "largest request body in bytes (default 64 MiB)");
  cmd->add_option("--max-bodies", o->max_bodies,
                  "bytes of all request bodies held at once before 503 (default 256 MiB)");
  cmd->add_option("--max-header", o->max_header,
                  "largest request headers in bytes together (default 64 KiB)");
  cmd->add_option("--max-queue", o->max_queue,
                  "connections waiting for a worker before requests get 503 (default 256)");
  cmd->add_option_function<unsigned>(
         "--timeout", [o](const unsigned& seconds) { o->timeout_ms = seconds * 1000; },
         "seconds one read or write of a request may wait (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--request-timeout", o->request_timeout,
                  "seconds a whole request body may take to arrive (default 60)")
      ->check(CLI::Range(1, 86400));
  cmd->add_option("--keep-alive", o->keep_alive,
                  "seconds an idle keep-alive connection is kept (default 5; 0: one request a "
                  "connection)")
      ->check(CLI::Range(0, 3600));
  cmd->add_option("--batch-threads", o->batch_threads,
                  "threads of one JSON Lines stream (default 0: one a core)");
  cmd->add_option("--token", o->token,
                  "require 'Authorization: Bearer <token>' on /v1/ (or set SMEDX_SERVE_TOKEN)");
  cmd->add_flag("!--no-access-log", o->access_log, "no line per request on stderr");
  cmd->add_option("--cors-origin", o->cors_origin,
                  "let pages from this origin call the service from a browser ('*': any)");
  return {cmd, [o] {
            if (o->token.empty())
              if (const char* t = std::getenv("SMEDX_SERVE_TOKEN")) o->token = t;
            return smedx::serve::run(*o);
          }};
}

}  // namespace smedx::cli
