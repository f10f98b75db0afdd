// SPDX-License-Identifier: MIT
// RequestSummary: counts per replica, metric columns of completed requests in id order, TPOT of one output token.
#include <gtest/gtest.h>

#include <cmath>

#include "llmsim/llm/result_stats.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {
namespace {

RequestRecord row(RequestId id, ReplicaId replica, bool completed, std::int64_t decode_tokens) {
  RequestRecord r;
  r.request_id = id;
  r.replica_id = replica;
  r.completed = completed ? 1 : 0;
  r.num_restarts = static_cast<std::int32_t>(id % 2);
  r.num_decode_tokens = decode_tokens;
  if (completed) {
    r.prefill_e2e_time = 1'000'000 * (id + 1);  // (id + 1) ms
    r.e2e_time = 10'000'000;
    r.scheduling_delay = 500'000;
    r.prefill_completed_at = 2'000'000;
    r.completed_at = 2'000'000 + 3'000'000 * (decode_tokens - 1);
    r.decode_time_execution_plus_preemption_normalized = 0.25;
  }
  return r;
}

TEST(RequestSummary, CountsPerReplicaAndColumnsOfCompletedRequestsInIdOrder) {
  RequestSummary s;
  s.add(row(0, 2, true, 4));
  s.add(row(1, -1, false, 4));  // on no replica when the run stopped
  s.add(row(2, 0, true, 1));    // one output token: no TPOT
  s.add(row(3, 2, false, 3));
  EXPECT_EQ(s.num_requests, 4);
  EXPECT_EQ(s.num_completed, 2);
  EXPECT_EQ(s.num_restarts, 2);
  EXPECT_EQ(s.output_tokens, 5);
  EXPECT_EQ(s.requests_per_replica, (std::vector<std::int64_t>{1, 0, 2}));
  EXPECT_EQ(s.completed_per_replica, (std::vector<std::int64_t>{1, 0, 1}));
  EXPECT_EQ(s.completed, (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(s.ttft, (std::vector<double>{1e-3, 3e-3}));
  EXPECT_EQ(s.column("e2e"), (std::vector<double>{1e-2, 1e-2}));
  ASSERT_EQ(s.tpot.size(), 2u);
  EXPECT_DOUBLE_EQ(s.tpot[0], 3e-3);
  EXPECT_TRUE(std::isnan(s.tpot[1]));
  EXPECT_THROW((void)s.column("latency"), Error);

  SimulationResults r;
  r.request_summary = s;
  const std::vector<double> tpot = completed_request_metric(r, "tpot");
  ASSERT_EQ(tpot.size(), 1u);
  EXPECT_EQ(tpot[0], s.tpot[0]);
  EXPECT_DOUBLE_EQ(slo_attainment(r, {{"ttft", 2e-3}}), 0.25);  // request 0 of 4
  EXPECT_DOUBLE_EQ(slo_attainment(r, {{"tpot", 1e-3}}), 0.25);  // request 2: no TPOT to miss
}

}  // namespace
}  // namespace llmsim::llm
