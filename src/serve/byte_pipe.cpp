#include "serve/byte_pipe.h"

#include <algorithm>
#include <utility>

namespace smedx::detail {

std::string BlockPool::get() {
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      std::string b = std::move(free_.back());
      free_.pop_back();
      return b;
    }
  }
  std::string b;
  b.reserve(block);
  return b;
}

void BlockPool::give(std::string& buffer) {
  std::string b = std::move(buffer);
  buffer = std::string();
  if (b.capacity() < block || b.capacity() > 2 * block) return;  // not one of ours: freed
  b.clear();
  std::lock_guard lock(mutex_);
  if (free_.size() < keep_) free_.push_back(std::move(b));
}

bool BytePipe::put(std::string& block) {
  std::unique_lock lock(mutex_);
  writable_.wait(lock, [this] { return cancelled_ || closed_ || queued_ < cap_; });
  if (cancelled_ || closed_) {
    lock.unlock();
    pool_.give(block);
    return false;
  }
  queued_ += block.size();
  queue_.push_back(std::move(block));
  block = std::string();
  lock.unlock();
  readable_.notify_one();
  return true;
}

void BytePipe::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  readable_.notify_all();
  writable_.notify_all();
}

bool BytePipe::take(std::string& block) {
  pool_.give(block);
  std::unique_lock lock(mutex_);
  readable_.wait(lock, [this] { return cancelled_ || closed_ || !queue_.empty(); });
  if (cancelled_ || queue_.empty()) return false;
  block = std::move(queue_.front());
  queue_.pop_front();
  queued_ -= block.size();
  lock.unlock();
  writable_.notify_one();
  return true;
}

void BytePipe::cancel() {
  std::deque<std::string> dropped;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    dropped.swap(queue_);
    queued_ = 0;
  }
  readable_.notify_all();
  writable_.notify_all();
  for (auto& b : dropped) pool_.give(b);
}

bool BytePipe::drain(const Sink& sink) {
  std::unique_lock lock(mutex_);
  draining_ = true;
  for (;;) {
    if (cancelled_) return false;
    if (!queue_.empty()) {
      std::string block = std::move(queue_.front());
      queue_.pop_front();
      queued_ -= block.size();
      lock.unlock();
      writable_.notify_one();
      const bool ok = sink(block.data(), block.size());
      pool_.give(block);
      if (!ok) {
        cancel();
        return false;
      }
      lock.lock();
      continue;
    }
    if (closed_) return true;
    // Nothing queued and more to come: the writer writes through `sink` from now on. A block
    // it queues meanwhile (the last one it gathered, or at the close) is taken by the loop.
    lent_ = &sink;
    writable_.notify_all();
    readable_.wait(lock, [this] { return cancelled_ || closed_ || !queue_.empty(); });
    lent_ = nullptr;
  }
}

int BytePipe::pass(const char* data, std::size_t n) {
  const Sink* sink = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!cancelled_ && !draining_) return 0;
    // Blocks queued before go first: wait for the reader to take them and lend its sink again.
    writable_.wait(lock, [this] { return cancelled_ || (lent_ && queue_.empty()); });
    if (cancelled_) return -1;
    sink = lent_;
  }
  // Outside the lock: drain() waits for the close (or a cancel) and does not touch the sink.
  if ((*sink)(data, n)) return 1;
  cancel();
  return -1;
}

bool BytePipe::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

PipeReader::int_type PipeReader::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  setg(nullptr, nullptr, nullptr);
  if (!pipe_.take(block_)) return traits_type::eof();  // the block read goes back to the pool
  char* p = block_.data();
  setg(p, p, p + block_.size());
  return traits_type::to_int_type(*p);
}

bool gather_into(BytePipe& pipe, std::string& block, const char* data, std::size_t n) {
  while (n > 0) {
    if (block.empty() && block.capacity() < BlockPool::block) block = pipe.pool().get();
    const std::size_t k = std::min(n, BlockPool::block - std::min(BlockPool::block, block.size()));
    block.append(data, k);
    data += k;
    n -= k;
    if (block.size() >= BlockPool::block && !pipe.put(block)) return false;
  }
  return true;
}

bool PipeWriter::close() {
  const bool ok = block_.empty() ? !pipe_.cancelled() : pipe_.put(block_);
  pipe_.close();
  return ok;
}

std::streamsize PipeWriter::xsputn(const char* s, std::streamsize n) {
  if (n <= 0) return 0;
  const auto size = static_cast<std::size_t>(n);
  // Through the reader's sink once it drains the pipe (what is gathered goes first, in order);
  // before that into blocks. A short write sets badbit: the pipe was cancelled.
  if (!block_.empty()) {
    const int passed = pipe_.pass(block_.data(), block_.size());
    if (passed < 0) return 0;
    if (passed > 0) block_.clear();
  }
  if (block_.empty()) {
    if (const int passed = pipe_.pass(s, size); passed != 0) return passed > 0 ? n : 0;
  }
  return gather_into(pipe_, block_, s, size) ? n : 0;
}

PipeWriter::int_type PipeWriter::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char one = traits_type::to_char_type(c);
  return xsputn(&one, 1) == 1 ? c : traits_type::eof();
}

}  // namespace smedx::detail
