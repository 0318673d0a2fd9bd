// The HTTP server of `smedx serve`: cpp-httplib's Server with our own worker pool (to see the
// backlog and answer 503 when it is too long), problem+json errors, limits and an access log.
// A door: it converts requests to library calls and results to responses, nothing more.
#include "serve/server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "serve/match_route.h"
#include "serve/piped_run.h"
#include "serve/problem.h"
#include "smedx/batch.h"
#include "smedx/data_path.h"
#include "smedx/diagnose_run.h"
#include "smedx/engine.h"
#include "smedx/load.h"
#include "smedx/record.h"
#include "smedx/survey_schema.h"
#include "smedx/survey_text.h"
#include "smedx/text.h"

namespace smedx::serve {

namespace {

// httplib's worker pool, but with the number of connections waiting for a worker in view: each
// keep-alive connection holds a worker, so this backlog is what overload looks like.
class Pool : public httplib::TaskQueue {
 public:
  explicit Pool(std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) threads_.emplace_back([this] { work(); });
  }
  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(fn));
      ++waiting_;
    }
    cond_.notify_one();
  }
  // Runs what is queued, then joins: connections accepted before the stop are served.
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cond_.notify_all();
    for (auto& t : threads_) t.join();
  }
  std::size_t waiting() const noexcept { return waiting_.load(std::memory_order_relaxed); }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        cond_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        --waiting_;
      }
      fn();
    }
  }
  std::vector<std::thread> threads_;
  std::deque<std::function<void()>> jobs_;
  std::mutex mutex_;
  std::condition_variable cond_;
  std::atomic<std::size_t> waiting_{0};
  bool stop_ = false;
};

// One rule set as served: loaded and compiled once, its schema and questionnaire made once.
struct Served {
  LoadResult loaded;
  std::unique_ptr<Engine> engine;
  std::string schema;
  std::string questionnaire;
  std::filesystem::path path;  // where it was loaded from (catalogues are linted against it)
};

thread_local std::chrono::steady_clock::time_point request_start;
// Whether this thread's request is counted in Service::in_flight_ (from routing to logged).
thread_local bool counted = false;

// A request body held in memory, counted against the budget of every body held at once
// (--max-bodies), so that many large requests together cannot exhaust memory.
class Body {
 public:
  explicit Body(std::atomic<std::size_t>& held) : held_(held) {}
  ~Body() { held_ -= reserved_; }
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  // Counts `n` more bytes; false when that would go over `budget`.
  bool reserve(std::size_t n, std::size_t budget) {
    std::size_t now = held_.load();
    do {
      if (now + n > budget) return false;
    } while (!held_.compare_exchange_weak(now, now + n));
    reserved_ += n;
    return true;
  }
  std::size_t reserved() const noexcept { return reserved_; }
  std::string text;

 private:
  std::atomic<std::size_t>& held_;
  std::size_t reserved_ = 0;
};

// The answer of a JSON Lines stream, framed as HTTP chunks here: httplib 0.11.4's chunked writer
// copies every block three times (into a payload, then into size line + payload + CRLF), a
// seventh of the stream's time in a profile. Here each block of records goes to the socket as
// it is, between its size line and its CRLF. The response is a content provider without length
// and with Transfer-Encoding set, so httplib passes these bytes on untouched. False when the
// client has gone.
bool write_chunk(httplib::DataSink& sink, std::string_view block) {
  if (block.empty()) return true;  // an empty chunk would end the answer
  char size[24];
  const int k = std::snprintf(size, sizeof size, "%zx\r\n", block.size());
  return sink.write(size, static_cast<std::size_t>(k)) && sink.write(block.data(), block.size()) &&
         sink.write("\r\n", 2);
}

bool media_type_is(const httplib::Request& req, std::string_view type) {
  std::string v = req.get_header_value("Content-Type");
  v = v.substr(0, v.find(';'));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == type;
}

bool accepts_html(const httplib::Request& req) {
  const std::string a = req.get_header_value("Accept");
  const auto html = a.find("text/html");
  if (html == std::string::npos) return false;
  const auto json = a.find("application/json");
  return json == std::string::npos || html < json;
}

