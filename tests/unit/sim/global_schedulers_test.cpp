// SPDX-License-Identifier: MIT
// Routing policies (vidur-simulation-core.md section 6).
#include <gtest/gtest.h>

#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {
namespace {

struct FakeLoad final : ReplicaLoadView {
  std::vector<std::size_t> pending;
  std::vector<std::size_t> outstanding;
  std::vector<std::int64_t> free_blocks;
  int num_replicas() const override { return static_cast<int>(pending.size()); }
  std::size_t pending_requests(ReplicaId r) const override { return pending[static_cast<std::size_t>(r)]; }
  std::size_t outstanding_requests(ReplicaId r) const override { return outstanding[static_cast<std::size_t>(r)]; }
  std::int64_t free_kv_blocks(ReplicaId r) const override { return free_blocks[static_cast<std::size_t>(r)]; }
};

RequestStore store(const std::vector<std::pair<std::int64_t, TokenContent>>& prompts) {
  RequestStore out;
  for (const auto& [tokens, content] : prompts) {
    out.emplace_back(static_cast<RequestId>(out.size()), RequestSpec{0, tokens, 4, content});
  }
  return out;
}

TEST(GlobalSchedulers, RoundRobinCounterPersistsAcrossCalls) {
  auto rr = make_global_scheduler(GlobalSchedulerConfig{"round_robin"}, RoutingContext{42});
  FakeLoad load;
  load.pending = {0, 0, 0};
  const std::vector<RequestId> two{0, 1};
  EXPECT_EQ(rr->schedule(two, load), (std::vector<ReplicaId>{0, 1}));
  EXPECT_EQ(rr->schedule(two, load), (std::vector<ReplicaId>{2, 0}));
}

TEST(GlobalSchedulers, LorUsesPendingSnapshotLowestIdOnTiesAndLocalIncrements) {
  auto lor = make_global_scheduler(GlobalSchedulerConfig{"lor"}, RoutingContext{42});
  FakeLoad load;
  load.pending = {2, 0, 1};
  const std::vector<RequestId> four{0, 1, 2, 3};
  // loads 2,0,1 -> r1 (2,1,1) -> r1 (tie 1/1 lowest id) (2,2,1) -> r2 (2,2,2) -> r0.
  EXPECT_EQ(lor->schedule(four, load), (std::vector<ReplicaId>{1, 1, 2, 0}));
}

TEST(GlobalSchedulers, RandomIsReproducibleInRangeAndSeedDependent) {
  FakeLoad load;
  load.pending = {0, 0, 0, 0, 0};
  const std::vector<RequestId> many(64, 0);
  const auto a = make_global_scheduler(GlobalSchedulerConfig{"random"}, RoutingContext{1})->schedule(many, load);
  const auto b = make_global_scheduler(GlobalSchedulerConfig{"random"}, RoutingContext{1})->schedule(many, load);
  const auto c = make_global_scheduler(GlobalSchedulerConfig{"random"}, RoutingContext{2})->schedule(many, load);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (ReplicaId r : a) EXPECT_TRUE(r >= 0 && r < 5);
}

TEST(GlobalSchedulers, SessionAffinityKeepsASessionOnItsFirstReplica) {
  const TokenContent a{0, 0, 11};
  const TokenContent b{0, 0, 22};
  const RequestStore requests = store({{32, a}, {32, b}, {32, a}, {32, {}}});
  auto affinity = make_global_scheduler(GlobalSchedulerConfig{"session_affinity"}, RoutingContext{1, &requests});
  FakeLoad load;
  load.pending = {0, 0, 0};
  load.outstanding = {0, 5, 1};
  const std::vector<RequestId> all{0, 1, 2, 3};
  // a -> r0 (0 outstanding) {1,5,1}; b -> r0 (tie, lowest id) {2,5,1}; a again -> r0 {3,5,1}; no session -> r2.
  EXPECT_EQ(affinity->schedule(all, load), (std::vector<ReplicaId>{0, 0, 0, 2}));
  load.outstanding = {9, 0, 0};
  const std::vector<RequestId> later{2};
  EXPECT_EQ(affinity->schedule(later, load), (std::vector<ReplicaId>{0})) << "a session stays put under load";
}

TEST(GlobalSchedulers, MostFreeBlocksTakesEachPromptsBlocksFromItsChoice) {
  const RequestStore requests = store({{80, {}}, {80, {}}, {16, {}}});  // 5, 5 and 1 blocks of 16 tokens
  FakeLoad load;
  load.pending = {0, 0, 0};
  load.outstanding = {0, 0, 0};
  load.free_blocks = {10, 30, 30};
  auto policy = make_global_scheduler(GlobalSchedulerConfig{"most_free_blocks"}, RoutingContext{1, &requests, 16});
  EXPECT_TRUE(policy->routes_on_free_blocks());
  const std::vector<RequestId> all{0, 1, 2};
  // 0 -> r1 (tie with r2, lowest id; r1 then has 25), 1 -> r2 (30; then 25), 2 -> r1 (25 = 25, lowest id).
  EXPECT_EQ(policy->schedule(all, load), (std::vector<ReplicaId>{1, 2, 1}));
}

TEST(GlobalSchedulers, PrefixAwareWeighsExpectedHitsAgainstLoad) {
  // Three 80-token prompts (5 full blocks of 16) sharing a 64-token system prompt (4 blocks).
  const TokenContent family{7, 64, 0};
  const RequestStore requests = store({{80, family}, {80, family}, {80, family}});
  FakeLoad load;
  load.pending = {0, 0};
  load.outstanding = {0, 0};
  const std::vector<RequestId> first{0, 1};
  // 0: no hits anywhere, equal load -> r0. 1: r0 holds 4 of its 5 blocks: 0.8 - 1 / (1 + 1) = 0.3 > 0 -> r0.
  auto balanced = make_global_scheduler(GlobalSchedulerConfig{"prefix_aware"}, RoutingContext{1, &requests, 16, {100, 100}});
  EXPECT_EQ(balanced->schedule(first, load), (std::vector<ReplicaId>{0, 0}));
  // With load weighing twice as much, 1 goes elsewhere: 0.8 - 2 x 1 / 2 < 0.
  auto loaded = make_global_scheduler(GlobalSchedulerConfig{"prefix_aware", 1.0, 2.0},
                                      RoutingContext{1, &requests, 16, {100, 100}});
  EXPECT_EQ(loaded->schedule(first, load), (std::vector<ReplicaId>{0, 1}));
  // The router's index holds at most the replica's blocks: with room for 2 it keeps only the end of 0's
  // prompt, so 1 expects no hit on r0 and the load decides (-0.5 vs 0) -> r1.
  auto tiny = make_global_scheduler(GlobalSchedulerConfig{"prefix_aware"}, RoutingContext{1, &requests, 16, {2, 2}});
  EXPECT_EQ(tiny->schedule(first, load), (std::vector<ReplicaId>{0, 1}));
}

TEST(GlobalSchedulers, UnknownNameListsValidNames) {
  try {
    make_global_scheduler(GlobalSchedulerConfig{"least_loaded"}, RoutingContext{42});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("round_robin, random, lor"), std::string::npos);
  }
}

}  // namespace
}  // namespace llmsim::llm
