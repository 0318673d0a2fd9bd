#include "batch/block_shelf.h"

#include <utility>

namespace smedx::detail {

std::vector<RecordBlock> BlockShelf::take(std::size_t n) {
  std::vector<RecordBlock> blocks;
  blocks.reserve(n);
  {
    std::lock_guard lock(mutex_);
    while (blocks.size() < n && !kept_.empty()) {
      bytes_ -= block_bytes(kept_.back());
      blocks.push_back(std::move(kept_.back()));
      kept_.pop_back();
    }
  }
  blocks.resize(n);
  return blocks;
}

void BlockShelf::give_back(std::vector<RecordBlock>& blocks) {
  for (RecordBlock& b : blocks) {
    if (b.raw.empty()) continue;  // never read into: nothing grown to keep
    for (CodedSurvey& c : b.coded) {
      c.errors.clear();
      c.warnings.clear();
    }
    const std::size_t size = block_bytes(b);
    std::lock_guard lock(mutex_);
    if (bytes_ + size > max_bytes) continue;
    bytes_ += size;
    kept_.push_back(std::move(b));
  }
  blocks.clear();
}

std::size_t BlockShelf::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void BlockShelf::clear() {
  std::vector<RecordBlock> gone;
  {
    std::lock_guard lock(mutex_);
    gone.swap(kept_);
    bytes_ = 0;
  }
}

BlockShelf& BlockShelf::shared() {
  static BlockShelf shelf;
  return shelf;
}

std::size_t block_bytes(const RecordBlock& b) {
  std::size_t bytes = b.out.capacity() + b.raw.capacity() * sizeof(RawRecord) +
                      b.coded.capacity() * sizeof(CodedSurvey);
  for (const RawRecord& r : b.raw) bytes += r.text.capacity() + r.problem.capacity();
  for (const CodedSurvey& c : b.coded) {
    bytes += c.enterprise_id.capacity() + c.where.file.capacity() +
             c.enterprise.capacity() * sizeof(c.enterprise[0]) +
             (c.errors.capacity() + c.warnings.capacity()) * sizeof(Issue) +
             c.fired.capacity() * sizeof(c.fired[0]) +
             c.selected.capacity() * sizeof(c.selected[0]) + c.levels.capacity();
    for (const auto& [key, value] : c.enterprise) bytes += key.capacity() + value.capacity();
  }
  return bytes;
}

}  // namespace smedx::detail
