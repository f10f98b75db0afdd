// SPDX-License-Identifier: MIT
// Reference-counted KV blocks, hash index and LRU free queue.
#include "llmsim/llm/kv_block_pool.hpp"

#include "llmsim/util/assert.hpp"

namespace llmsim::llm {

KvBlockPool::KvBlockPool(std::int64_t num_blocks, bool caching)
    : caching_(caching),
      ref_(static_cast<std::size_t>(num_blocks), 0),
      hash_(static_cast<std::size_t>(num_blocks), 0),
      has_hash_(static_cast<std::size_t>(num_blocks), 0),
      prev_(static_cast<std::size_t>(num_blocks), kNone),
      next_(static_cast<std::size_t>(num_blocks), kNone),
      cached_(caching ? num_blocks : 0) {
  LLMSIM_ASSERT(num_blocks > 0 && num_blocks <= INT32_MAX, "a block pool needs 1..2^31-1 blocks");
  for (BlockId b = 0; b < static_cast<BlockId>(num_blocks); ++b) push_back(b);
}

BlockId KvBlockPool::find(std::uint64_t hash) const { return caching_ ? cached_.find(hash) : kNone; }

void KvBlockPool::touch(BlockId block) {
  auto& ref = ref_[static_cast<std::size_t>(block)];
  if (ref == 0) unlink(block);
  ++ref;
}

BlockId KvBlockPool::allocate() {
  LLMSIM_ASSERT(head_ != kNone, "allocating from an exhausted block pool");
  const BlockId block = head_;
  unlink(block);
  const auto i = static_cast<std::size_t>(block);
  if (has_hash_[i]) {
    cached_.erase(hash_[i]);
    has_hash_[i] = 0;
    ++evictions_;
  }
  ref_[i] = 1;
  return block;
}

void KvBlockPool::release(BlockId block) {
  const auto i = static_cast<std::size_t>(block);
  LLMSIM_ASSERT(ref_[i] > 0, "releasing an unreferenced block");
  if (--ref_[i] > 0) return;
  push_back(block);
}

void KvBlockPool::cache(BlockId block, std::uint64_t hash) {
  const auto i = static_cast<std::size_t>(block);
  LLMSIM_ASSERT(ref_[i] > 0, "caching an unreferenced block");
  if (!caching_ || has_hash_[i]) return;
  if (!cached_.insert(hash, block)) return;  // the first block with this content stays the cached one
  hash_[i] = hash;
  has_hash_[i] = 1;
}

void KvBlockPool::unlink(BlockId block) {
  const auto i = static_cast<std::size_t>(block);
  const BlockId p = prev_[i];
  const BlockId n = next_[i];
  (p == kNone ? head_ : next_[static_cast<std::size_t>(p)]) = n;
  (n == kNone ? tail_ : prev_[static_cast<std::size_t>(n)]) = p;
  prev_[i] = next_[i] = kNone;
  --num_free_;
}

void KvBlockPool::push_back(BlockId block) {
  const auto i = static_cast<std::size_t>(block);
  prev_[i] = tail_;
  next_[i] = kNone;
  (tail_ == kNone ? head_ : next_[static_cast<std::size_t>(tail_)]) = block;
  tail_ = block;
  ++num_free_;
}

}  // namespace llmsim::llm
