// SPDX-License-Identifier: MIT
// Flat hash table of cached block contents.
#include "llmsim/llm/block_hash_index.hpp"

#include "llmsim/util/assert.hpp"

namespace llmsim::llm {

BlockHashIndex::BlockHashIndex(std::int64_t max_entries) {
  std::size_t slots = 16;
  while (static_cast<double>(slots) * 0.8 < static_cast<double>(max_entries)) slots *= 2;
  keys_.assign(slots, 0);
  blocks_.assign(slots, kEmpty);
  mask_ = slots - 1;
}

std::size_t BlockHashIndex::slot_of(std::uint64_t hash) const {
  std::size_t i = home(hash);
  while (blocks_[i] != kEmpty && keys_[i] != hash) i = (i + 1) & mask_;
  return i;
}

bool BlockHashIndex::insert(std::uint64_t hash, BlockId block) {
  const std::size_t i = slot_of(hash);
  if (blocks_[i] != kEmpty) return false;
  keys_[i] = hash;
  blocks_[i] = block;
  return true;
}

void BlockHashIndex::erase(std::uint64_t hash) {
  std::size_t hole = slot_of(hash);
  LLMSIM_ASSERT(blocks_[hole] != kEmpty, "erasing a hash that is not cached");
  // Backward shift: each later entry of the probe run whose home lies cyclically outside (hole, j] moves into the
  // hole, so that every entry stays reachable from its home without tombstones.
  for (std::size_t j = (hole + 1) & mask_; blocks_[j] != kEmpty; j = (j + 1) & mask_) {
    const std::size_t h = home(keys_[j]);
    const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    keys_[hole] = keys_[j];
    blocks_[hole] = blocks_[j];
    hole = j;
  }
  blocks_[hole] = kEmpty;
}

}  // namespace llmsim::llm
