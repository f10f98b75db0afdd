// SPDX-License-Identifier: MIT
// Orca, FasterTransformer, LightLLM and the factory (expected values from vidur-simulation-core.md 4.5-4.7).
#include <gtest/gtest.h>

#include "llmsim/util/error.hpp"
#include "scheduler_harness.hpp"

namespace llmsim::testing {
namespace {

using Ids = std::vector<llm::RequestId>;
using Tokens = std::vector<std::int64_t>;

TEST(Orca, ReservesMaxTokensPerRequestAndMixesPrefillsWithDecodes) {
  llm::ReplicaSchedulerConfig c = policy("orca");
  c.num_blocks = 600;  // 4096 / 16 = 256 blocks per request -> two fit
  SchedulerHarness h(c, prompts({{100, 3}, {50, 3}, {70, 3}}));
  for (llm::RequestId i = 0; i < 3; ++i) h.add(i);
  const llm::Batch first = h.one();
  EXPECT_EQ(first.requests, (Ids{0, 1}));
  EXPECT_EQ(h.scheduler->num_allocated_blocks(), 512);
  h.finish(first);
  const llm::Batch second = h.one();
  EXPECT_EQ(second.requests, (Ids{0, 1}));  // request 2 still does not fit
  EXPECT_EQ(second.num_tokens, (Tokens{1, 1}));
}

TEST(Orca, BatchSizeIsLimitedByCapAndPlanner) {
  llm::ReplicaSchedulerConfig c = policy("orca");
  c.batch_size_cap = 2;
  SchedulerHarness h(c, prompts({{10, 2}, {10, 2}, {10, 2}}));
  for (llm::RequestId i = 0; i < 3; ++i) h.add(i);
  h.finish(h.one());
  const llm::Batch b = h.one();
  EXPECT_EQ(b.requests, (Ids{0, 1}));  // running requests first; the cap leaves no room for 2
}

TEST(FasterTransformer, StaticBatchRunsAloneUntilAllMembersFinishAndFreesEarlyFinishers) {
  SchedulerHarness h(policy("faster_transformer"), prompts({{10, 2}, {10, 4}, {10, 2}}));
  h.add(0);
  h.add(1);
  h.finish(h.one());  // prefill of 0 and 1
  h.add(2);
  const llm::Batch b = h.one();
  EXPECT_EQ(b.requests, (Ids{0, 1}));  // request 2 waits for the static batch
  h.finish(b);                          // 0 completes here (d = 2)
  EXPECT_TRUE(h.request(0).completed());
  EXPECT_EQ(h.scheduler->num_allocated_blocks(), 256);  // fix of Vidur's leak: 0's blocks are already free
  EXPECT_EQ(h.one().requests, (Ids{1}));
}

TEST(LightLlm, AlternatesDecodesAndPrefillsEveryMaxWaitingIters) {
  llm::ReplicaSchedulerConfig c = policy("lightllm");
  c.block_size = 1;
  c.max_waiting_iters = 2;
  SchedulerHarness h(c, prompts({{10, 20}, {10, 20}}));
  h.add(0);
  h.finish(h.one());  // prefill of 0
  h.add(1);
  h.finish(h.one());  // decode (1 waiting iteration)
  h.finish(h.one());  // decode (2 waiting iterations)
  const llm::Batch b = h.one();
  EXPECT_EQ(b.requests, (Ids{1}));  // max_waiting_iters reached: prefill the waiting request
  EXPECT_EQ(b.num_tokens, (Tokens{10}));
}

TEST(LightLlm, RefusesRequestsWhoseFutureFootprintDoesNotFit) {
  llm::ReplicaSchedulerConfig c = policy("lightllm");
  c.block_size = 1;
  c.num_blocks = 40;
  // Unscheduled footprint (p + 1, d - 2): (11, 18) -> need 18 + 11 = 29 < 40 admits the first;
  // with the second, sorted by remaining (18, 18): need max(18 + 11, 36 + 22) = 58 >= 40.
  SchedulerHarness h(c, prompts({{10, 20}, {10, 20}}));
  h.add(0);
  h.add(1);
  EXPECT_EQ(h.one().requests, (Ids{0}));
}

TEST(Factory, RejectsUnknownPoliciesAndLightLlmPreconditions) {
  try {
    SchedulerHarness h(policy("vlm"), prompts({{1, 1}}));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("vllm, sarathi, orca, faster_transformer, lightllm, vllm_v1"),
              std::string::npos);
  }
  EXPECT_THROW(SchedulerHarness(policy("lightllm"), prompts({{1, 1}})), ConfigError);  // block_size 16
  llm::ReplicaSchedulerConfig c = policy("lightllm");
  c.block_size = 1;
  EXPECT_THROW(SchedulerHarness(c, prompts({{1, 1}}), 2), ConfigError);  // pipeline stages
  EXPECT_EQ(llm::replica_schedulers().size(), 6u);
}

}  // namespace
}  // namespace llmsim::testing
