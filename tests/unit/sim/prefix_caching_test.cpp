// SPDX-License-Identifier: MIT
// Prefix caching over whole runs: a hit rate known analytically, and what too little memory does.
#include <gtest/gtest.h>

#include <set>

#include "fixed_predictor.hpp"
#include "llmsim/llm/request_generator.hpp"
#include "llmsim/llm/simulation.hpp"

namespace llmsim::llm {
namespace {

using testing::FixedPredictor;
using testing::small_cluster;

// 200 requests whose whole prompt (200 tokens) is one of 6 system prompts (Zipf 1.0): one vllm_v1 replica.
RequestGeneratorConfig families() {
  RequestGeneratorConfig g;
  g.num_requests = 200;
  g.length.name = "fixed";
  g.length.prefill_tokens = 200;
  g.length.decode_tokens = 8;
  g.interval.qps = 20;
  g.shared_prefix = SharedPrefixConfig{6, 200, 1.0};
  return g;
}

SimulationResults run(const std::vector<RequestSpec>& requests, std::optional<std::int64_t> num_blocks) {
  SimulationConfig config = small_cluster(1, 1, "vllm_v1", "round_robin");
  config.cluster.pools[0].replica_scheduler.num_blocks = num_blocks;
  const FixedPredictor predictor(1.0);
  Simulation sim(config, requests, {&predictor});
  return sim.run();
}

TEST(PrefixCaching, EveryRequestAfterTheFirstOfItsFamilyHitsAllButTheLastPartialBlock) {
  const std::vector<RequestSpec> requests = generate_requests(families());
  std::set<std::uint64_t> used;
  for (const RequestSpec& r : requests) used.insert(r.content.prefix_key);
  ASSERT_EQ(used.size(), 6u);
  const SimulationResults r = run(requests, std::nullopt);
  ASSERT_EQ(r.prefix_cache.size(), 1u);
  // A 200-token prompt has 12 full blocks of 16; with enough memory nothing is evicted.
  const std::int64_t expected = (200 - 6) * 12 * 16;
  EXPECT_EQ(r.prefix_cache[0].hit_tokens, expected);
  EXPECT_EQ(r.prefix_cache[0].lookup_tokens, 200 * 200);
  EXPECT_DOUBLE_EQ(r.prefix_cache[0].hit_rate, static_cast<double>(expected) / (200 * 200));
  EXPECT_EQ(r.prefix_cache[0].evictions, 0);
  ASSERT_EQ(r.cached_tokens.size(), 200u);
  std::int64_t misses = 0;
  for (const CachedTokensRecord& c : r.cached_tokens) {
    EXPECT_TRUE(c.cached_tokens == 0 || c.cached_tokens == 192) << "request " << c.request_id;
    misses += c.cached_tokens == 0;
  }
  EXPECT_EQ(misses, 6);
}

TEST(PrefixCaching, TooLittleMemoryLowersTheHitRateAndLosesNoRequest) {
  const std::vector<RequestSpec> requests = generate_requests(families());
  double previous = 1;
  for (const std::int64_t blocks : {200, 40, 20}) {
    const SimulationResults r = run(requests, blocks);
    for (const RequestRecord& q : r.requests) EXPECT_EQ(q.completed, 1) << blocks << " blocks";
    const PrefixCacheRecord& c = r.prefix_cache.at(0);
    EXPECT_LT(c.hit_rate, previous) << blocks << " blocks";
    if (blocks < 200) {
      EXPECT_GT(c.evictions, 0) << blocks << " blocks";
    }
    previous = c.hit_rate;
  }
}

TEST(PrefixCaching, SharedPrefixesLeaveArrivalsAndLengthsUnchanged) {
  RequestGeneratorConfig plain = families();
  plain.shared_prefix = {};
  const std::vector<RequestSpec> a = generate_requests(plain);
  const std::vector<RequestSpec> b = generate_requests(families());
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].arrived_at, b[i].arrived_at);
    EXPECT_EQ(a[i].num_prefill_tokens, b[i].num_prefill_tokens);
    EXPECT_EQ(a[i].content, TokenContent{});
    EXPECT_EQ(b[i].content.prefix_tokens, 200);
  }
}

}  // namespace
}  // namespace llmsim::llm
