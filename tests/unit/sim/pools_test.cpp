// SPDX-License-Identifier: MIT
// Heterogeneous pools: each replica runs its own pool's predictor and policy; /pools rows add up.
#include <gtest/gtest.h>

#include "fixed_predictor.hpp"
#include "llmsim/llm/simulation.hpp"

namespace llmsim::llm {
namespace {

using testing::FixedPredictor;
using testing::small_cluster;

constexpr SimTime kMs = 1'000'000;

// One "slow" replica (4 ms per stage) and two "fast" ones (1 ms, dearer), least_outstanding routing.
SimulationConfig slow_and_fast() {
  SimulationConfig c = small_cluster(1, 1, "vllm", "least_outstanding");
  PoolConfig fast = c.cluster.pools.front();
  c.cluster.pools.front().name = "slow";
  fast.name = "fast";
  fast.num_replicas = 2;
  fast.replica.device.price_per_hour = 4.0;
  c.cluster.pools.push_back(fast);
  return c;
}

TEST(Pools, EachReplicaRunsItsPoolsPredictorAndTheRouterSeesEveryPool) {
  const FixedPredictor slow(4.0);
  const FixedPredictor fast(1.0);
  // Five requests 5 ms apart, 4 output tokens each: 4 iterations, 16 ms on the slow replica, 4 ms on a fast one.
  std::vector<RequestSpec> requests;
  for (int i = 0; i < 5; ++i) requests.emplace_back(5 * i * kMs, 16, 4);
  Simulation sim(slow_and_fast(), requests, {&slow, &fast});
  const SimulationResults r = sim.run();
  // Fewest outstanding, lowest id on ties: t=0 -> r0 (slow, busy until 16 ms); t=5, 10, 15 -> r1 (done by the next
  // arrival); t=20: r0 is done again -> r0.
  const std::vector<ReplicaId> replica{0, 1, 1, 1, 0};
  for (std::size_t i = 0; i < r.requests.size(); ++i) {
    EXPECT_EQ(r.requests[i].replica_id, replica[i]) << i;
    EXPECT_EQ(r.requests[i].e2e_time, (replica[i] == 0 ? 16 : 4) * kMs) << i;
  }
  for (const BatchRecord& b : r.batches) EXPECT_EQ(b.completed_at - b.scheduled_at, (b.replica_id == 0 ? 4 : 1) * kMs);
  ASSERT_EQ(r.pools.size(), 2u);
  EXPECT_EQ(r.pools[0].name, "slow");
  EXPECT_EQ(r.pools[0].first_replica, 0);
  EXPECT_EQ(r.pools[0].num_replicas, 1);
  EXPECT_EQ(r.pools[0].num_requests, 2);
  EXPECT_EQ(r.pools[1].name, "fast");
  EXPECT_EQ(r.pools[1].first_replica, 1);
  EXPECT_EQ(r.pools[1].num_replicas, 2);
  EXPECT_EQ(r.pools[1].num_requests, 3);
  EXPECT_EQ(r.pools[1].completed_requests, 3);
  EXPECT_EQ(r.pools[1].num_gpus, 2);
  EXPECT_DOUBLE_EQ(r.pools[0].cost_per_hour, 2.21);
  EXPECT_DOUBLE_EQ(r.pools[1].cost_per_hour, 8.0);
  // The slow replica was busy 32 of the 36 ms between its first batch start and last batch end.
  EXPECT_NEAR(r.pools[0].busy_time_mean_percent, 100.0 * 32 / 36, 1e-12);
  EXPECT_DOUBLE_EQ(r.pools[1].busy_time_mean_percent,
                   (r.replica_stages[1].busy_time_percent + r.replica_stages[2].busy_time_percent) / 2);
}

}  // namespace
}  // namespace llmsim::llm
