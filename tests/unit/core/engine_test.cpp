// SPDX-License-Identifier: MIT
// Engine: events run in (time, phase, source, source sequence) order whatever the insertion order.
#include "llmsim/des/engine.hpp"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace llmsim::des {
namespace {

struct Recorder final : Entity {
  std::vector<std::tuple<SimTime, std::int64_t>> seen;
  void handle(const Event& e, Engine& engine) override { seen.emplace_back(engine.now(), e.a); }
};

// Schedules a fixed set of events from two sources, in the given source order, and returns what ran.
std::vector<std::tuple<SimTime, std::int64_t>> run_with_order(bool a_first) {
  Engine engine;
  Recorder sink;
  Recorder src_a;
  Recorder src_b;
  const EntityId s = engine.add_entity(sink);
  const EntityId a = engine.add_entity(src_a);
  const EntityId b = engine.add_entity(src_b);
  auto send_a = [&] {
    engine.schedule(a, s, 10, 1, 0, 1);
    engine.schedule(a, s, 10, 0, 0, 2);
    engine.schedule(a, s, 5, 3, 0, 3);
  };
  auto send_b = [&] {
    engine.schedule(b, s, 10, 1, 0, 4);
    engine.schedule(b, s, 10, 0, 0, 5);
  };
  if (a_first) {
    send_a();
    send_b();
  } else {
    send_b();
    send_a();
  }
  engine.run();
  return sink.seen;
}

TEST(Engine, OrderIsTimePhaseSourceSequence) {
  const std::vector<std::tuple<SimTime, std::int64_t>> expected{{5, 3}, {10, 2}, {10, 5}, {10, 1}, {10, 4}};
  EXPECT_EQ(run_with_order(true), expected);
}

TEST(Engine, OrderDoesNotDependOnInsertionOrder) { EXPECT_EQ(run_with_order(true), run_with_order(false)); }

struct Chain final : Entity {
  EntityId self = 0;
  int remaining = 3;
  void handle(const Event&, Engine& engine) override {
    if (--remaining > 0) engine.schedule(self, self, engine.now() + 7, 0, 0);
  }
};

TEST(Engine, RunUntilStopsAtBoundAndResumes) {
  Engine engine;
  Chain c;
  c.self = engine.add_entity(c);
  engine.schedule(c.self, c.self, 0, 0, 0);
  EXPECT_EQ(engine.run(7), 2u);
  EXPECT_EQ(engine.next_time(), 14);
  EXPECT_EQ(engine.run(), 1u);
  EXPECT_TRUE(engine.empty());
  EXPECT_EQ(engine.now(), 14);
  EXPECT_EQ(engine.events_processed(), 3u);
}

TEST(EngineDeathTest, SchedulingInThePastAborts) {
  Engine engine;
  Chain c;
  c.self = engine.add_entity(c);
  engine.schedule(c.self, c.self, 10, 0, 0);
  engine.run();
  EXPECT_DEATH(engine.schedule(c.self, c.self, 5, 0, 0), "event scheduled in the past");
}

}  // namespace
}  // namespace llmsim::des
