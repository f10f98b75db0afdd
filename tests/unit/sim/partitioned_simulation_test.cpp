// SPDX-License-Identifier: MIT
// Partitioned runs on in-process logical ranks give exactly the single-process results.
#include <gtest/gtest.h>

#include <stdexcept>

#include "fixed_predictor.hpp"
#include "llmsim/des/local_transport.hpp"
#include "llmsim/llm/simulation.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm {
namespace {

using testing::FixedPredictor;
using testing::small_cluster;

std::vector<RequestSpec> workload(int n) {
  Mt19937 rng = Mt19937::python_seeded(5);
  std::vector<RequestSpec> out;
  SimTime t = 0;
  for (int i = 0; i < n; ++i) {
    t += static_cast<SimTime>(rng.random() * 4e6);  // mean gap 2 ms, ties allowed
    out.push_back(RequestSpec{t, 1 + static_cast<std::int64_t>(rng.randbelow(300)),
                              1 + static_cast<std::int64_t>(rng.randbelow(40))});
  }
  return out;
}

SimulationConfig config(const char* scheduler, const char* router) {
  SimulationConfig c = small_cluster(6, 2, scheduler, router);
  c.cluster.routing.latency = 50'000;  // 50 us
  c.metrics.enable_chrome_trace = true;
  return c;
}

SimulationResults run_on(int ranks, const SimulationConfig& c, const std::vector<RequestSpec>& w,
                         const std::string& partition = "block") {
  const FixedPredictor predictor(1.5);
  const std::vector<const ExecutionTimePredictor*> predictors(c.cluster.pools.size(), &predictor);
  if (ranks == 1) return Simulation(c, w, predictors).run();
  SimulationResults root;
  des::run_local_ranks(ranks, [&](des::Transport& t) {
    Simulation sim(c, w, predictors, &t, partition);
    SimulationResults r = sim.run();
    if (t.rank() == 0) root = std::move(r);
  });
  return root;
}

// Field-wise equality (records compare member by member; doubles must be bit-for-bit equal values).
void expect_identical(const SimulationResults& a, const SimulationResults& b) {
  EXPECT_TRUE(a.requests == b.requests);
  EXPECT_TRUE(a.batches == b.batches);
  EXPECT_TRUE(a.replica_stages == b.replica_stages);
  EXPECT_TRUE(a.replicas == b.replicas);
  EXPECT_TRUE(a.batch_stages == b.batch_stages);
  EXPECT_TRUE(a.kv_transfers == b.kv_transfers);
  EXPECT_EQ(a.makespan, b.makespan);
  EXPECT_EQ(a.num_events, b.num_events);
}

TEST(PartitionedSimulation, OneTwoAndFourRanksGiveIdenticalResults) {
  const std::vector<RequestSpec> w = workload(400);
  for (const char* router : {"lor", "round_robin", "random"}) {
    const SimulationConfig c = config("sarathi", router);
    const SimulationResults one = run_on(1, c, w);
    ASSERT_EQ(one.requests.size(), 400u);
    for (const RequestRecord& r : one.requests) ASSERT_EQ(r.completed, 1);
    expect_identical(one, run_on(2, c, w));
    expect_identical(one, run_on(4, c, w));
    expect_identical(one, run_on(4, c, w, "round_robin"));
  }
}

TEST(PartitionedSimulation, MessageSizesDelayHandOffsAndStayRankIndependent) {
  const std::vector<RequestSpec> w = workload(200);
  SimulationConfig c = config("vllm", "lor");
  c.cluster.routing.request_overhead_bytes = 512;
  c.cluster.routing.request_bytes_per_prompt_token = 4096;  // e.g. prompt embeddings instead of token ids
  c.cluster.routing.load_notice_bytes = 64;
  c.cluster.routing.bandwidth_bytes_per_s = 1e9;  // 4 us per prompt token
  const SimulationResults sized = run_on(1, c, w);
  for (const RequestRecord& r : sized.requests) {
    const SimTime transfer = c.cluster.routing.transfer_time(c.cluster.routing.request_bytes(r.num_prefill_tokens));
    EXPECT_GE(r.scheduled_at - r.arrived_at, c.cluster.routing.latency + transfer) << "request " << r.request_id;
  }
  SimulationConfig unsized = config("vllm", "lor");
  EXPECT_NE(run_on(1, unsized, w).requests, sized.requests);
  expect_identical(sized, run_on(2, c, w));
  expect_identical(sized, run_on(4, c, w, "round_robin"));
}

TEST(PartitionedSimulation, MoreRanksThanReplicasStillWork) {
  SimulationConfig c = config("vllm", "lor");
  c.cluster.pools[0].num_replicas = 2;
  const std::vector<RequestSpec> w = workload(50);
  expect_identical(run_on(1, c, w), run_on(3, c, w));
}

// Request rows are built across several 16,384-request chunks of the request store, gathered in several slices of
// 65,536 rows, and stopped by a time limit: unarrived requests and those still on the wire to a replica keep rank
// 0's placeholder rows (replica -1), and every row equals the single-process one.
std::vector<RequestSpec> many_requests() {
  Mt19937 rng = Mt19937::python_seeded(11);
  std::vector<RequestSpec> w;
  for (int i = 0; i < 160'000; ++i) {
    w.push_back(RequestSpec{static_cast<SimTime>(i) * 100'000, 1 + static_cast<std::int64_t>(rng.randbelow(32)),
                            1 + static_cast<std::int64_t>(rng.randbelow(2))});  // one every 100 us
  }
  return w;
}

SimulationConfig four_replicas_stopped_at_15s() {
  SimulationConfig c = config("sarathi", "round_robin");
  c.cluster.pools[0].num_replicas = 4;
  c.cluster.pools[0].replica.num_pipeline_stages = 1;
  c.metrics.enable_chrome_trace = false;
  c.cluster.routing.latency = 2'000'000;  // 2 ms: few synchronisation windows
  c.time_limit_s = 15.0;                  // 150,000 arrivals
  return c;
}

TEST(PartitionedSimulation, ManyRequestRowsStoppedByATimeLimitAreIdenticalOnAnyRankCount) {
  const std::vector<RequestSpec> w = many_requests();
  const SimulationConfig c = four_replicas_stopped_at_15s();
  const SimulationResults one = run_on(1, c, w);
  ASSERT_EQ(one.requests.size(), w.size());
  std::size_t nowhere = 0;
  for (const RequestRecord& r : one.requests) nowhere += r.replica_id < 0;
  // Ids 150,001 on arrive after the limit (9,999); the 20 that arrived at 14.998-15 s have a dispatch on its way.
  EXPECT_EQ(nowhere, 10'019u);
  expect_identical(one, run_on(2, c, w));  // rank 1 sends ~75,000 rows: two slices
  expect_identical(one, run_on(4, c, w, "round_robin"));
  // Each rank created the state of exactly the requests its replicas received (replicas 0-1 on rank 0).
  const FixedPredictor predictor(1.5);
  std::vector<std::size_t> states(2);
  des::run_local_ranks(2, [&](des::Transport& t) {
    Simulation sim(c, w, {&predictor}, &t);
    sim.run();
    states[static_cast<std::size_t>(t.rank())] = sim.num_request_states();
  });
  std::vector<std::size_t> received(2);
  for (const RequestRecord& r : one.requests) {
    if (r.replica_id >= 0) ++received[static_cast<std::size_t>(r.replica_id / 2)];
  }
  EXPECT_EQ(states, received);
  EXPECT_EQ(received[0] + received[1] + nowhere, w.size());
}

/// Collects streamed request rows and checks that they come in slices of consecutive ids.
class CollectingSink final : public RequestRowSink {
 public:
  void write(std::span<const RequestRecord> slice) override {
    for (const RequestRecord& row : slice) {
      EXPECT_EQ(row.request_id, std::ssize(rows));
      rows.push_back(row);
    }
    slice_sizes.push_back(slice.size());
  }
  std::vector<RequestRecord> rows;
  std::vector<std::size_t> slice_sizes;
};

// Streamed request rows (what llmsim writes straight into the result file): rank 0 passes every row to the sink in
// slices of 65,536 ids and keeps none; the rows and the summary equal those of a run that holds them.
TEST(PartitionedSimulation, StreamedRequestRowsEqualHeldOnesOnAnyRankCount) {
  const std::vector<RequestSpec> w = many_requests();
  const SimulationConfig c = four_replicas_stopped_at_15s();
  const SimulationResults held = run_on(1, c, w);
  const FixedPredictor predictor(1.5);
  for (const int ranks : {1, 3}) {
    CollectingSink sink;
    SimulationResults streamed;
    des::run_local_ranks(ranks, [&](des::Transport& t) {
      Simulation sim(c, w, {&predictor}, &t);
      if (t.rank() == 0) sim.stream_request_rows(sink);
      SimulationResults r = sim.run();
      if (t.rank() == 0) streamed = std::move(r);
    });
    EXPECT_TRUE(streamed.requests.empty());
    EXPECT_TRUE(sink.rows == held.requests) << ranks << " rank(s)";
    EXPECT_EQ(sink.slice_sizes, (std::vector<std::size_t>{65'536, 65'536, 160'000 - 2 * 65'536}));
    EXPECT_EQ(streamed.request_summary.num_requests, 160'000);
    EXPECT_EQ(streamed.request_summary.num_completed, held.request_summary.num_completed);
    EXPECT_EQ(streamed.request_summary.e2e, held.request_summary.e2e);
    EXPECT_EQ(streamed.request_summary.completed_per_replica, held.request_summary.completed_per_replica);
    SimulationResults with_rows = streamed;
    with_rows.requests = sink.rows;
    expect_identical(with_rows, held);
  }
}

TEST(PartitionedSimulation, ZeroLookaheadIsAConfigErrorNotAHang) {
  SimulationConfig c = config("vllm", "lor");
  c.cluster.routing.latency = 0;
  EXPECT_THROW(run_on(2, c, workload(10)), ConfigError);
}

// 2 prefill replicas (vLLM) and 4 decode replicas (Sarathi), the KV link's 10 us the smallest cross-rank delay.
SimulationConfig disaggregated() {
  SimulationConfig c = config("vllm", "least_outstanding");
  PoolConfig prefill = c.cluster.pools.front();
  prefill.name = "prefill";
  prefill.role = PoolRole::prefill;
  prefill.num_replicas = 2;
  PoolConfig decode = prefill;
  decode.name = "decode";
  decode.role = PoolRole::decode;
  decode.num_replicas = 4;
  decode.replica_scheduler.name = "sarathi";
  c.cluster.pools = {prefill, decode};
  c.cluster.kv_transfer.latency = 10'000;
  c.cluster.kv_transfer.bandwidth_bytes_per_s = 50e9;
  return c;
}

TEST(PartitionedSimulation, DisaggregatedPoolsGiveIdenticalResultsOnAnyRankCount) {
  const std::vector<RequestSpec> w = workload(300);
  const SimulationConfig c = disaggregated();
  const SimulationResults one = run_on(1, c, w);
  std::size_t handed = 0;
  for (const RequestRecord& r : one.requests) {
    ASSERT_EQ(r.completed, 1);
    handed += r.num_decode_tokens > 1;  // one output token: done on the prefill replica
  }
  EXPECT_EQ(one.kv_transfers.size(), handed);
  expect_identical(one, run_on(2, c, w));
  expect_identical(one, run_on(4, c, w));
  expect_identical(one, run_on(4, c, w, "round_robin"));
  expect_identical(one, run_on(6, c, w));  // every replica on a rank of its own
}

TEST(PartitionedSimulation, DisaggregatedPoolsNeedAKvLinkLatencyOnSeveralRanks) {
  SimulationConfig c = disaggregated();
  c.cluster.kv_transfer.latency = 0;
  EXPECT_NO_THROW(run_on(1, c, workload(10)));
  EXPECT_THROW(run_on(2, c, workload(10)), ConfigError);
}

TEST(PartitionedSimulation, AFailingRankReleasesTheOthers) {
  EXPECT_THROW(des::run_local_ranks(3,
                                    [](des::Transport& t) {
                                      if (t.rank() == 1) throw std::runtime_error("rank 1 failed");
                                      t.min_reduce(0);  // would block forever without cancellation
                                    }),
               std::runtime_error);
}

}  // namespace
}  // namespace llmsim::llm
