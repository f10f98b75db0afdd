// SPDX-License-Identifier: MIT
// Prefix caching by construction: block hash chains, reference counts, LRU eviction order.
#include <gtest/gtest.h>

#include <map>

#include "llmsim/llm/block_hash.hpp"
#include "llmsim/llm/kv_block_pool.hpp"
#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm {
namespace {

std::vector<std::uint64_t> hashes(const TokenContent& c, RequestId id, std::int64_t tokens) {
  std::vector<std::uint64_t> h;
  extend_block_hashes(h, c, id, tokens, 16);
  return h;
}

TEST(BlockHash, EqualPrefixesGiveEqualChainsAndTheFirstDifferenceChangesEveryLaterBlock) {
  const TokenContent family{7, 40, 0};  // 40 shared tokens, then tokens unique to each request
  const auto a = hashes(family, 1, 64);
  const auto b = hashes(family, 2, 64);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0], b[0]);  // tokens 0-15: shared
  EXPECT_EQ(a[1], b[1]);  // 16-31: shared
  EXPECT_NE(a[2], b[2]);  // 32-47: 8 shared + 8 own tokens
  EXPECT_NE(a[3], b[3]);
  // Another family of the same length differs from the first block on.
  EXPECT_NE(hashes({8, 40, 0}, 1, 64)[0], a[0]);
  // The same family with a different length differs where the lengths disagree (the block holding token 40).
  const auto c = hashes({7, 48, 0}, 1, 64);
  EXPECT_EQ(c[1], a[1]);
  EXPECT_NE(c[2], a[2]);
}

TEST(BlockHash, SessionStreamsShareTheirHistoryAndUniqueRequestsShareNothing) {
  // Turn 2 of a session: its prompt is turn 1's prompt + answer + new tokens, one stream.
  const auto turn1 = hashes({0, 0, 99}, 10, 50);  // 3 full blocks
  const auto turn2 = hashes({0, 0, 99}, 11, 90);
  ASSERT_EQ(turn1.size(), 3u);
  for (std::size_t i = 0; i < turn1.size(); ++i) EXPECT_EQ(turn1[i], turn2[i]);
  EXPECT_NE(hashes({}, 1, 32)[0], hashes({}, 2, 32)[0]);
  // Hashing is incremental: extending to more tokens keeps the earlier hashes.
  std::vector<std::uint64_t> h;
  extend_block_hashes(h, {0, 0, 99}, 10, 20, 16);
  extend_block_hashes(h, {0, 0, 99}, 10, 90, 16);
  EXPECT_EQ(h, turn2);
}

TEST(BlockHashIndex, AgreesWithAStandardMapUnderCollidingInsertsAndErases) {
  // 64 slots for up to 50 entries; keys share few home slots (low bits 0..7), so probe runs are long and erases
  // must shift entries back across them and across the end of the table.
  BlockHashIndex index(50);
  std::map<std::uint64_t, BlockId> reference;
  Mt19937 rng = Mt19937::python_seeded(5);
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t key = (static_cast<std::uint64_t>(rng.randbelow(40)) << 32) | rng.randbelow(8) | 56;
    const bool present = reference.contains(key);
    if (present && rng.randbelow(2) == 0) {
      index.erase(key);
      reference.erase(key);
    } else if (!present && reference.size() < 50) {
      const auto block = static_cast<BlockId>(step % 1000);
      ASSERT_TRUE(index.insert(key, block));
      reference[key] = block;
    } else if (present) {
      EXPECT_FALSE(index.insert(key, 7));
    }
    if (step % 97 == 0) {
      for (std::uint64_t k = 0; k < 40; ++k) {
        for (std::uint64_t low = 56; low < 64; ++low) {
          const std::uint64_t probe = (k << 32) | low;
          const auto it = reference.find(probe);
          ASSERT_EQ(index.find(probe), it == reference.end() ? -1 : it->second) << "step " << step;
        }
      }
    }
  }
}

TEST(KvBlockPool, ReferenceCountsKeepSharedBlocksUntilTheLastRelease) {
  KvBlockPool pool(4, true);
  const BlockId b = pool.allocate();
  pool.cache(b, 111);
  pool.touch(b);  // a second request hits it
  EXPECT_EQ(pool.num_used(), 1);
  pool.release(b);
  EXPECT_EQ(pool.num_free(), 3);
  pool.release(b);
  EXPECT_EQ(pool.num_free(), 4);
  EXPECT_EQ(pool.find(111), b) << "an unreferenced block keeps its content until evicted";
  pool.touch(b);  // a hit on a free cached block takes it out of the free queue
  EXPECT_EQ(pool.num_free(), 3);
  EXPECT_EQ(pool.num_evictions(), 0);
}

TEST(KvBlockPool, EvictsTheLeastRecentlyFreedBlockFirst) {
  KvBlockPool pool(3, true);
  const BlockId a = pool.allocate();
  const BlockId b = pool.allocate();
  const BlockId c = pool.allocate();
  pool.cache(a, 1);
  pool.cache(b, 2);
  pool.cache(c, 3);
  pool.release(b);
  pool.release(c);
  pool.release(a);  // free queue: b, c, a
  EXPECT_EQ(pool.allocate(), b);
  EXPECT_EQ(pool.find(2), -1);
  EXPECT_EQ(pool.num_evictions(), 1);
  pool.touch(c);  // hit: c leaves the queue, a is next
  EXPECT_EQ(pool.allocate(), a);
  EXPECT_EQ(pool.find(1), -1);
  EXPECT_EQ(pool.find(3), c);
  EXPECT_EQ(pool.num_evictions(), 2);
  EXPECT_EQ(pool.num_free(), 0);
}

TEST(KvBlockPool, DuplicateContentStaysUncachedAndCachingOffCachesNothing) {
  KvBlockPool pool(2, true);
  const BlockId a = pool.allocate();
  const BlockId b = pool.allocate();
  pool.cache(a, 5);
  pool.cache(b, 5);  // computed twice at once: the first stays the cached copy
  EXPECT_EQ(pool.find(5), a);
  pool.release(b);
  pool.release(a);
  EXPECT_EQ(pool.allocate(), b);
  EXPECT_EQ(pool.num_evictions(), 0) << "b held no cached content";
  KvBlockPool plain(2, false);
  const BlockId p = plain.allocate();
  plain.cache(p, 9);
  EXPECT_EQ(plain.find(9), -1);
}

}  // namespace
}  // namespace llmsim::llm
