// SPDX-License-Identifier: MIT
// Event kinds and same-instant phases of the serving model.
#pragma once

#include <cstdint>

namespace llmsim::llm {

/// Phases order events that share a timestamp. They encode the causality Vidur gets from creation order
/// (spec 2.1/2.3): all arrivals at t are queued before the router runs at t; stage completions at t free
/// stages and memory before replicas form new batches at t; requests routed at t reach their replica before
/// that replica schedules at t. Load notices (latency > 0 only) update the router's view before it routes.
/// Disaggregated pools: KV blocks released and KV caches arrived at t count before anything else at t; a request
/// handed over at t is routed to a decode replica after the arrivals at t are routed.
enum Phase : std::uint32_t {
  kPhaseArrival = 0,
  kPhaseStageEnd = 1,
  kPhaseKvRelease = 2,
  kPhaseKvArrived = 3,
  kPhaseLoadNotice = 4,
  kPhaseHandoff = 5,
  kPhaseGlobalSchedule = 6,
  kPhaseDecodeSchedule = 7,
  kPhaseDispatch = 8,
  kPhaseDecodeAssign = 9,
  kPhaseReplicaSchedule = 10,
};

enum EventKind : std::uint32_t {
  kEventArrival = 0,         ///< router: request `a` arrives
  kEventGlobalSchedule = 1,  ///< router: drain the queue
  kEventDispatch = 2,        ///< replica: request `a` routed here
  kEventReplicaSchedule = 3, ///< replica: form batches
  kEventStageEnd = 4,        ///< replica: batch slot `a` finished pipeline stage `b`
  kEventLoadNotice = 5,      ///< router: a replica's load `latency` ago (pack_notice_source; b = pending +
                             ///< outstanding x 2^32)
  kEventHandoff = 6,         ///< router: request `a`'s prefill finished on replica `b` (a HandoffMessage follows)
  kEventDecodeSchedule = 7,  ///< router: route the handed-over requests to decode replicas
  kEventDecodeAssign = 8,    ///< decode replica: request `a`, prefilled on replica `b`, is yours (HandoffMessage)
  kEventHandoffWords = 9,    ///< the next two words of a HandoffMessage
  kEventKvArrived = 10,      ///< decode replica: request `a`'s KV cache has arrived
  kEventKvRelease = 11,      ///< prefill replica: request `a`'s KV cache has been copied; free its blocks
};

/// A load notice's first word: the replica (24 bits: the config loader allows 2^24 replicas) and its free KV blocks.
inline std::int64_t pack_notice_source(std::int32_t replica, std::int64_t free_blocks) {
  return static_cast<std::int64_t>(replica) | (free_blocks << 24);
}
inline std::int32_t notice_replica(std::int64_t a) { return static_cast<std::int32_t>(a & 0xffffff); }
inline std::int64_t notice_free_blocks(std::int64_t a) { return a >> 24; }

}  // namespace llmsim::llm
