// SPDX-License-Identifier: MIT
// Token-level metrics (ITL, TPOT) and replica time series on a 3-request timeline worked out by hand with a fixed
// 1 ms stage time, vLLM batching, one replica.
#include <gtest/gtest.h>

#include <cmath>

#include "fixed_predictor.hpp"
#include "llmsim/llm/result_stats.hpp"
#include "llmsim/llm/simulation.hpp"

namespace llmsim::llm {
namespace {

using testing::FixedPredictor;
using testing::small_cluster;

constexpr SimTime kMs = 1'000'000;
constexpr double kMsS = 1e-3;  // one millisecond in seconds

// A (0 ms, 16 prompt tokens, 3 output tokens) prefills in [0, 1]; B (0.5 ms, 16, 2) waits and prefills alone in
// [1, 2] (vLLM runs new prompts first); A and B decode together in [2, 3], B ends; A decodes in [3, 4].
// C (10 ms, 16, 4) runs alone: prefill [10, 11], decodes ending at 12, 13, 14 ms.
SimulationResults three_requests(bool tokens, bool time_series) {
  SimulationConfig config = small_cluster(1, 1, "vllm", "round_robin");
  config.metrics.store_token_completion_metrics = tokens;
  config.metrics.store_time_series = time_series;
  const FixedPredictor predictor(1.0);
  Simulation sim(config, {RequestSpec{0, 16, 3}, RequestSpec{kMs / 2, 16, 2}, RequestSpec{10 * kMs, 16, 4}},
                 {&predictor});
  return sim.run();
}

TEST(ServingMetrics, EveryOutputTokenCompletesAtItsIterationEnd) {
  const SimulationResults r = three_requests(true, false);
  const std::vector<std::vector<SimTime>> expected{{1, 3, 4}, {2, 3}, {11, 12, 13, 14}};
  std::size_t row = 0;
  for (std::size_t id = 0; id < expected.size(); ++id) {
    for (std::size_t k = 0; k < expected[id].size(); ++k, ++row) {
      ASSERT_LT(row, r.tokens.size());
      EXPECT_EQ(r.tokens[row].request_id, static_cast<RequestId>(id));
      EXPECT_EQ(r.tokens[row].token_index, static_cast<std::int32_t>(k));
      EXPECT_EQ(r.tokens[row].completed_at, expected[id][k] * kMs) << "request " << id << " token " << k;
    }
    EXPECT_EQ(r.requests[id].prefill_completed_at, expected[id].front() * kMs);
    EXPECT_EQ(r.requests[id].completed_at, expected[id].back() * kMs);
  }
  EXPECT_EQ(r.tokens.size(), row);
}

TEST(ServingMetrics, ItlPoolsTheGapsBetweenConsecutiveTokens) {
  // Gaps: A 2, 1; B 1; C 1, 1, 1 (ms). Sorted 1 1 1 1 1 2: P50 1, P90 at rank 4.5 -> 1.5, P99 at 4.95 -> 1.95.
  const Quantiles itl = quantiles(inter_token_latencies(three_requests(true, false)));
  EXPECT_NEAR(itl.mean, 7.0 / 6.0 * kMsS, 1e-15);
  EXPECT_NEAR(itl.p50, 1.0 * kMsS, 1e-15);
  EXPECT_NEAR(itl.p90, 1.5 * kMsS, 1e-15);
  EXPECT_NEAR(itl.p99, 1.95 * kMsS, 1e-15);
}

TEST(ServingMetrics, TpotDividesTheDecodeTimeByTheTokensAfterTheFirst) {
  const SimulationResults r = three_requests(false, false);
  // A (4 - 1) / 2 = 1.5 ms, B (3 - 2) / 1 = 1 ms, C (14 - 11) / 3 = 1 ms.
  const Quantiles tpot = quantiles(completed_request_metric(r, "tpot"));
  EXPECT_NEAR(tpot.mean, 3.5 / 3.0 * kMsS, 1e-15);
  EXPECT_NEAR(tpot.p50, 1.0 * kMsS, 1e-15);
  EXPECT_NEAR(tpot.p90, 1.4 * kMsS, 1e-15);
  EXPECT_NEAR(tpot.p99, 1.49 * kMsS, 1e-15);
  // Same decode time as Vidur's TBT, which divides by all output tokens: TPOT x (D - 1) = TBT x D.
  const std::vector<double> tbt = completed_request_metric(r, "tbt");
  const std::vector<double> tpot_each = completed_request_metric(r, "tpot");
  ASSERT_EQ(tbt.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto d = static_cast<double>(r.requests[i].num_decode_tokens);
    EXPECT_NEAR(tpot_each[i] * (d - 1), tbt[i] * d, 1e-15);
  }
  EXPECT_TRUE(r.tokens.empty()) << "tokens are opt-in";
  EXPECT_TRUE(inter_token_latencies(r).empty());
}

TEST(ServingMetrics, SloAttainmentCountsRequestsMeetingEverySlo) {
  const SimulationResults r = three_requests(false, false);
  // TTFT: A 1 ms, B 1.5 ms, C 1 ms; TPOT: A 1.5 ms, B 1 ms, C 1 ms.
  EXPECT_DOUBLE_EQ(slo_attainment(r, {{"ttft", 2 * kMsS}}), 1.0);
  EXPECT_DOUBLE_EQ(slo_attainment(r, {{"tpot", 1.2 * kMsS}}), 2.0 / 3);        // A misses
  EXPECT_DOUBLE_EQ(slo_attainment(r, {{"ttft", 1.2 * kMsS}, {"tpot", 1.2 * kMsS}}), 1.0 / 3);  // C only
  SimulationResults unfinished = r;
  unfinished.requests[2].completed = 0;  // a request that did not complete misses every SLO
  unfinished.request_summary = {};
  for (const RequestRecord& q : unfinished.requests) unfinished.request_summary.add(q);
  EXPECT_DOUBLE_EQ(slo_attainment(unfinished, {{"ttft", 2 * kMsS}}), 2.0 / 3);
}

TEST(ServingMetrics, TpotLeavesOutRequestsOfOneOutputToken) {
  SimulationConfig config = small_cluster(1, 1, "vllm", "round_robin");
  const FixedPredictor predictor(1.0);
  Simulation sim(config, {RequestSpec{0, 16, 1}, RequestSpec{10 * kMs, 16, 2}}, {&predictor});
  const SimulationResults r = sim.run();
  EXPECT_EQ(completed_request_metric(r, "tpot"), std::vector<double>{1.0 * kMsS});
  EXPECT_EQ(completed_request_metric(r, "ttft").size(), 2u);
}

TEST(ServingMetrics, TimeSeriesHoldsEachChangeOfQueueRunningAndMemory) {
  const SimulationResults r = three_requests(false, true);
  // 16 tokens = one block each at admission; a decode needing token 17 adds a block; completion frees all.
  const std::vector<TimeSeriesRecord> expected{
      {0, 0, 0, 1, 1},                 // A admitted
      {0, 1, kMs / 2, 1, 1},           // B queued behind A's batch
      {0, 0, 1 * kMs, 1, 2},           // B prefills
      {0, 0, 2 * kMs, 2, 4},           // A and B decode, one more block each
      {0, 0, 3 * kMs, 1, 2},           // B done
      {0, 0, 4 * kMs, 0, 0},           // A done
      {0, 0, 10 * kMs, 1, 1},          // C
      {0, 0, 11 * kMs, 1, 2},          // C's first decode needs its second block
      {0, 0, 14 * kMs, 0, 0}};         // C done (12 and 13 ms change nothing)
  EXPECT_EQ(r.time_series, expected);
  EXPECT_TRUE(three_requests(false, false).time_series.empty()) << "time series are opt-in";
}


TEST(ServingMetrics, ARestartedRequestEmitsEachTokenOnce) {
  // 4 blocks: A (32 + 4) and B (16 + 4) prefill together in [0, 1] (3 blocks); at 1 ms both need a block for
  // their next token, A takes the last one and B (the newest) is preempted. A decodes until 4 ms; B recomputes its
  // 17 seen tokens in [4, 5], which yields its token 1, then decodes tokens 2 and 3.
  SimulationConfig config = small_cluster(1, 1, "vllm", "round_robin");
  config.cluster.pools[0].replica_scheduler.num_blocks = 4;
  config.cluster.pools[0].replica_scheduler.watermark_blocks_fraction = 0;
  config.metrics.store_token_completion_metrics = true;
  const FixedPredictor predictor(1.0);
  Simulation sim(config, {RequestSpec{0, 32, 4}, RequestSpec{0, 16, 4}}, {&predictor});
  const SimulationResults r = sim.run();
  ASSERT_EQ(r.requests[1].num_restarts, 1);
  const std::vector<TokenRecord> expected{{0, 1 * kMs, 0, 0}, {0, 2 * kMs, 1, 0}, {0, 3 * kMs, 2, 0},
                                          {0, 4 * kMs, 3, 0}, {1, 1 * kMs, 0, 0}, {1, 5 * kMs, 1, 0},
                                          {1, 6 * kMs, 2, 0}, {1, 7 * kMs, 3, 0}};
  EXPECT_EQ(r.tokens, expected);
  const Quantiles itl = quantiles(inter_token_latencies(r));  // 1 1 1 4 1 1 ms
  EXPECT_NEAR(itl.mean, 1.5 * kMsS, 1e-15);
  EXPECT_NEAR(itl.p99, (1 + 0.95 * 3) * kMsS, 1e-15);
}

}  // namespace
}  // namespace llmsim::llm
