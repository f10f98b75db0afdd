// SPDX-License-Identifier: MIT
// Engine: the clock, the event queue and the registered entities of one simulation (no globals).
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/des/entity.hpp"
#include "llmsim/des/event.hpp"

namespace llmsim::des {

/// Sequential discrete-event engine. Several engines may live in one process (tests do this).
/// Events are processed in increasing EventKey order; see EventKey for why that order is partition-independent.
class Engine {
 public:
  /// Registers an entity (not owned; it must outlive the engine's use) and returns its id (0, 1, 2, ...).
  EntityId add_entity(Entity& entity);

  /// Schedules an event from `src` to `target` at `time` (>= now()). The source's own counter orders its sends.
  void schedule(EntityId src, EntityId target, SimTime time, std::uint32_t phase, std::uint32_t kind,
                std::int64_t a = 0, std::int64_t b = 0);

  /// Makes the engine one rank of a partitioned simulation: `owner[e]` is the rank of entity e. Events for
  /// entities of other ranks are kept in an outbox (take_outbox) instead of the queue.
  void set_partition(std::vector<int> owner, int rank);
  /// Events scheduled for remote entities since the last call, grouped by destination rank.
  std::vector<std::vector<Event>> take_outbox();
  /// Inserts an event received from another rank, keeping its key (time >= now() is checked).
  void insert_remote(const Event& event);

  /// Processes every event whose time is <= `until`. Returns the number of events processed by this call.
  std::uint64_t run(SimTime until = kSimTimeMax);

  /// Time of the event being (or last) processed.
  SimTime now() const { return now_; }
  /// Time of the earliest pending event, or kSimTimeMax when the queue is empty.
  SimTime next_time() const;
  bool empty() const { return heap_.empty(); }
  std::uint64_t events_processed() const { return processed_; }

 private:
  Event pop();

  std::vector<Entity*> entities_;
  std::vector<std::uint64_t> next_seq_;
  std::vector<Event> heap_;
  std::vector<int> owner_;  // empty: every entity is local
  int rank_ = 0;
  std::vector<std::vector<Event>> outbox_;
  SimTime now_ = 0;
  std::uint64_t processed_ = 0;
};

}  // namespace llmsim::des
