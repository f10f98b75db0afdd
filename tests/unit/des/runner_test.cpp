// SPDX-License-Identifier: MIT
// des::run on the PHOLD model: identical digests for 1, 2 and 4 logical ranks and both partitions; the
// sequential and windowed loops stop at the limit; partition strategies.
#include <gtest/gtest.h>

#include <numeric>

#include "llmsim/des/local_transport.hpp"
#include "llmsim/util/error.hpp"
#include "phold_model.hpp"

namespace llmsim::des {
namespace {

phold::Outcome on_ranks(int ranks, const phold::Params& p, const std::string& partition) {
  phold::Outcome rank0;
  run_local_ranks(ranks, [&](Transport& t) {
    phold::Outcome o = phold::run(p, &t, partition);
    if (t.rank() == 0) rank0 = std::move(o);
  });
  return rank0;
}

TEST(Runner, PholdIsIdenticalOnAnyNumberOfRanksAndPartitions) {
  phold::Params p;
  p.num_lps = 24;
  p.end = 2'000'000;
  const phold::Outcome one = phold::run(p, nullptr);
  const std::uint64_t total = std::accumulate(one.counts.begin(), one.counts.end(), std::uint64_t{0});
  EXPECT_EQ(total, one.events);
  EXPECT_GT(total, 2'000u);  // 96 initial events, ~2 generations of 1 us + 10 us per ms: thousands of events
  for (int ranks : {2, 4}) {
    for (const char* partition : {"block", "round_robin"}) {
      const phold::Outcome many = on_ranks(ranks, p, partition);
      EXPECT_EQ(many.digests, one.digests) << ranks << " ranks, " << partition;
      EXPECT_EQ(many.counts, one.counts) << ranks << " ranks, " << partition;
    }
  }
}

TEST(Runner, ADifferentSeedChangesTheDigests) {  // the digests do see the event order
  phold::Params p;
  p.num_lps = 8;
  p.end = 500'000;
  phold::Params q = p;
  q.seed = 2;
  EXPECT_NE(phold::run(p, nullptr).digests, phold::run(q, nullptr).digests);
}

TEST(Runner, StopsAtTheLimitAndSaysSo) {
  phold::Params p;
  p.num_lps = 4;
  p.end = 100'000;
  Engine engine;
  std::vector<std::unique_ptr<phold::Lp>> lps;
  for (int i = 0; i < p.num_lps; ++i) {
    lps.push_back(std::make_unique<phold::Lp>(p, static_cast<EntityId>(i)));
    engine.add_entity(*lps.back());
  }
  for (auto& lp : lps) lp->start(engine);
  RunOptions o;
  o.limit = p.end;
  std::uint64_t reports = 0;
  o.progress_every = 10;
  o.progress = [&](const RunStatus& s) {
    ++reports;
    EXPECT_LE(s.now, p.end);
  };
  const RunResult r = run(engine, o);
  EXPECT_TRUE(r.limit_reached);  // PHOLD never runs out of events
  EXPECT_LE(engine.now(), p.end);
  EXPECT_GT(engine.next_time(), p.end);
  EXPECT_GT(reports, 0u);
}

TEST(Runner, SeveralRanksNeedALookahead) {
  phold::Params p;
  p.num_lps = 4;
  p.lookahead = 0;
  EXPECT_THROW(on_ranks(2, p, "block"), ConfigError);
}

TEST(Partition, BlockAndRoundRobinAndUnknownNames) {
  EXPECT_THROW(partition_entities("hash", 4, 2), ConfigError);
  EXPECT_EQ(partition_entities("block", 4, 2), (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(partition_entities("round_robin", 4, 2), (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(partition_entities("block", 5, 2), (std::vector<int>{0, 0, 0, 1, 1}));
}

}  // namespace
}  // namespace llmsim::des
