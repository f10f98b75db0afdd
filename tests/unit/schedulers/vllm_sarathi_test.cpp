// SPDX-License-Identifier: MIT
// vLLM and Sarathi policies (expected batches worked out by hand from vidur-simulation-core.md 4.3, 4.4).
#include <gtest/gtest.h>

#include "scheduler_harness.hpp"

namespace llmsim::testing {
namespace {

using Ids = std::vector<llm::RequestId>;
using Tokens = std::vector<std::int64_t>;

TEST(Vllm, PrefillOnlyBatchesThenDecodes) {
  SchedulerHarness h(policy("vllm"), prompts({{16, 3}, {16, 3}}));
  h.add(0);
  h.add(1);
  const llm::Batch prefill = h.one();
  EXPECT_EQ(prefill.requests, (Ids{0, 1}));
  EXPECT_EQ(prefill.num_tokens, (Tokens{16, 16}));
  h.finish(prefill);
  const llm::Batch decode = h.one();
  EXPECT_EQ(decode.num_tokens, (Tokens{1, 1}));
  EXPECT_EQ(decode.num_decode_tokens, 2);
}

TEST(Vllm, NewPromptsArePreferredOverRunningDecodes) {
  SchedulerHarness h(policy("vllm"), prompts({{16, 3}, {16, 3}}));
  h.add(0);
  h.finish(h.one());
  h.add(1);
  EXPECT_EQ(h.one().requests, (Ids{1}));  // prefill of 1 while 0 waits to decode
}

TEST(Vllm, PaddedTokenBudgetLimitsThePrefillBatch) {
  llm::ReplicaSchedulerConfig c = policy("vllm");
  c.max_tokens_in_batch = 40;
  SchedulerHarness h(c, prompts({{16, 3}, {30, 3}}));
  h.add(0);
  h.add(1);
  EXPECT_EQ(h.one().requests, (Ids{0}));  // 2 x max(16, 30) = 60 > 40
}

TEST(Vllm, WatermarkRefusesAdmissionThatWouldEatTheReserve) {
  llm::ReplicaSchedulerConfig c = policy("vllm");
  c.num_blocks = 100;
  c.watermark_blocks_fraction = 0.1;  // 10 blocks held back
  SchedulerHarness h(c, prompts({{16 * 91, 3}, {16 * 90, 3}}));
  h.add(0);
  EXPECT_TRUE(h.schedule().empty());  // 100 - 91 = 9 < 10
  SchedulerHarness ok(c, prompts({{16 * 90, 3}}));
  ok.add(0);
  EXPECT_EQ(ok.one().requests, (Ids{0}));  // 100 - 90 = 10 >= 10
}

TEST(Vllm, PreemptsTheLatestArrivedRunningRequestAndRequeuesItFirst) {
  llm::ReplicaSchedulerConfig c = policy("vllm");
  c.num_blocks = 3;
  c.watermark_blocks_fraction = 0;
  SchedulerHarness h(c, prompts({{32, 4}, {16, 4}}));
  h.add(0);
  h.add(1);
  h.finish(h.one());  // 0 holds 2 blocks, 1 holds 1: memory full
  const llm::Batch decode = h.one();
  // 0 needs a free block; victim = last running request = 1, restarted with its 17 seen tokens as prompt.
  EXPECT_EQ(decode.requests, (Ids{0}));
  EXPECT_EQ(h.request(1).num_restarts(), 1);
  EXPECT_EQ(h.request(1).num_prefill_tokens(), 17);
  EXPECT_EQ(h.request(1).num_decode_tokens(), 3);
  EXPECT_EQ(h.scheduler->num_pending_requests(), 1u);
  EXPECT_EQ(h.scheduler->num_allocated_blocks(), 3);
}

TEST(Vllm, PipelineKeepsUpToStagesBatchesInFlightWithMicroBatchCap) {
  llm::ReplicaSchedulerConfig c = policy("vllm");
  c.batch_size_cap = 4;  // micro-batch = 4 // 2 stages = 2
  SchedulerHarness h(c, prompts({{16, 3}, {16, 3}, {16, 3}}), 2);
  for (llm::RequestId i = 0; i < 3; ++i) h.add(i);
  const std::vector<llm::Batch> batches = h.schedule();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].requests, (Ids{0, 1}));
  EXPECT_EQ(batches[1].requests, (Ids{2}));
  EXPECT_TRUE(h.schedule().empty());  // two batches already in flight
}

TEST(Sarathi, ChunksLongPromptsByChunkSize) {
  llm::ReplicaSchedulerConfig c = policy("sarathi");
  c.chunk_size = 512;
  SchedulerHarness h(c, prompts({{1200, 2}}));
  h.add(0);
  Tokens chunks;
  for (int i = 0; i < 3; ++i) {
    const llm::Batch b = h.one();
    chunks.push_back(b.num_tokens[0]);
    h.finish(b);
  }
  EXPECT_EQ(chunks, (Tokens{512, 512, 176}));
  EXPECT_TRUE(h.request(0).is_prefill_complete());
}

TEST(Sarathi, HybridBatchPutsDecodesFirstThenFillsTheChunk) {
  llm::ReplicaSchedulerConfig c = policy("sarathi");
  c.chunk_size = 512;
  SchedulerHarness h(c, prompts({{16, 5}, {1000, 5}}));
  h.add(0);
  h.finish(h.one());
  h.add(1);
  const llm::Batch b = h.one();
  EXPECT_EQ(b.requests, (Ids{0, 1}));
  EXPECT_EQ(b.num_tokens, (Tokens{1, 511}));
  EXPECT_EQ(b.num_prefill_tokens, 511);
}

TEST(Sarathi, DecodesBeyondTheChunkBudgetStarveNewPrompts) {
  llm::ReplicaSchedulerConfig c = policy("sarathi");
  c.chunk_size = 2;
  SchedulerHarness h(c, prompts({{1, 5}, {1, 5}, {1, 5}, {1, 5}}));
  for (llm::RequestId i = 0; i < 3; ++i) h.add(i);
  h.finish(h.one());  // a 2-token chunk budget admits only requests 0 and 1 (1 token each)
  h.finish(h.one());  // 0, 1 decode (2 tokens); 2 does not fit
  h.add(3);
  const llm::Batch b = h.one();
  EXPECT_EQ(b.num_decode_tokens, 2);
  EXPECT_EQ(b.num_prefill_tokens, 0);
}

}  // namespace
}  // namespace llmsim::testing