// Equal in time whatever the text, so that a token cannot be guessed byte by byte.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t k = 0; k < a.size(); ++k)
    diff |= static_cast<unsigned char>(a[k] ^ (k < b.size() ? b[k] : 0));
  return diff == 0;
}

class Service {
 public:
  Service(const Options& o, std::map<std::string, std::unique_ptr<Served>, std::less<>> sets,
          Catalogues catalogues = {})
      : o_(o), sets_(std::move(sets)), catalogues_(std::move(catalogues)) {}

  void install(httplib::Server& svr) {
    svr.new_task_queue = [this] {
      pool_ = new Pool(o_.threads ? o_.threads : 64);
      return pool_;
    };
    svr.set_payload_max_length(o_.max_body);
    svr.set_read_timeout(o_.timeout_ms / 1000, (o_.timeout_ms % 1000) * 1000);
    svr.set_write_timeout(o_.timeout_ms / 1000, (o_.timeout_ms % 1000) * 1000);
    if (o_.keep_alive == 0) {
      // No keep-alive: one request a connection, answered with "Connection: close" and closed
      // at once. httplib waits the keep-alive timeout for a connection's first request too; at
      // 0 that is a single 10 ms poll, and a client whose request comes later (a busy machine,
      // a slow network, a browser's preconnect) was closed without an answer. The first request
      // gets the read timeout instead, as on a keep-alive connection it gets the keep-alive one.
      svr.set_keep_alive_max_count(1);
      svr.set_keep_alive_timeout(std::max<time_t>(1, (o_.timeout_ms + 999) / 1000));
    } else {
      svr.set_keep_alive_timeout(o_.keep_alive);
      svr.set_keep_alive_max_count(100);
    }
    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return pre_route(req, res);
    });
    svr.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (res.body.empty() && !res.is_chunked_content_provider_)
            fill_problem(res, res.status, "");
          return httplib::Server::HandlerResponse::Handled;
        }));
    svr.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown error";
          try {
            std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          res.body.clear();
          fill_problem(res, 500, "the request could not be answered: " + what);
        });
    // Called once the answer is written: the end of a request in flight.
    svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      if (counted) {
        counted = false;
        --in_flight_;
      }
      if (o_.access_log) log_line(req, res);
    });

    svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{\"status\":\"ok\"}\n", "application/json");
    });
    svr.Get("/openapi.json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(openapi_json(), "application/json");
    });
    svr.Get("/v1/rulesets", [this](const httplib::Request&, httplib::Response& res) {
      std::string out = "{\"rulesets\":[";
      bool first = true;
      for (const auto& [id, s] : sets_) {
        const auto& m = s->loaded.rules().meta;
        out += first ? "" : ",";
        first = false;
        out += "{\"id\":" + json_string(m.id) + ",\"version\":" + json_string(m.version) +
               ",\"title\":" + json_string(m.title) +
               ",\"hash\":" + json_string(s->loaded.rules().content_hash) +
               // The SHA-256 alone, as sha256sum prints it (docs/provenance.md).
               (s->loaded.rules().content_hash.rfind("sha256:", 0) == 0
                    ? ",\"sha256\":" + json_string(s->loaded.rules().content_hash.substr(7))
                    : std::string()) +
               ",\"diagnosis\":" + (s->loaded.rules().diagnosis.present ? "true" : "false") + "}";
      }
      out += "]}\n";
      res.set_content(out, "application/json");
    });
    svr.Get(R"(/v1/rulesets/([^/]+)/schema)",
            [this](const httplib::Request& req, httplib::Response& res) {
              if (const auto* s = find(req, res))
                res.set_content(s->schema, "application/schema+json");
            });
    svr.Get(R"(/v1/rulesets/([^/]+)/questionnaire)",
            [this](const httplib::Request& req, httplib::Response& res) {
              if (const auto* s = find(req, res))
                res.set_content(s->questionnaire, "application/json");
            });
    svr.Post(R"(/v1/rulesets/([^/]+)/score)",
             [this](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) { score(req, res, reader); });
    svr.Post(R"(/v1/rulesets/([^/]+)/diagnose)",
             [this](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) { diagnose(req, res, reader); });
    // Matching (match_route.cpp): the catalogues loaded with --catalogue.
    svr.Get("/v1/catalogues", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(catalogues_.list_json(), "application/json");
    });
    svr.Post(R"(/v1/rulesets/([^/]+)/match)",
             [this](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) { match(req, res, reader); });
  }

  // Lets the requests in flight finish (at most `cap`) and turns new ones away with 503, so
  // that the server can then be stopped. httplib never calls the content provider of an answer
  // once the server is stopped: a JSON Lines stream whose body was still arriving at SIGTERM
  // was answered 200 with an empty body.
  void drain(std::chrono::steady_clock::duration cap) {
    draining_ = true;  // before in_flight_ is read: see pre_route
    const auto deadline = std::chrono::steady_clock::now() + cap;
    while (in_flight_ > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

 private:
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    request_start = std::chrono::steady_clock::now();
    // Counted before draining_ is read (drain sets it before reading the count): a request
    // either is waited for or is turned away, never stopped in the middle.
    counted = true;
    ++in_flight_;
    if (draining_) {
      fill_problem(res, 503, "the service is stopping; try again shortly");
      res.set_header("Retry-After", "1");
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    using R = httplib::Server::HandlerResponse;
    std::size_t header_bytes = 0;
    for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
    if (header_bytes > o_.max_header) {
      fill_problem(res, 431,
                   "the request's headers hold " + std::to_string(header_bytes) +
                       " bytes, more than the limit of " + std::to_string(o_.max_header));
      res.set_header("Connection", "close");
      return R::Handled;
    }
    // A page on another origin (a platform's form) may call the service when told so.
    if (!o_.cors_origin.empty()) {
      res.set_header("Access-Control-Allow-Origin", o_.cors_origin);
      if (req.method == "OPTIONS") {  // the preflight of a JSON POST: no token asked for
        res.set_header("Access-Control-Allow-Methods", "GET, POST");
        res.set_header("Access-Control-Allow-Headers", "Content-Type, Authorization, Accept");
        res.set_header("Access-Control-Max-Age", "600");
        res.status = 204;
        return R::Handled;
      }
    }
    if (req.path == "/healthz") return R::Unhandled;
    // Overloaded: more connections wait for a worker than allowed. Answer at once and close,
    // so the backlog drains instead of every client timing out.
    if (pool_ && pool_->waiting() > o_.max_queue) {
      fill_problem(res, 503,
                   std::to_string(pool_->waiting()) +
                       " connections are waiting for a worker; try again shortly");
      res.set_header("Retry-After", "1");
      res.set_header("Connection", "close");
      return R::Handled;
    }
    if (!o_.token.empty() && req.path.rfind("/v1/", 0) == 0) {
      const std::string auth = req.get_header_value("Authorization");
      if (auth.rfind("Bearer ", 0) != 0 || !same_secret(auth.substr(7), o_.token)) {
        fill_problem(res, 401, "this service needs 'Authorization: Bearer <token>'");
        res.set_header("WWW-Authenticate", "Bearer");
        res.set_header("Connection", "close");
        return R::Handled;
      }
    }
    return R::Unhandled;
  }

  // The rule set named in the path, or a 404 (a name is only ever looked up, never a path).
  const Served* find(const httplib::Request& req, httplib::Response& res) const {
    const std::string id = req.matches.size() > 1 ? std::string(req.matches[1]) : "";
    const auto it = sets_.find(id);
    if (it != sets_.end()) return it->second.get();
    std::string known;
    for (const auto& [name, s] : sets_) known += (known.empty() ? "" : ", ") + name;
    fill_problem(res, 404,
                 "no rule set '" + escape_control(id) + "' is served (served: " + known + ")");
    return nullptr;
  }

  // Reads the body within the limits into `held`; false (and the response set) when it is
  // too large, too slow or does not fit the memory of all bodies.
  bool read_body(const httplib::Request& req, httplib::Response& res,
                 const httplib::ContentReader& reader, Body& held) {
    if (!admit_body(req, res, reader, held)) return false;
    // Room for the JSON parser to read in place.
    held.text.reserve(req.get_header_value<std::uint64_t>("Content-Length") + 64);
    return receive_body(res, reader, held,
                        [&held](const char* data, std::size_t n) { held.text.append(data, n); });
  }

  // Refuses a body whose announced length is over --max-body (413) or does not fit the memory
  // set aside for all bodies (503, --max-bodies), and counts it there otherwise.
  bool admit_body(const httplib::Request& req, httplib::Response& res,
                  const httplib::ContentReader& reader, Body& held) {
    const auto length = req.get_header_value<std::uint64_t>("Content-Length");
    if (length > o_.max_body) {
      reader([](const char*, std::size_t) { return true; });  // httplib skips it: keep-alive
      res.body.clear();
      fill_problem(res, 413, too_large(length));
      return false;
    }
    if (!held.reserve(length + 64, o_.max_bodies)) {
      discard(reader);
      res.body.clear();
      busy(res);
      return false;
    }
    return true;
  }

  // Reads an admitted body within the limits, handing each piece to `take` as it arrives; false
  // (and the response set) when it grows too large, too slow or past the memory of all bodies.
  // `held` counts it whether it is kept whole or passed on: a stream's pipe may hold as much of
  // it when scoring falls behind.
  bool receive_body(httplib::Response& res, const httplib::ContentReader& reader, Body& held,
                    const std::function<void(const char*, std::size_t)>& take) {
    std::size_t size = 0;
    bool over = false, late = false, full = false;
    const auto deadline = request_start + std::chrono::seconds(o_.request_timeout);
    const bool ok = reader([&](const char* data, std::size_t n) {
      if (size + n > o_.max_body) {
        over = true;
        return false;
      }
      // A body of no announced length is counted a MiB at a time as it grows.
      if (size + n + 64 > held.reserved() &&
          !held.reserve(std::max<std::size_t>(n, 1u << 20), o_.max_bodies)) {
        full = true;
        return false;
      }
      // A client that trickles its body in stays under the per-read timeout: the whole body
      // has a deadline too.
      if (std::chrono::steady_clock::now() > deadline) {
        late = true;
        return false;
      }
      size += n;
      take(data, n);
      return true;
    });
    if (full) {
      busy(res);
      return false;
    }
    if (late) {
      fill_problem(res, 408,
                   "the body did not arrive within " + std::to_string(o_.request_timeout) +
                       " seconds (--request-timeout)");
      res.set_header("Connection", "close");
      return false;
    }
    if (over || res.status == 413) {
      res.body.clear();
      fill_problem(res, 413, too_large(0));
      res.set_header("Connection", "close");
      return false;
    }
    if (!ok) {
      fill_problem(res, 400, "the request body could not be read whole");
      res.set_header("Connection", "close");
      return false;
    }
    return true;
  }

  void busy(httplib::Response& res) const {
    fill_problem(res, 503,
                 "the bodies of the requests in progress fill the memory set aside for them (" +
                     std::to_string(o_.max_bodies) + " bytes, --max-bodies); try again shortly");
    res.set_header("Retry-After", "1");
    res.set_header("Connection", "close");
  }

  std::string too_large(std::uint64_t length) const {
    return (length ? "a body of " + std::to_string(length) + " bytes is" : "the body is") +
           " larger than the limit of " + std::to_string(o_.max_body) + " bytes (--max-body)";
  }

  // Reads (and drops) the body of a request that is answered without it, so that the next
  // request on the connection starts where it should.
  static void discard(const httplib::ContentReader& reader) {
    reader([](const char*, std::size_t) { return true; });
  }

  static std::optional<MissingPolicy> missing_of(const httplib::Request& req,
                                                 httplib::Response& res) {
    const std::string m = req.has_param("missing") ? req.get_param_value("missing") : "error";
    if (m == "error") return MissingPolicy::error;
    if (m == "zero") return MissingPolicy::zero;
    fill_problem(
        res, 400,
        "query parameter 'missing' takes 'error' or 'zero', got '" + escape_control(m) + "'");
    return std::nullopt;
  }

  // One survey from a JSON body: 400 when it is not JSON, 422 when it is not a survey.
  static std::optional<Survey> parse_one(const std::string& body, httplib::Response& res) {
    auto parse = parse_survey_json(body, "<request>", 1, body.capacity());
    if (parse.survey) return std::move(parse.survey);
    const bool malformed =
        !parse.issues.empty() && parse.issues.front().message.rfind("malformed JSON", 0) == 0;
    fill_problem(res, malformed ? 400 : 422, parse.issues.front().message, parse.issues);
    return std::nullopt;
  }

  // Checks what every POST checks, in order; the body is read (or dropped) either way.
  const Served* post_prelude(const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& reader, bool ndjson_ok, Body& body) {
    const Served* s = find(req, res);
    if (!s) {
      discard(reader);
      return nullptr;
    }
    const bool json = media_type_is(req, "application/json");
    const bool ndjson =
        media_type_is(req, "application/x-ndjson") || media_type_is(req, "application/jsonl");
    if (!json && !(ndjson && ndjson_ok)) {
      discard(reader);
      res.body.clear();
      fill_problem(res, 415,
                   "Content-Type '" + escape_control(req.get_header_value("Content-Type")) +
                       "' is not accepted here (use application/json" +
                       (ndjson_ok ? " or application/x-ndjson" : "") + ")");
      return nullptr;
    }
    if (!read_body(req, res, reader, body)) return nullptr;
    return s;
  }

  void score(const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader) {
    if (!media_type_is(req, "application/json")) {
      // JSON Lines (post_prelude turns other types away); with a 'missing' that does not read,
      // the 400 comes after the body as for one survey.
      httplib::Response scratch;
      const auto missing = missing_of(req, scratch);
      const bool ndjson =
          media_type_is(req, "application/x-ndjson") || media_type_is(req, "application/jsonl");
      if (ndjson && missing) {
        if (const Served* s = find(req, res))
          score_lines(*s, *missing, req, res, reader);
        else
          discard(reader);
        return;
      }
    }
    auto body = std::make_shared<Body>(held_);  // released when the answer is written
    const Served* s = post_prelude(req, res, reader, true, *body);
    if (!s) return;
    const auto missing = missing_of(req, res);
    if (!missing) return;
    const auto survey = parse_one(body->text, res);
    if (!survey) return;
    const Assessment a = s->engine->score(*survey, *missing);
    if (!a.ok()) {
      fill_problem(res, 422, a.errors.front().message, a.errors);
      return;
    }
    res.set_content(to_json(a) + "\n", "application/json");
  }

  // JSON Lines in, JSON Lines out: one record out per record in, written by the batch driver,
  // which runs on its own thread from the start of the body (PipedRun), so that scoring goes on
  // while the body arrives. Its records wait in a spool of at most `spool_cap` bytes until the
  // body is complete and the answer starts (then the driver waits); after that it writes them
  // to the socket itself. The body is counted against the limits as a body read whole is.
  static constexpr std::size_t spool_cap = 16u << 20;
  void score_lines(const Served& s, MissingPolicy missing, const httplib::Request& req,
                   httplib::Response& res, const httplib::ContentReader& reader) {
    auto body = std::make_shared<Body>(held_);  // released when the answer is written
    if (!admit_body(req, res, reader, *body)) return;
    BatchOptions options;
    // One thread a core by default, as `smedx score`. The request's thread reads the body
    // beside them; one thread more than the cores (once meant to score while the calling
    // thread waited on the client) only made them take turns: 8-10 % slower on 2 cores.
    options.threads = o_.batch_threads;
    options.missing = missing;
    const Engine* engine = s.engine.get();
    // Ended and joined by its destructor however the request ends: here when the body does not
    // arrive whole, else when httplib drops the response (answer written, client gone, or the
    // server stopped before the answer started).
    auto run = std::make_shared<detail::PipedRun>(
        blocks_, spool_cap, [engine, options](std::istream& in, std::ostream& out) {
          score_stream(*engine, in, "<request>", InputFormat::jsonl, OutputFormat{}, out, options);
        });
    if (!receive_body(res, reader, *body,
                      [&run](const char* data, std::size_t n) { run->feed(data, n); }))
      return;
    run->end_input();
    // A client gone stops the scoring. Without the last chunk the client sees an incomplete
    // answer, not a short one.
    auto answer = [run, body](std::size_t, httplib::DataSink& sink) {
      const auto chunk = [&sink](const char* data, std::size_t n) {
        return write_chunk(sink, std::string_view(data, n));
      };
      if (!run->drain(chunk) || !sink.write("0\r\n\r\n", 5)) return false;
      sink.done();
      return true;
    };
    res.set_header("Transfer-Encoding", "chunked");
    res.set_content_provider("application/x-ndjson", std::move(answer));
  }

  // One survey diagnosed alone by the library's driver (diagnose_survey): the bytes
  // `smedx diagnose` writes for a file holding only this survey.
  void diagnose(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
    Body body(held_);
    const Served* s = post_prelude(req, res, reader, false, body);
    if (!s) return;
    if (!s->loaded.rules().diagnosis.present) {
      fill_problem(res, 404,
                   "rule set '" + s->loaded.rules().meta.id + "' has no diagnosis settings");
      return;
    }
    const auto missing = missing_of(req, res);
    if (!missing) return;
    std::optional<int> target;
    if (req.has_param("target")) {
      const std::string t = req.get_param_value("target");
      if (t.empty() || t.size() > 2 || t.find_first_not_of("0123456789") != std::string::npos) {
        fill_problem(res, 400,
                     "query parameter 'target' takes a level, got '" + escape_control(t) + "'");
        return;
      }
      target = std::stoi(t);
    }
    const auto survey = parse_one(body.text, res);  // 400 and 422 with the located issues
    if (!survey) return;
    const bool html = accepts_html(req);
    const SurveyDiagnosis d = diagnose_survey(*s->engine, std::move(body.text), InputFormat::json,
                                              target, html, *missing);
    if (!d.ok()) {
      fill_problem(res, 400, d.problem);
      return;
    }
    if (d.survey_errors) {
      const Assessment a = s->engine->score(*survey, *missing);
      fill_problem(res, 422,
                   a.errors.empty() ? "the survey could not be scored" : a.errors.front().message,
                   a.errors);
      return;
    }
    if (html)
      res.set_content(d.html, "text/html; charset=utf-8");
    else
      res.set_content(d.json + "\n", "application/json");
  }

  // The `smedx match` records of the body's surveys (match_route.cpp): the rule set, the
  // catalogue and the options are checked before the body is read.
  void match(const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader) {
    const Served* s = find(req, res);
    if (!s) {
      discard(reader);
      return;
    }
    const auto missing = missing_of(req, res);
    if (!missing) {
      discard(reader);
      return;
    }
    BatchOptions batch;
    batch.threads = o_.batch_threads;
    batch.missing = *missing;
    std::optional<Refusal> refusal;
    auto matcher = catalogues_.matcher_for(*s->engine, req, batch, refusal);
    if (!matcher) {
      discard(reader);
      res.body.clear();
      fill_problem(res, refusal ? refusal->status : 500, refusal ? refusal->detail : "");
      return;
    }
    auto body = std::make_shared<Body>(held_);  // released when the answer is written
    if (!post_prelude(req, res, reader, true, *body)) return;
    answer_match(std::move(matcher), std::shared_ptr<std::string>(body, &body->text),
                 !media_type_is(req, "application/json"), res);
  }

  // One line per request: time, client, request line, status, body bytes ('-' when streamed),
  // milliseconds from routing to the answer written ('-' when it never reached routing: headers
  // that timed out or did not parse).
  static void log_line(const httplib::Request& req, const httplib::Response& res) {
    const bool timed = request_start != std::chrono::steady_clock::time_point{};
    char ms[32] = "-";
    if (timed)
      std::snprintf(ms, sizeof ms, "%.2fms",
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                              request_start)
                        .count());
    request_start = {};
    char when[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::string line =
        std::string(when) + " " + (req.remote_addr.empty() ? "-" : req.remote_addr) + " \"" +
        escape_control(req.method) + " " + escape_control(req.path) + "\" " +
        std::to_string(res.status) + " " +
        (res.content_provider_ ? std::string("-") : std::to_string(res.body.size())) + " " + ms +
        "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines do not interleave
  }

  const Options& o_;
  std::map<std::string, std::unique_ptr<Served>, std::less<>> sets_;
  Pool* pool_ = nullptr;
  std::atomic<int> in_flight_{0};      // requests from routing to their answer written
  std::atomic<bool> draining_{false};  // set once by drain()
  std::atomic<std::size_t> held_{0};   // bytes of request bodies held now (Body)
  // The buffers of JSON Lines streams (score_lines), as many kept between requests as one
  // request's body may hold.
  detail::BlockPool blocks_{std::min<std::size_t>(o_.max_body, 64u << 20)};
  Catalogues catalogues_;
};

// A rule set by folder, file or name (SMEDX_PATH, then the install data folders: data_path.h).
std::unique_ptr<Served> load_served(const std::string& where) {
  const DataLookup found = find_data(where, DataKind::rule_set);
  if (!found.found()) {
    std::fprintf(stderr, "error: %s: %s\n", escape_control(where).c_str(), found.problem.c_str());
    return nullptr;
  }
  auto s = std::make_unique<Served>();
  s->loaded = load_rules(*found.path);
  if (!s->loaded.ok()) {
    std::fputs(format_issues(s->loaded.issues()).c_str(), stderr);
    return nullptr;
  }
  s->engine = std::make_unique<Engine>(s->loaded.rules());
  s->path = *found.path;
  s->schema = survey_json_schema(s->loaded.rules()) + "\n";
  s->questionnaire = questionnaire_json(s->loaded.rules()) + "\n";
  return s;
}

}  // namespace

