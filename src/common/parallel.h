// Splitting rows [0, n) into contiguous slices, one per worker thread, the calling thread taking
// the first. Slices are disjoint, so a worker may write its own rows of shared output freely.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace smedx::detail {

template <typename Work>
void parallel_slices(std::size_t n, std::size_t workers, Work&& work) {
  workers = std::max<std::size_t>(1, std::min(workers, n));
  if (workers == 1) {
    work(std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  const std::size_t per = (n + workers - 1) / workers;
  for (std::size_t w = 1; w < workers; ++w) {
    const std::size_t b = std::min(n, w * per), e = std::min(n, (w + 1) * per);
    if (b < e) pool.emplace_back(work, b, e);
  }
  work(std::size_t{0}, std::min(n, per));
  for (auto& t : pool) t.join();
}

// Calls task(i) for each i in [0, n) on up to `workers` threads, the calling one included, each
// thread taking the next i when done with its last: for tasks of uneven cost.
template <typename Task>
void parallel_tasks(std::size_t n, std::size_t workers, Task&& task) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < n;) task(i);
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < std::min(workers, n); ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// Every core unless told otherwise.
inline std::size_t thread_count(unsigned requested) {
  return requested ? requested : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace smedx::detail
