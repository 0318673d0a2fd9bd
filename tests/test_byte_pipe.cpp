// The pipes of the HTTP door's JSON Lines stream (src/serve/byte_pipe.h, piped_run.h): bytes
// come out whole and in order whichever way they go (queued, or passed through the reader's
// sink), a full pipe holds its writer back, and a cancel or a failing sink ends both sides.
// Run under the tsan preset too: the two ends are on two threads.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <istream>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>

#include "serve/byte_pipe.h"
#include "serve/piped_run.h"

namespace {

using smedx::detail::BlockPool;
using smedx::detail::BytePipe;
using smedx::detail::PipedRun;
using smedx::detail::PipeReader;
using smedx::detail::PipeWriter;

// Lines of varied length, so that writes straddle blocks.
std::string text(std::size_t bytes) {
  std::string out;
  for (std::size_t k = 0; out.size() < bytes; ++k)
    out += "{\"record\":" + std::to_string(k) + ",\"pad\":\"" + std::string(k % 977, 'x') + "\"}\n";
  return out;
}

// Writes `data` through `out` in writes of the sizes the batch driver makes (whole blocks of
// records) and smaller ones.
void write_in_pieces(std::ostream& out, const std::string& data) {
  std::size_t at = 0;
  for (std::size_t k = 0; at < data.size(); ++k) {
    const std::size_t n = std::min(data.size() - at, k % 3 == 0 ? 2'500'000 : 7'000 + k);
    out.write(data.data() + at, static_cast<std::streamsize>(n));
    at += n;
  }
}

}  // namespace

TEST_SUITE("serve.pipe") {
  TEST_CASE("what the writer writes the reader reads, whole and in order") {
    BlockPool pool(8u << 20);
    BytePipe pipe(pool, 1u << 20);
    const std::string data = text(12u << 20);
    std::thread writer([&] {
      PipeWriter w(pipe);
      std::ostream out(&w);
      write_in_pieces(out, data);
      CHECK(out.good());
      CHECK(w.close());
    });
    PipeReader r(pipe);
    std::istream in(&r);
    const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    writer.join();
    CHECK(got.size() == data.size());
    CHECK(got == data);
  }

  TEST_CASE("a full pipe holds the writer back; drained, the rest passes through the sink") {
    BlockPool pool(8u << 20);
    BytePipe pipe(pool, 4u << 20);
    const std::string data = text(20u << 20);
    std::atomic<bool> wrote{false};
    std::thread writer([&] {
      PipeWriter w(pipe);
      std::ostream out(&w);
      write_in_pieces(out, data);
      wrote = true;
      CHECK(out.good());
      CHECK(w.close());
    });
    // Nobody reads yet: the writer waits at the cap instead of queueing 20 MiB.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(wrote);
    std::string got;
    std::size_t calls = 0;
    CHECK(pipe.drain([&](const char* d, std::size_t n) {
      got.append(d, n);
      ++calls;
      return true;
    }));
    writer.join();
    CHECK(got == data);
    CHECK(calls > 1);
  }

  TEST_CASE("a cancel wakes a writer held back and a reader waiting; both fail from then on") {
    BlockPool pool(8u << 20);
    BytePipe full(pool, 1u << 20), empty(pool);
    std::atomic<bool> writer_done{false}, reader_done{false};
    std::thread writer([&] {
      PipeWriter w(full);
      std::ostream out(&w);
      write_in_pieces(out, text(8u << 20));
      CHECK_FALSE(out.good());  // badbit: the pipe was cancelled under it
      writer_done = true;
    });
    std::thread reader([&] {
      PipeReader r(empty);
      std::istream in(&r);
      CHECK(in.get() == std::char_traits<char>::eof());
      reader_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(writer_done);
    CHECK_FALSE(reader_done);
    full.cancel();
    empty.cancel();
    writer.join();
    reader.join();
    std::string block = "x";
    CHECK_FALSE(full.put(block));
    CHECK_FALSE(empty.take(block));
  }

  TEST_CASE("a sink that fails (the client gone) cancels the pipe and stops the writer") {
    BlockPool pool(8u << 20);
    BytePipe pipe(pool, 4u << 20);
    std::thread writer([&] {
      PipeWriter w(pipe);
      std::ostream out(&w);
      write_in_pieces(out, text(30u << 20));
      CHECK_FALSE(out.good());
      CHECK_FALSE(w.close());
    });
    std::size_t taken = 0;
    CHECK_FALSE(pipe.drain([&](const char*, std::size_t n) {
      taken += n;
      return taken < (6u << 20);
    }));
    writer.join();
    CHECK(pipe.cancelled());
  }
}

TEST_SUITE("serve.piped_run") {
  // The job of the stream, in small: every line read comes out, numbered.
  const PipedRun::Job numbered = [](std::istream& in, std::ostream& out) {
    std::size_t k = 0;
    for (std::string line; std::getline(in, line);) out << ++k << ' ' << line << '\n';
  };

  TEST_CASE("the body fed in pieces comes out as the job writes it, after the end of input") {
    BlockPool pool(8u << 20);
    const std::string body = text(6u << 20);
    std::string expected;
    {
      std::size_t k = 0, at = 0;
      while (at < body.size()) {
        const auto nl = body.find('\n', at);
        expected += std::to_string(++k) + ' ' + body.substr(at, nl - at) + '\n';
        at = nl + 1;
      }
    }
    PipedRun run(pool, 1u << 20, numbered);
    for (std::size_t at = 0; at < body.size(); at += 4096)
      run.feed(body.data() + at, std::min<std::size_t>(4096, body.size() - at));
    run.end_input();
    std::string got;
    CHECK(run.drain([&](const char* d, std::size_t n) {
      got.append(d, n);
      return true;
    }));
    CHECK(got == expected);
  }

  TEST_CASE("a run dropped mid-body or mid-answer ends its job and joins it") {
    BlockPool pool(8u << 20);
    std::atomic<int> ended{0};
    const PipedRun::Job counted = [&](std::istream& in, std::ostream& out) {
      numbered(in, out);
      ++ended;
    };
    const std::string body = text(4u << 20);
    {  // the body never ends: the client went away while sending
      PipedRun run(pool, 1u << 20, counted);
      run.feed(body.data(), body.size() / 2);
    }
    CHECK(ended == 1);
    {  // the body is whole but nobody takes the answer (the server stopped before it)
      PipedRun run(pool, 1u << 20, counted);
      run.feed(body.data(), body.size());
      run.end_input();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the job fills its spool
    }
    CHECK(ended == 2);
    {  // the answer fails part way (the client went away while reading)
      PipedRun run(pool, 1u << 20, counted);
      run.feed(body.data(), body.size());
      run.end_input();
      std::size_t taken = 0;
      CHECK_FALSE(run.drain([&](const char*, std::size_t n) { return (taken += n) < (1u << 20); }));
    }
    CHECK(ended == 3);
  }

  TEST_CASE("a job that throws gives an incomplete answer, not a crash") {
    BlockPool pool(1u << 20);
    PipedRun run(pool, 1u << 20, [](std::istream&, std::ostream& out) {
      out << "partial\n";
      throw std::runtime_error("out of memory");
    });
    run.end_input();
    std::string got;
    CHECK_FALSE(run.drain([&](const char* d, std::size_t n) {
      got.append(d, n);
      return true;
    }));
  }
}
