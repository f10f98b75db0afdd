// SPDX-License-Identifier: MIT
// Engine: binary heap of events ordered by EventKey.
#include "llmsim/des/engine.hpp"

#include <algorithm>

#include "llmsim/util/assert.hpp"

namespace llmsim::des {

namespace {
// std::*_heap keep the largest element first; invert so the smallest key is on top.
struct Later {
  bool operator()(const Event& x, const Event& y) const { return y.key < x.key; }
};
}  // namespace

EntityId Engine::add_entity(Entity& entity) {
  entities_.push_back(&entity);
  next_seq_.push_back(0);
  return static_cast<EntityId>(entities_.size() - 1);
}

void Engine::schedule(EntityId src, EntityId target, SimTime time, std::uint32_t phase, std::uint32_t kind,
                      std::int64_t a, std::int64_t b) {
  LLMSIM_ASSERT(src < entities_.size() && target < entities_.size(), "event between unknown entities");
  LLMSIM_ASSERT(time >= now_, "event scheduled in the past");
  heap_.push_back(Event{EventKey{time, phase, src, next_seq_[src]++}, target, kind, a, b});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

SimTime Engine::next_time() const { return heap_.empty() ? kSimTimeMax : heap_.front().key.time; }

Event Engine::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  Event e = heap_.back();
  heap_.pop_back();
  return e;
}

std::uint64_t Engine::run(SimTime until) {
  std::uint64_t n = 0;
  while (!heap_.empty() && heap_.front().key.time <= until) {
    const Event e = pop();
    now_ = e.key.time;
    entities_[e.target]->handle(e, *this);
    ++n;
  }
  processed_ += n;
  return n;
}

}  // namespace llmsim::des
