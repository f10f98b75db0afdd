// SPDX-License-Identifier: MIT
// Prefill and decode pools: hand-computed timelines with an instant and with a finite KV link, the transfer
// formula, and the prefill replica holding the KV cache until the copy is done.
#include <gtest/gtest.h>

#include "fixed_predictor.hpp"
#include "llmsim/llm/kv_transfer.hpp"
#include "llmsim/llm/simulation.hpp"

namespace llmsim::llm {
namespace {

using testing::FixedPredictor;
using testing::small_cluster;

constexpr SimTime kMs = 1'000'000;

// One prefill and one decode replica (vLLM, 1 ms per batch), least_outstanding routing on both sides.
SimulationConfig one_and_one(SimTime kv_latency, double kv_bandwidth) {
  SimulationConfig c = small_cluster(1, 1, "vllm", "least_outstanding");
  PoolConfig prefill = c.cluster.pools.front();
  prefill.name = "prefill";
  prefill.role = PoolRole::prefill;
  PoolConfig decode = prefill;
  decode.name = "decode";
  decode.role = PoolRole::decode;
  c.cluster.pools = {prefill, decode};
  c.cluster.kv_transfer.latency = kv_latency;
  c.cluster.kv_transfer.bandwidth_bytes_per_s = kv_bandwidth;
  c.metrics.store_time_series = true;
  return c;
}

// r0 at 0 (16 + 3 tokens), r1 at 0.5 ms (16 + 2), r2 at 10 ms (16 + 4).
const std::vector<RequestSpec> kRequests{RequestSpec{0, 16, 3}, RequestSpec{kMs / 2, 16, 2},
                                         RequestSpec{10 * kMs, 16, 4}};

SimulationResults run(const SimulationConfig& config) {
  const FixedPredictor predictor(1.0);
  Simulation sim(config, kRequests, {&predictor, &predictor});
  return sim.run();
}

TEST(Disaggregation, InstantLinkTimelineMatchesTheHandComputedOne) {
  const SimulationResults r = run(one_and_one(0, 0));
  // Prefill replica: r0 0-1 ms, r1 1-2 ms (it waits for r0's batch), r2 10-11 ms. Each is handed over the instant
  // its prefill (and first token) is done; the decode replica runs r0 alone 1-2 ms, r0 and r1 together 2-3 ms
  // (both complete), r2 11-14 ms.
  ASSERT_EQ(r.requests.size(), 3u);
  const SimTime scheduled[] = {0, 1 * kMs, 10 * kMs};
  const SimTime first_token[] = {1 * kMs, 2 * kMs, 11 * kMs};
  const SimTime done[] = {3 * kMs, 3 * kMs, 14 * kMs};
  for (std::size_t i = 0; i < 3; ++i) {
    const RequestRecord& q = r.requests[i];
    EXPECT_EQ(q.completed, 1) << i;
    EXPECT_EQ(q.replica_id, 1) << i << ": a request's row names its decode replica";
    EXPECT_EQ(q.scheduled_at, scheduled[i]) << i;
    EXPECT_EQ(q.prefill_completed_at, first_token[i]) << i;
    EXPECT_EQ(q.completed_at, done[i]) << i;
    EXPECT_EQ(q.execution_time, (i == 2 ? 4 : 3 - static_cast<SimTime>(i)) * kMs) << i;
  }
  ASSERT_EQ(r.kv_transfers.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const KvTransferRecord& k = r.kv_transfers[i];
    EXPECT_EQ(k.prefill_replica_id, 0);
    EXPECT_EQ(k.decode_replica_id, 1);
    EXPECT_EQ(k.kv_tokens, 16);
    EXPECT_EQ(k.assigned_at, first_token[i]);
    EXPECT_EQ(k.transfer_started_at, first_token[i]);
    EXPECT_EQ(k.transfer_completed_at, first_token[i]);
  }
  // Batches: 3 prefills on replica 0; 1 + 1 + 3 decode iterations on replica 1.
  std::size_t prefills = 0, decodes = 0;
  for (const BatchRecord& b : r.batches) (b.replica_id == 0 ? prefills : decodes) += 1;
  EXPECT_EQ(prefills, 3u);
  EXPECT_EQ(decodes, 5u);
  ASSERT_EQ(r.pools.size(), 2u);
  EXPECT_EQ(r.pools[0].num_requests, 3);  // prefilled there
  EXPECT_EQ(r.pools[1].num_requests, 3);
}

TEST(Disaggregation, TransferTimeFollowsTheFormulaAndBothReplicasHoldTheBlocks) {
  // Llama-2-7B: 2 x 32 layers x 32 KV heads x 128 x 2 B = 512 KiB per token; 16 tokens = 8 MiB at 1 GB/s over one
  // link (TP1 both sides) = 8.388608 ms, plus 1 ms latency.
  const SimulationConfig c = one_and_one(1 * kMs, 1e9);
  const KvTransferModel kv(c.cluster);
  EXPECT_DOUBLE_EQ(kv.bytes(16), 16.0 * 2 * 32 * 32 * 128 * 2);
  EXPECT_EQ(kv.streams(0, 1), 1);
  const SimTime took = 1 * kMs + 8'388'608;
  EXPECT_EQ(kv.time(0, 1, 16), took);
  const SimulationResults r = run(c);
  ASSERT_EQ(r.kv_transfers.size(), 3u);
  // r0: prefill ends at 1 ms; the copy takes `took`; decodes at 1 ms + took, then 1 ms each (3 tokens: the first
  // came from the prefill, two decode iterations).
  const KvTransferRecord& k0 = r.kv_transfers[0];
  EXPECT_EQ(k0.transfer_started_at, 1 * kMs);
  EXPECT_EQ(k0.transfer_completed_at, 1 * kMs + took);
  EXPECT_EQ(r.requests[0].completed_at, 1 * kMs + took + 2 * kMs);
  EXPECT_EQ(r.requests[0].prefill_completed_at, 1 * kMs);  // TTFT as DistServe: the prefill's first token
  for (const KvTransferRecord& k : r.kv_transfers) EXPECT_EQ(k.transfer_completed_at - k.transfer_started_at, took);
  // The prefill replica holds each prompt's block until its copy is done (its state after each round): r0's
  // (copied until 1 ms + took = 10.39 ms) and r1's (prefilled at 2 ms, copied until 11.39 ms) at 2 ms; r2's alone
  // (prefilled from 10 ms) once r1's copy is done; nothing after r2's copy.
  auto blocks_at = [&](ReplicaId replica, SimTime t) {
    std::int64_t used = -1;
    for (const TimeSeriesRecord& s : r.time_series) {
      if (s.replica_id == replica && s.time <= t) used = s.kv_blocks_used;
    }
    return used;
  };
  EXPECT_EQ(blocks_at(0, 2 * kMs), 2) << "prefill side during the copies of r0 and r1";
  EXPECT_EQ(blocks_at(1, 2 * kMs), 2) << "decode side during the copies of r0 and r1";
  EXPECT_EQ(blocks_at(0, 2 * kMs + took), 1) << "r0's and r1's copies done: only r2's block";
  EXPECT_EQ(blocks_at(0, 11 * kMs + took), 0) << "prefill side after every copy";
}

TEST(Disaggregation, ARequestBetweenReplicasWhenTheRunStopsStillHasItsRow) {
  SimulationConfig c = one_and_one(0, 0);
  c.cluster.routing.latency = kMs / 5;  // r0: dispatched at 0.2 ms, prefill 0.2-1.2 ms, handoff at the router 1.4 ms
  c.time_limit_s = 1.3e-3;              // stop while r0's handoff is on its way to the router
  const SimulationResults r = run(c);
  ASSERT_EQ(r.requests.size(), 3u);
  EXPECT_TRUE(r.time_limit_reached);
  for (const RequestRecord& q : r.requests) EXPECT_EQ(q.completed, 0);
  EXPECT_EQ(r.requests[0].replica_id, -1) << "its handoff is between the prefill replica and the router";
  EXPECT_EQ(r.requests[1].replica_id, 0) << "waiting on the prefill replica";
  EXPECT_EQ(r.requests[2].replica_id, -1) << "not arrived";
  EXPECT_TRUE(r.kv_transfers.empty());
}

TEST(Disaggregation, KvShardsFollowTensorAndPipelineParallelism) {
  SimulationConfig c = one_and_one(0, 1e9);
  c.cluster.pools[0].replica.tensor_parallel_size = 4;  // 4 shards of 8 KV heads each
  c.cluster.pools[1].replica.tensor_parallel_size = 2;
  c.cluster.pools[1].replica.num_pipeline_stages = 4;   // 2 x 4 = 8 shards
  const KvTransferModel kv(c.cluster);
  EXPECT_EQ(KvTransferModel::shards(c.cluster.pools[0]), 4);
  EXPECT_EQ(KvTransferModel::shards(c.cluster.pools[1]), 8);
  EXPECT_EQ(kv.streams(0, 1), 4);
  EXPECT_EQ(kv.time(0, 1, 1000), static_cast<SimTime>(std::ceil(kv.bytes(1000) * 1e9 / (4 * 1e9))));
  c.cluster.pools[0].replica.model.num_kv_heads = 2;  // GQA: TP4 over 2 KV heads replicates them: 2 shards
  EXPECT_EQ(KvTransferModel::shards(c.cluster.pools[0]), 2);
}

}  // namespace
}  // namespace llmsim::llm
