// SPDX-License-Identifier: MIT
// Event kinds and same-instant phases of the serving model.
#pragma once

#include <cstdint>

namespace llmsim::llm {

/// Phases order events that share a timestamp. They encode the causality Vidur gets from creation order
/// (spec 2.1/2.3): all arrivals at t are queued before the router runs at t; stage completions at t free
/// stages and memory before replicas form new batches at t; requests routed at t reach their replica before
/// that replica schedules at t. Load notices (latency > 0 only) update the router's view before it routes.
enum Phase : std::uint32_t {
  kPhaseArrival = 0,
  kPhaseStageEnd = 1,
  kPhaseLoadNotice = 2,
  kPhaseGlobalSchedule = 3,
  kPhaseDispatch = 4,
  kPhaseReplicaSchedule = 5,
};

enum EventKind : std::uint32_t {
  kEventArrival = 0,         ///< router: request `a` arrives
  kEventGlobalSchedule = 1,  ///< router: drain the queue
  kEventDispatch = 2,        ///< replica: request `a` routed here
  kEventReplicaSchedule = 3, ///< replica: form batches
  kEventStageEnd = 4,        ///< replica: batch slot `a` finished pipeline stage `b`
  kEventLoadNotice = 5,      ///< router: replica `a` had `b` pending requests `latency` ago
};

}  // namespace llmsim::llm
