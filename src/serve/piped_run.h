// A stream job (istream in, ostream out: the batch driver) run on its own thread while the
// request's thread still reads the body, so that scoring and receiving overlap instead of one
// core idling while the body arrives. The body goes in through one pipe; the records come out
// through another, bounded, which the answer drains once the body is complete: nothing is sent
// while the client still sends, as half-duplex clients (Python's http.client, Java's
// HttpURLConnection) read the answer only after sending the whole body.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <thread>

#include "serve/byte_pipe.h"

namespace smedx::detail {

class PipedRun {
 public:
  using Job = std::function<void(std::istream& in, std::ostream& out)>;

  // Starts `job` on its own thread; it reads what feed() gives and ends when end_input() is
  // called (or the run is cancelled). Its output waits (the job with it) once `out_cap` bytes
  // are queued and not yet taken. The input is not bounded here: it is the request's body,
  // which the server has already allowed (--max-body), and bounding it could stop the job
  // and the body both, the job waiting for its output to be taken and the answer waiting for
  // the body to end.
  PipedRun(BlockPool& pool, std::size_t out_cap, Job job);
  // Cancels the run (if it is still going) and joins its thread: whichever way a request ends
  // (a client gone, a body over the limit, a server stopped before the answer), its job ends.
  ~PipedRun();
  PipedRun(const PipedRun&) = delete;
  PipedRun& operator=(const PipedRun&) = delete;

  // The request's thread: the body as it arrives, then its end. Never waits.
  void feed(const char* data, std::size_t n) { gather_into(in_, gathering_, data, n); }
  void end_input();

  // The answer's thread: writes the job's output to `sink` in order (what is queued, then the
  // rest as the job writes it, on the job's thread: no copy), waits for the job's end and joins
  // it. True when the job ran to its end and all was written; false when `sink` failed (the
  // job is then stopped), the job threw or the run was cancelled: the answer is incomplete.
  bool drain(const BytePipe::Sink& sink);
  // Ends the job early: it reads an end of input and its writes fail.
  void cancel();

 private:
  BytePipe in_, out_;
  std::string gathering_;  // the body's block being gathered (request's thread only)
  std::atomic<bool> failed_{false};
  std::thread thread_;  // last: started once the pipes exist
};

}  // namespace smedx::detail