int run(const Options& o, const std::function<void(int port)>& listening) {
  std::map<std::string, std::unique_ptr<Served>, std::less<>> sets;
  for (const auto& where : o.rules) {
    auto s = load_served(where);
    if (!s) return 2;
    const std::string id = s->loaded.rules().meta.id;
    if (sets.count(id)) {
      std::fprintf(stderr, "error: %s: rule set '%s' is already served from another --rules\n",
                   escape_control(where).c_str(), escape_control(id).c_str());
      return 2;
    }
    sets.emplace(id, std::move(s));
  }

  Catalogues catalogues;  // after the rule sets: each is resolved against the served one
  {
    std::vector<ServedRuleSet> served;
    for (const auto& [id, s] : sets) served.push_back({s->engine.get(), s->path});
    if (!catalogues.load(o.catalogues, served)) return 2;
  }

  // SIGTERM and SIGINT are taken by one thread (sigwait), so that the workers never see them
  // and the stop runs outside a signal handler.
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGTERM);
  sigaddset(&stops, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stops, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is a failed write, not an exit

  httplib::Server svr;
  Options options = o;  // a body within --max-body always fits the budget of all bodies
  options.max_bodies = std::max(options.max_bodies, options.max_body + 64);
  Service service(options, std::move(sets), std::move(catalogues));
  service.install(svr);
  int listener = -1;
  svr.set_socket_options([&listener](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    // Accepted sockets inherit it (Linux): a response's head and body are written apart, and
    // Nagle's algorithm would hold the body for the client's delayed ACK (40 ms a request).
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    listener = sock;
  });
  int port = o.port;
  if (port == 0) {
    port = svr.bind_to_any_port(o.host);
    if (port < 0) port = 0;
  } else if (!svr.bind_to_port(o.host, port)) {
    port = 0;
  }
  if (port == 0) {
    std::fprintf(stderr, "error: cannot listen on %s:%d\n", escape_control(o.host).c_str(), o.port);
    return 2;
  }
  // httplib listens with a backlog of 5; a burst of clients needs more.
  if (listener >= 0) ::listen(listener, 1024);
  std::fprintf(stderr, "smedx serve: listening on http://%s:%d\n", o.host.c_str(), port);
  std::fflush(stderr);
  if (listening) listening(port);

  std::atomic<bool> stopping{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stops, &sig);
    stopping = true;
    std::fprintf(stderr, "smedx serve: stopping (requests in flight finish)\n");
    // A body still arriving has --request-timeout; its answer gets half a minute more.
    service.drain(std::chrono::seconds(options.request_timeout) + std::chrono::seconds(30));
    svr.stop();
  });
  const bool ok = svr.listen_after_bind();
  if (!stopping) ::kill(::getpid(), SIGTERM);  // wake the waiter
  waiter.join();
  std::fprintf(stderr, "smedx serve: stopped\n");
  return ok || stopping ? 0 : 2;
}

}  // namespace smedx::serve
