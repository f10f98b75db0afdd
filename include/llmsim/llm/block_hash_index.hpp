// SPDX-License-Identifier: MIT
// BlockHashIndex: content hash -> cached KV block, a flat hash table sized for a replica's blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmsim::llm {

using BlockId = std::int32_t;

/// Open addressing with linear probing and backward-shift deletion, at a load of at most 0.8 for `max_entries`
/// (a node-based map made each eviction and insertion a cache miss and a malloc: half of a 64-replica run's time).
class BlockHashIndex {
 public:
  explicit BlockHashIndex(std::int64_t max_entries);
  /// The block holding `hash`, or -1.
  BlockId find(std::uint64_t hash) const { return blocks_[slot_of(hash)]; }
  /// Adds `hash` -> `block`; false (nothing changed) if `hash` is present. At most max_entries at a time.
  bool insert(std::uint64_t hash, BlockId block);
  /// Removes `hash`, which must be present.
  void erase(std::uint64_t hash);

 private:
  static constexpr BlockId kEmpty = -1;
  std::size_t home(std::uint64_t hash) const { return static_cast<std::size_t>(hash ^ (hash >> 32)) & mask_; }
  std::size_t slot_of(std::uint64_t hash) const;  // its slot, or the empty slot where it would go

  std::vector<std::uint64_t> keys_;
  std::vector<BlockId> blocks_;  // kEmpty = free slot
  std::size_t mask_ = 0;
};

}  // namespace llmsim::llm
