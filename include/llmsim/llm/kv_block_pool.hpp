// SPDX-License-Identifier: MIT
// KvBlockPool: a replica's KV-cache blocks with prefix caching: reference counts, a content-hash index of
// cached blocks and LRU eviction of unreferenced ones (vLLM v1's block pool, docs/prefix-caching.md).
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/llm/block_hash_index.hpp"

namespace llmsim::llm {

class KvBlockPool {
 public:
  /// `num_blocks` blocks, all free; with `caching` off, freed blocks keep no content (plain paged memory).
  KvBlockPool(std::int64_t num_blocks, bool caching);

  std::int64_t num_blocks() const { return static_cast<std::int64_t>(ref_.size()); }
  /// Blocks that no request references (empty, or cached and evictable).
  std::int64_t num_free() const { return num_free_; }
  std::int64_t num_used() const { return num_blocks() - num_free_; }
  std::int64_t num_evictions() const { return evictions_; }

  /// True when no request references `block` (it is in the free queue).
  bool is_free(BlockId block) const { return ref_[static_cast<std::size_t>(block)] == 0; }
  /// The cached block holding content `hash`, or -1.
  BlockId find(std::uint64_t hash) const;
  /// Takes a reference to a cached block (a hit); an unreferenced one leaves the free queue.
  void touch(BlockId block);
  /// A free block for new content, taken from the head of the free queue (least recently freed); evicts its
  /// cached content. Requires num_free() > 0.
  BlockId allocate();
  /// Drops a reference; an unreferenced block joins the tail of the free queue, keeping its cached content.
  void release(BlockId block);
  /// Records that `block` (referenced, full) holds content `hash`, unless another block already does.
  void cache(BlockId block, std::uint64_t hash);

 private:
  static constexpr BlockId kNone = -1;
  void unlink(BlockId block);
  void push_back(BlockId block);

  bool caching_;
  std::vector<std::int32_t> ref_;
  std::vector<std::uint64_t> hash_;
  std::vector<std::uint8_t> has_hash_;
  std::vector<BlockId> prev_;  // free queue, a doubly linked list through the blocks
  std::vector<BlockId> next_;
  BlockId head_ = kNone;
  BlockId tail_ = kNone;
  std::int64_t num_free_ = 0;
  std::int64_t evictions_ = 0;

  BlockHashIndex cached_;
};

}  // namespace llmsim::llm
