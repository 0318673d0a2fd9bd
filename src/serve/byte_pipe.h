// A one-way pipe of byte blocks between two threads, its two ends as stream buffers, and the
// pool its blocks come from. The JSON Lines stream of `smedx serve` scores while its body still
// arrives: the request's thread writes the body into one pipe, the batch driver reads it on its
// own thread and writes its records into another, which the answer drains once the body is
// complete (piped_run.h).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <streambuf>
#include <string>
#include <vector>

namespace smedx::detail {

// Buffers of one size, kept for the next block once read: a stream of 50 MB in and 150 MB out
// would otherwise touch fresh memory for every block: the page faults of the body read whole
// into fresh memory were 6 % of the server's time in a profile. At most `keep` bytes of buffers are
// kept between requests (the server keeps as much as one request's body may hold: --max-body, at
// most 64 MiB).
class BlockPool {
 public:
  static constexpr std::size_t block = 2048u << 10;
  explicit BlockPool(std::size_t keep) : keep_(keep / block) {}
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;
  // An empty buffer with room for a block.
  std::string get();
  // Takes back a buffer (left empty) if it is a block's and the pool has room.
  void give(std::string& buffer);

 private:
  std::mutex mutex_;
  std::vector<std::string> free_;
  const std::size_t keep_;  // buffers
};

// Blocks go in at one end and come out at the other in order. `cap` bounds the bytes queued: a
// put waits while that many are queued, so a slow reader holds back the writer instead of
// memory growing. Blocks read or dropped go back to the pool.
class BytePipe {
 public:
  explicit BytePipe(BlockPool& pool, std::size_t cap = std::numeric_limits<std::size_t>::max())
      : pool_(pool), cap_(cap) {}
  BytePipe(const BytePipe&) = delete;
  BytePipe& operator=(const BytePipe&) = delete;
  ~BytePipe() { cancel(); }

  BlockPool& pool() noexcept { return pool_; }
  // Queues `block` (left empty); waits while `cap` bytes are queued. False (the block back in
  // the pool) once the pipe is cancelled or closed.
  bool put(std::string& block);
  // No more blocks: take() returns false once the queue is empty.
  void close();
  // Takes the oldest block into `block` (its old buffer back in the pool); waits for one. False
  // at the end (closed and empty) or once cancelled.
  bool take(std::string& block);
  // Gives up: every put and take returns false from now on, any waiting one wakes, and the
  // blocks queued go back to the pool.
  void cancel();
  bool cancelled() const;

  // The reading end's other way: takes every block into `sink`, and once the queue is empty,
  // lends `sink` to the writer until the pipe is closed: the writer's pass() then hands its
  // bytes to `sink` on its own thread, with no copy into a block. True once all is written;
  // false when `sink` failed (the pipe is then cancelled) or the pipe was cancelled.
  using Sink = std::function<bool(const char*, std::size_t)>;
  bool drain(const Sink& sink);
  // The writer: once the reader drains the pipe, writes `n` bytes through its sink (after the
  // blocks queued before, which it waits for). Returns 1 when written, 0 when the reader does
  // not drain yet (queue them instead), -1 when the sink failed or the pipe is cancelled.
  int pass(const char* data, std::size_t n);

 private:
  BlockPool& pool_;
  const std::size_t cap_;
  mutable std::mutex mutex_;
  std::condition_variable readable_, writable_;
  std::deque<std::string> queue_;
  std::size_t queued_ = 0;  // bytes in queue_
  bool closed_ = false, cancelled_ = false;
  // Lent by drain(): while set, only the writer calls it, and drain() waits for the close.
  const Sink* lent_ = nullptr;
  bool draining_ = false;  // drain() has started: the writer passes instead of queueing
};

// The reading end as a stream buffer: an istream over it reads the blocks in order and ends at
// the pipe's end (or when it is cancelled).
class PipeReader : public std::streambuf {
 public:
  explicit PipeReader(BytePipe& pipe) : pipe_(pipe) {}
  ~PipeReader() override { pipe_.pool().give(block_); }

 protected:
  int_type underflow() override;

 private:
  BytePipe& pipe_;
  std::string block_;
};

// The writing end as a stream buffer: writes are gathered into blocks of the pool's size, each
// put into the pipe when full, or passed to the reader's sink as they are once it is lent
// (BytePipe::drain). A write fails (the ostream's badbit) once the pipe is cancelled. close()
// puts the last block and closes the pipe.
class PipeWriter : public std::streambuf {
 public:
  explicit PipeWriter(BytePipe& pipe) : pipe_(pipe) {}
  ~PipeWriter() override { pipe_.pool().give(block_); }
  // Puts the last block and closes the pipe; false when it was cancelled.
  bool close();

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int_type overflow(int_type c) override;

 private:
  BytePipe& pipe_;
  std::string block_;
};

// Gathers pieces (httplib hands a body over 4 KiB at a time) into blocks of the pool's size and
// puts each full one into `pipe`; false once the pipe is cancelled.
bool gather_into(BytePipe& pipe, std::string& block, const char* data, std::size_t n);

}  // namespace smedx::detail
