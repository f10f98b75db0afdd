// SPDX-License-Identifier: MIT
// Routing policies (vidur-simulation-core.md section 6).
#include <gtest/gtest.h>

#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {
namespace {

struct FakeLoad final : ReplicaLoadView {
  std::vector<std::size_t> pending;
  int num_replicas() const override { return static_cast<int>(pending.size()); }
  std::size_t pending_requests(ReplicaId r) const override { return pending[static_cast<std::size_t>(r)]; }
};

TEST(GlobalSchedulers, RoundRobinCounterPersistsAcrossCalls) {
  auto rr = make_global_scheduler(GlobalSchedulerConfig{"round_robin"}, 42);
  FakeLoad load;
  load.pending = {0, 0, 0};
  const std::vector<RequestId> two{0, 1};
  EXPECT_EQ(rr->schedule(two, load), (std::vector<ReplicaId>{0, 1}));
  EXPECT_EQ(rr->schedule(two, load), (std::vector<ReplicaId>{2, 0}));
}

TEST(GlobalSchedulers, LorUsesPendingSnapshotLowestIdOnTiesAndLocalIncrements) {
  auto lor = make_global_scheduler(GlobalSchedulerConfig{"lor"}, 42);
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
  const auto a = make_global_scheduler(GlobalSchedulerConfig{"random"}, 1)->schedule(many, load);
  const auto b = make_global_scheduler(GlobalSchedulerConfig{"random"}, 1)->schedule(many, load);
  const auto c = make_global_scheduler(GlobalSchedulerConfig{"random"}, 2)->schedule(many, load);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (ReplicaId r : a) EXPECT_TRUE(r >= 0 && r < 5);
}

TEST(GlobalSchedulers, UnknownNameListsValidNames) {
  try {
    make_global_scheduler(GlobalSchedulerConfig{"least_loaded"}, 42);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("round_robin, random, lor"), std::string::npos);
  }
}

}  // namespace
}  // namespace llmsim::llm
