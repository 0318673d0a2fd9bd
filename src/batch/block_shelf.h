// The batch driver's blocks kept between its calls, so that a server scoring one stream after
// another (or a program calling score_stream in a loop) does not fault in fresh pages for every
// block's buffers on every call: the output buffer of a block of 1,024 JSON records is about
// 2.5 MB, and growing it afresh was most of the 7,800 page faults of each 60,000-survey stream
// that `smedx serve` answered. One process-wide shelf, shared by every engine and thread; what
// it keeps is bounded (max_bytes), and a block that has grown past that is let go.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "batch/record_block.h"

namespace smedx::detail {

class BlockShelf {
 public:
  // Idle blocks held at most, counted as block_bytes counts them: 64 MiB, the size of the
  // server's pool of body blocks, about four calls' worth of 1,024-record JSON blocks.
  static constexpr std::size_t max_bytes = std::size_t{64} << 20;

  // `n` blocks for a call: kept ones first, then new ones.
  std::vector<RecordBlock> take(std::size_t n);
  // The call's blocks back, kept while the shelf stays within max_bytes. A block's records'
  // messages are let go first (a later call sets every field again before reading it).
  void give_back(std::vector<RecordBlock>& blocks);

  std::size_t bytes() const;
  void clear();  // lets every kept block go (tests: a call that starts from fresh blocks)

  // The process's shelf.
  static BlockShelf& shared();

 private:
  mutable std::mutex mutex_;
  std::vector<RecordBlock> kept_;
  std::size_t bytes_ = 0;
};

// The heap bytes a block holds (its buffers' capacities, what the records' strings hold).
std::size_t block_bytes(const RecordBlock& b);

}  // namespace smedx::detail
