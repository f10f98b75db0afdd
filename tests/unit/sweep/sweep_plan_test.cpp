// SPDX-License-Identifier: MIT
// The sweep policy: shards partition the configurations, finished parts are skipped, the largest run first,
// and load-balance statistics.
#include "llmsim/sweep/sweep_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "llmsim/io/sweep_loader.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::sweep {
namespace {

TEST(SweepPlan, ShardsPartitionTheConfigurationsAndSkipFinishedOnes) {
  io::Sweep sw = io::load_sweep(LLMSIM_SOURCE_DIR "/jobs/ci-small.yaml");
  ASSERT_EQ(sw.points.size(), 10u);
  sw.points[7].config.request_generator.num_requests = 1000;  // the largest: handed out first
  std::vector<std::size_t> all;
  for (std::size_t k = 0; k < 3; ++k) {
    const Plan plan = plan_pending(sw, {sw.points[0].id}, Shard{k, 3});
    for (std::size_t i : plan.pending) EXPECT_EQ(i % 3, k);
    EXPECT_EQ(plan.done_before, k == 0 ? 1u : 0u);
    all.insert(all.end(), plan.pending.begin(), plan.pending.end());
    if (k == 1) {
      EXPECT_EQ(plan.pending.front(), 7u);
    }
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(SweepPlan, ShardSyntax) {
  EXPECT_EQ(parse_shard("").count, 1u);
  EXPECT_EQ(parse_shard("2/4").index, 2u);
  for (const char* bad : {"4/4", "1/0", "1-4", "1/4x", "a/b"}) EXPECT_THROW(parse_shard(bad), ConfigError) << bad;
}

TEST(SweepPlan, LoadBalance) {
  const LoadBalance b = load_balance({{0, 3.0}, {1, 1.0}}, 2, 4.0);
  EXPECT_DOUBLE_EQ(b.total, 4.0);
  EXPECT_DOUBLE_EQ(b.busiest, 3.0);
  EXPECT_DOUBLE_EQ(b.mean, 2.0);
  EXPECT_DOUBLE_EQ(b.efficiency, 0.5);
}

}  // namespace
}  // namespace llmsim::sweep
