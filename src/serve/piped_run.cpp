#include "serve/piped_run.h"

#include <istream>
#include <ostream>
#include <utility>

namespace smedx::detail {

PipedRun::PipedRun(BlockPool& pool, std::size_t out_cap, Job job)
    : in_(pool), out_(pool, out_cap), thread_([this, job = std::move(job)] {
        PipeReader reader(in_);
        std::istream in(&reader);
        PipeWriter writer(out_);
        std::ostream out(&writer);
        try {
          job(in, out);
        } catch (...) {
          // An exception may not leave a thread: the answer ends without its last chunk.
          failed_ = true;
        }
        if (!writer.close() || !out) failed_ = true;
        in_.cancel();  // what is left of the body is not read: its blocks go back now
      }) {}

PipedRun::~PipedRun() {
  cancel();
  if (thread_.joinable()) thread_.join();
  in_.pool().give(gathering_);
}

void PipedRun::end_input() {
  if (!gathering_.empty()) in_.put(gathering_);  // back to the pool if the run has ended
  in_.close();
}

bool PipedRun::drain(const BytePipe::Sink& sink) {
  const bool written = out_.drain(sink);
  if (!written) cancel();
  if (thread_.joinable()) thread_.join();
  return written && !failed_;
}

void PipedRun::cancel() {
  in_.cancel();
  out_.cancel();
}

}  // namespace smedx::detail
