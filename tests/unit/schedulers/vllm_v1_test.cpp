// SPDX-License-Identifier: MIT
// vllm_v1: token budget, running-first order, preemption of the newest, prefix-cache hits (docs/vllm-v1.md).
#include <gtest/gtest.h>

#include "scheduler_harness.hpp"

namespace llmsim::testing {
namespace {

using Ids = std::vector<llm::RequestId>;
using Tokens = std::vector<std::int64_t>;

llm::ReplicaSchedulerConfig v1(std::int64_t budget, std::int64_t blocks = 1000, bool caching = true) {
  llm::ReplicaSchedulerConfig c = policy("vllm_v1");
  c.max_num_batched_tokens = budget;
  c.max_num_seqs = 64;
  c.num_blocks = blocks;
  c.enable_prefix_caching = caching;
  return c;
}

// Requests arriving at 0, 1, ... that all start with `shared` tokens of one system prompt.
std::vector<llm::RequestSpec> family(std::initializer_list<std::pair<std::int64_t, std::int64_t>> pd,
                                     std::int64_t shared) {
  std::vector<llm::RequestSpec> out = prompts(pd);
  for (llm::RequestSpec& r : out) r.content = llm::TokenContent{77, std::min(shared, r.num_prefill_tokens), 0};
  return out;
}

TEST(VllmV1, OneTokenBudgetForDecodesAndPrefillChunks) {
  SchedulerHarness h(v1(32, 1000, false), prompts({{40, 3}, {30, 3}}));
  h.add(0);
  h.add(1);
  const llm::Batch first = h.one();  // 0's first chunk takes the whole budget
  EXPECT_EQ(first.requests, (Ids{0}));
  EXPECT_EQ(first.num_tokens, (Tokens{32}));
  h.finish(first);
  const llm::Batch second = h.one();  // 0's last 8 prompt tokens, then 1's first 24
  EXPECT_EQ(second.requests, (Ids{0, 1}));
  EXPECT_EQ(second.num_tokens, (Tokens{8, 24}));
  h.finish(second);
  const llm::Batch third = h.one();  // running first: 0 decodes, 1 computes its last 6 prompt tokens
  EXPECT_EQ(third.requests, (Ids{0, 1}));
  EXPECT_EQ(third.num_tokens, (Tokens{1, 6}));
}

TEST(VllmV1, PreemptsTheNewestRunningRequestAndAdmitsNothingInThatStep) {
  // 4 blocks of 16: 0 (32 tokens) and 1 (16) fill 3 blocks in one step; at their first decode both need a
  // block for token 33 / 17: 0 takes the last one, 1 (the newest) is preempted; 2 waits.
  SchedulerHarness h(v1(256, 4, false), prompts({{32, 4}, {16, 4}, {8, 2}}));
  h.add(0);
  h.add(1);
  h.finish(h.one());
  h.add(2);
  const llm::Batch decode = h.one();
  EXPECT_EQ(decode.requests, (Ids{0}));
  EXPECT_EQ(h.request(1).num_restarts(), 1);
  EXPECT_EQ(h.request(1).num_prefill_tokens(), 17);  // recomputes its prompt and first output token
  EXPECT_EQ(h.scheduler->num_pending_requests(), 2u);  // 1 first, then 2
  EXPECT_EQ(h.scheduler->num_allocated_blocks(), 3);
}

TEST(VllmV1, APromptStartingWithACachedPrefixComputesOnlyTheRest) {
  // Both start with the same 64 tokens (4 blocks); 0's blocks are cached when it is scheduled, so 1, admitted in
  // the same step, already finds them.
  SchedulerHarness h(v1(256), family({{74, 2}, {70, 2}}, 64));
  h.add(0);
  h.add(1);
  const llm::Batch b = h.one();
  EXPECT_EQ(b.requests, (Ids{0, 1}));
  EXPECT_EQ(b.num_tokens, (Tokens{74, 6}));
  EXPECT_EQ(h.request(1).num_cached_tokens(), 64);
  EXPECT_EQ(h.request(1).num_processed_tokens(), 64);
  const auto stats = h.scheduler->prefix_cache_stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->lookups, 2);
  EXPECT_EQ(stats->lookup_tokens, 144);
  EXPECT_EQ(stats->hit_tokens, 64);
  // 0 holds 5 blocks, 1 shares 4 of them and holds 1 of its own.
  EXPECT_EQ(h.scheduler->num_allocated_blocks(), 6);
}

TEST(VllmV1, AFullyCachedBlockAlignedPromptRecomputesItsLastBlock) {
  SchedulerHarness h(v1(256), family({{64, 2}, {64, 2}}, 64));
  h.add(0);
  h.finish(h.one());
  h.add(1);
  const llm::Batch b = h.one();  // 0 decodes; 1 hits (64 - 1) / 16 = 3 blocks and computes the last 16 tokens
  EXPECT_EQ(b.requests, (Ids{0, 1}));
  EXPECT_EQ(b.num_tokens, (Tokens{1, 16}));
}

TEST(VllmV1, CachedBlocksOutliveTheirRequest) {
  SchedulerHarness h(v1(256, 8), family({{32, 1}, {32, 1}, {48, 1}}, 32));
  h.add(0);
  h.finish(h.one());  // 0 completes (one output token): its 2 blocks are free but keep their content
  EXPECT_EQ(h.scheduler->num_allocated_blocks(), 0);
  h.add(1);
  EXPECT_EQ(h.one().num_tokens, (Tokens{16}));  // hits block 0 of 0's prompt
  auto stats = h.scheduler->prefix_cache_stats();
  EXPECT_EQ(stats->hit_tokens, 16);
  EXPECT_EQ(stats->evictions, 0);
}

TEST(VllmV1, WithCachingOffNothingIsShared) {
  SchedulerHarness h(v1(256, 1000, false), family({{74, 2}, {70, 2}}, 64));
  h.add(0);
  h.add(1);
  EXPECT_EQ(h.one().num_tokens, (Tokens{74, 70}));
  EXPECT_FALSE(h.scheduler->prefix_cache_stats().has_value());
}

}  // namespace
}  // namespace llmsim::testing
