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
  const Event e{EventKey{time, phase, src, next_seq_[src]++}, target, kind, a, b};
  if (!owner_.empty() && owner_[target] != rank_) {
    outbox_[static_cast<std::size_t>(owner_[target])].push_back(e);
    return;
  }
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void Engine::set_partition(std::vector<int> owner, int rank) {
  LLMSIM_ASSERT(owner.size() == entities_.size(), "partition must name the rank of every entity");
  owner_ = std::move(owner);
  rank_ = rank;
  outbox_.assign(static_cast<std::size_t>(*std::max_element(owner_.begin(), owner_.end())) + 1, {});
}

std::vector<std::vector<Event>> Engine::take_outbox() {
  std::vector<std::vector<Event>> out(outbox_.size());
  out.swap(outbox_);
  return out;
}

void Engine::insert_remote(const Event& e) {
  LLMSIM_ASSERT(e.key.time >= now_, "remote event arrived in the past (lookahead violated)");
  LLMSIM_ASSERT(owner_.empty() || owner_[e.target] == rank_, "remote event delivered to the wrong rank");
  heap_.push_back(e);
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
