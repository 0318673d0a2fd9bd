// The HTTP door as a client meets it: each input is sent as raw bytes on a fresh connection to
// one `smedx serve` running in this process (httplib's request parser, the limits, the routes,
// the handlers), and the answer read to its end. The server must
// answer with a well-formed status line (or close without a word), never 500 (a handler threw)
// and never hang, and must still answer /healthz afterwards.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <future>
#include <string>
#include <thread>

#include "fuzz_common.h"
#include "serve/server.h"

namespace {

int server_port() {
  static const int port = [] {
    std::promise<int> bound;
    std::thread([&bound] {
      smedx::serve::Options o;
      o.rules = {SMEDX_SOURCE_DIR "/indicators/miit-2024"};
      o.catalogues = {SMEDX_SOURCE_DIR "/catalogues/dongying-2026"};  // POST …/match
      o.port = 0;
      o.threads = 4;
      o.timeout_ms = 100;  // an unfinished request is cut off soon
      o.keep_alive = 0;    // and a finished one closed at once: the answer ends at EOF
      o.request_timeout = 2;
      o.max_body = 64u << 10;  // small, so that 413 is in reach
      o.max_header = 4u << 10;
      o.access_log = false;
      smedx::serve::run(o, [&bound](int p) { bound.set_value(p); });
    }).detach();
    return bound.get_future().get();
  }();
  return port;
}

// Sends `request` and returns everything the server says until it closes. (No half-close:
// httplib 0.11.4 takes a half-closed socket for a dead one and answers nothing.)
// Every call is retried on EINTR: libFuzzer's -timeout watchdog is a SIGALRM every
// timeout/2+1 seconds (601 s by default) with a handler, and it lands in this thread's recv
// more often than not; a recv on a socket with SO_RCVTIMEO is never restarted after a handler,
// whatever SA_RESTART (signal(7)). Taken for a hang, it stopped every run after ten minutes.
std::string exchange(std::string_view request) {
  using Clock = std::chrono::steady_clock;
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  FUZZ_CHECK(sock >= 0, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server_port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int connected = ::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  // An interrupted connect goes on in the background: wait for it as for a non-blocking one.
  if (connected != 0 && errno == EINTR) {
    pollfd p{sock, POLLOUT, 0};
    int ready;
    do ready = ::poll(&p, 1, 10000);
    while (ready < 0 && errno == EINTR);
    int error = ready > 0 ? 0 : ETIMEDOUT;
    socklen_t len = sizeof error;
    if (ready > 0) ::getsockopt(sock, SOL_SOCKET, SO_ERROR, &error, &len);
    connected = error == 0 ? 0 : -1;
    errno = error;
  }
  FUZZ_CHECK(connected == 0, std::string("connect: ") + std::strerror(errno));
  timeval wait{1, 0};  // each recv wakes at least once a second to look at the deadline
  ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = ::send(sock, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server may close early (a 413, a bad request line)
    sent += static_cast<std::size_t>(n);
  }
  // Far beyond every server timeout: only a hang gets here.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::string answer;
  char buf[65536];
  for (;;) {
    const auto n = ::recv(sock, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      const int e = errno;
      if (e == EINTR || e == EAGAIN || e == EWOULDBLOCK) {
        FUZZ_CHECK(Clock::now() < deadline, "the server neither answered nor closed within 10 s");
        continue;
      }
      FUZZ_CHECK(e == ECONNRESET, std::string("recv: ") + std::strerror(e));
      break;
    }
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(sock);
  return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string answer = exchange({reinterpret_cast<const char*>(data), size});
  if (!answer.empty()) {
    FUZZ_CHECK(answer.size() >= 12 && answer.compare(0, 9, "HTTP/1.1 ") == 0 &&
                   std::isdigit(static_cast<unsigned char>(answer[9])) &&
                   std::isdigit(static_cast<unsigned char>(answer[10])) &&
                   std::isdigit(static_cast<unsigned char>(answer[11])),
               "not an HTTP response: " + answer.substr(0, 40));
    FUZZ_CHECK(answer.compare(9, 3, "500") != 0, "a handler threw: " + answer.substr(0, 400));
  }
  const std::string health = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  FUZZ_CHECK(health.compare(0, 12, "HTTP/1.1 200") == 0,
             "/healthz no longer answers: " + health.substr(0, 300));
  return 0;
}
