// Column buffers kept from one score_frame call for the next. A column of codes is a few MB
// (4 bytes a row): fresh each call, it is fresh pages from the kernel each call (mmap, a page
// fault and a cleared page every 4 KiB, munmap), which on a busy machine was a quarter of
// score_frame's time on 300,000 rows (issue 20). Kept buffers are reused as they are: their
// pages stay mapped, and nothing clears them (every slot is written before it is read).
#pragma once

#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

#include "smedx/columnar.h"

namespace smedx::python {

namespace detail {
// At most this much is kept between calls, over every type: a frame of 1,000,000 rows and
// about 30 string columns. The larger buffers are kept first, so a frame that grows does not
// find only buffers too small for it.
inline constexpr std::size_t kPoolLimit = std::size_t{128} << 20;
inline std::mutex pool_mutex;
inline std::size_t pool_bytes = 0;  // under pool_mutex
}  // namespace detail

// take(n): a column of n uninitialised slots, a kept buffer when one holds n; give(v): keeps v
// for a later take. Result columns come back too, when Python frees the arrays they became.
// Thread-safe (calls on several Python threads at once each take their own).
template <typename T>
class ColumnPool {
 public:
  static ScoreColumn<T> take(std::size_t n) {
    {
      const std::lock_guard<std::mutex> lock(detail::pool_mutex);
      auto& free = kept();
      auto best = free.end();  // the smallest that holds n
      for (auto it = free.begin(); it != free.end(); ++it)
        if (it->capacity() >= n && (best == free.end() || it->capacity() < best->capacity()))
          best = it;
      if (best != free.end()) {
        ScoreColumn<T> out = std::move(*best);
        free.erase(best);
        detail::pool_bytes -= out.capacity() * sizeof(T);
        out.resize(n);  // no writes: the allocator leaves new slots as they are
        return out;
      }
    }
    return ScoreColumn<T>(n);
  }

  static void give(ScoreColumn<T>&& v) {
    const std::size_t size = v.capacity() * sizeof(T);
    if (size == 0) return;
    const std::lock_guard<std::mutex> lock(detail::pool_mutex);
    auto& free = kept();
    while (detail::pool_bytes + size > detail::kPoolLimit) {  // make room: drop a smaller one
      auto smallest = free.end();
      for (auto it = free.begin(); it != free.end(); ++it)
        if (it->capacity() < v.capacity() &&
            (smallest == free.end() || it->capacity() < smallest->capacity()))
          smallest = it;
      if (smallest == free.end()) return;  // v is freed as it goes
      detail::pool_bytes -= smallest->capacity() * sizeof(T);
      free.erase(smallest);
    }
    v.clear();
    detail::pool_bytes += size;
    free.push_back(std::move(v));
  }

 private:
  // Never destroyed: a numpy array that owns a pooled column may be freed at interpreter exit,
  // after static destructors.
  static std::vector<ScoreColumn<T>>& kept() {
    static auto* buffers = new std::vector<ScoreColumn<T>>;
    return *buffers;
  }
};

}  // namespace smedx::python
