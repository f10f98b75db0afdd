// SPDX-License-Identifier: MIT
// Whole-simulation timelines with a fixed 1 ms stage time (expected values worked out from spec 2.3/2.4).
#include "llmsim/llm/simulation.hpp"

#include <gtest/gtest.h>

#include "fixed_predictor.hpp"

namespace llmsim::llm {
namespace {

using testing::FixedPredictor;
using testing::small_cluster;

constexpr SimTime kMs = 1'000'000;

SimulationResults run(const SimulationConfig& config, const std::vector<RequestSpec>& requests) {
  const FixedPredictor predictor(1.0);
  Simulation sim(config, requests, {&predictor});
  return sim.run();
}

TEST(Simulation, SingleRequestNeedsOnePrefillAndDecodeMinusOneIterations) {
  const auto r = run(small_cluster(1, 1, "vllm", "round_robin"), {RequestSpec{5 * kMs, 16, 3}});
  const RequestRecord& row = r.requests.at(0);
  EXPECT_EQ(row.completed, 1);
  EXPECT_EQ(row.scheduling_delay, 0);
  EXPECT_EQ(row.prefill_e2e_time, 1 * kMs);
  EXPECT_EQ(row.e2e_time, 3 * kMs);
  EXPECT_EQ(row.execution_time, 3 * kMs);
  EXPECT_EQ(row.preemption_time, 0);
  EXPECT_EQ(r.makespan, 8 * kMs);
  EXPECT_EQ(r.batches.size(), 3u);
  EXPECT_EQ(r.batches[0].num_prefill_tokens, 16);
  EXPECT_EQ(r.batches[1].num_decode_tokens, 1);
}

TEST(Simulation, PipelineStagesRunBackToBackAndCountExecutionPerStage) {
  const auto r = run(small_cluster(1, 2, "vllm", "round_robin"), {RequestSpec{0, 16, 2}});
  const RequestRecord& row = r.requests.at(0);
  // Two iterations (prefill, one decode), each through two 1 ms stages.
  EXPECT_EQ(row.prefill_e2e_time, 2 * kMs);
  EXPECT_EQ(row.e2e_time, 4 * kMs);
  EXPECT_EQ(row.execution_time, 4 * kMs);
  EXPECT_EQ(row.preemption_time, 0);
  ASSERT_EQ(r.replica_stages.size(), 2u);
  EXPECT_EQ(r.replica_stages[1].busy_time, 2 * kMs);
  EXPECT_EQ(r.replica_stages[1].first_start, 1 * kMs);
}

TEST(Simulation, SecondRequestWaitsForTheRunningBatch) {
  // vLLM: B arrives while A's prefill runs; B's prefill starts when A's batch ends (new prompts first).
  const auto r = run(small_cluster(1, 1, "vllm", "round_robin"),
                     {RequestSpec{0, 16, 2}, RequestSpec{kMs / 2, 16, 2}});
  EXPECT_EQ(r.requests[1].scheduling_delay, kMs / 2);
  EXPECT_EQ(r.requests[1].prefill_e2e_time, 3 * kMs / 2);
  EXPECT_EQ(r.requests[0].completed_at, 3 * kMs);  // A decodes after B's prefill, together with B
  EXPECT_EQ(r.requests[1].completed_at, 3 * kMs);
}

TEST(Simulation, LorSendsEverythingToReplicaZeroAtLowLoad) {
  // Vidur's LOR only sees pending queues, which an idle replica drains immediately (spec 6, 11 item 17).
  std::vector<RequestSpec> requests;
  for (int i = 0; i < 5; ++i) requests.push_back(RequestSpec{i * 100 * kMs, 16, 2});
  const auto r = run(small_cluster(3, 1, "vllm", "lor"), requests);
  for (const RequestRecord& row : r.requests) EXPECT_EQ(row.replica_id, 0);
  EXPECT_EQ(r.replicas[0].num_requests, 5);
}

TEST(Simulation, SimultaneousArrivalsAreRoutedTogether) {
  // All arrivals at one instant are queued before the router runs, so LOR spreads them.
  const auto r = run(small_cluster(3, 1, "vllm", "lor"),
                     {RequestSpec{0, 16, 2}, RequestSpec{0, 16, 2}, RequestSpec{0, 16, 2}});
  EXPECT_EQ(r.requests[0].replica_id, 0);
  EXPECT_EQ(r.requests[1].replica_id, 1);
  EXPECT_EQ(r.requests[2].replica_id, 2);
}

TEST(Simulation, PromptThatCanNeverBeAdmittedIsReportedAsStalled) {
  SimulationConfig config = small_cluster(1, 1, "vllm", "round_robin");
  config.cluster.pools[0].replica_scheduler.max_tokens_in_batch = 64;
  const FixedPredictor predictor(1.0);
  Simulation sim(config, {RequestSpec{0, 16, 2}, RequestSpec{kMs, 100, 2}}, {&predictor});
  const auto r = sim.run();
  EXPECT_EQ(r.requests[0].completed, 1);
  EXPECT_EQ(r.requests[1].completed, 0);
  EXPECT_EQ(sim.num_stalled_requests(), 1);
}

TEST(Simulation, TimeLimitStopsTheRunAndLeavesRequestsIncomplete) {
  SimulationConfig config = small_cluster(1, 1, "vllm", "round_robin");
  config.time_limit_s = 0.0025;
  const auto r = run(config, {RequestSpec{0, 16, 10}});
  EXPECT_TRUE(r.time_limit_reached);
  EXPECT_EQ(r.requests[0].completed, 0);
  EXPECT_EQ(r.requests[0].e2e_time, -1);
  EXPECT_LE(r.makespan, 2500000);
}

}  // namespace
}  // namespace llmsim::llm
