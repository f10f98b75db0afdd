// SPDX-License-Identifier: MIT
// GlobalScheduler: routes queued requests to replicas (Vidur spec section 6).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/request_store.hpp"
#include "llmsim/llm/rng_purposes.hpp"
#include "llmsim/util/plugin_registry.hpp"

namespace llmsim::llm {

/// What the router knows about replica load. In one process it reads the replicas directly; a distributed run
/// can serve a periodically refreshed snapshot instead.
class ReplicaLoadView {
 public:
  virtual ~ReplicaLoadView() = default;
  virtual int num_replicas() const = 0;
  /// Requests routed to `replica` and not yet admitted into a batch (Vidur's num_pending_requests).
  virtual std::size_t pending_requests(ReplicaId replica) const = 0;
  /// Requests routed to `replica` and not completed (pending and running).
  virtual std::size_t outstanding_requests(ReplicaId replica) const = 0;
  /// KV blocks of `replica` that no request holds.
  virtual std::int64_t free_kv_blocks(ReplicaId replica) const = 0;
};

/// Routing policy. schedule() receives the router's queue (already sorted by arrival) and returns one replica
/// per request, in the same order.
class GlobalScheduler {
 public:
  virtual ~GlobalScheduler() = default;
  virtual std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) = 0;
  /// True for policies that weigh outstanding requests (then replicas also report those in their load notices);
  /// Vidur's policies see only pending queues.
  virtual bool routes_on_outstanding_requests() const { return false; }
  /// True for policies that weigh free KV blocks (then replicas also report those, after every change).
  virtual bool routes_on_free_blocks() const { return false; }
};

/// What a policy may know besides the load: the seed of its own stream (random), the requests' prompts and
/// content, and the replicas' KV block size (the same in every pool for cache-aware policies; the config loader
/// checks it) and block counts (cache-aware policies).
struct RoutingContext {
  std::uint64_t seed = 0;
  const RequestStore* requests = nullptr;
  std::int64_t block_size = 16;
  std::vector<std::int64_t> replica_blocks{};  ///< KV blocks of each replica
  RngPurpose random_stream = RngPurpose::random_router;  ///< the stream of a random policy
};

using GlobalSchedulerPlugin =
    Plugin<std::unique_ptr<GlobalScheduler> (*)(const GlobalSchedulerConfig&, const RoutingContext&)>;

/// The registry of routing policies (`cluster.global_scheduler.name`).
const std::vector<GlobalSchedulerPlugin>& global_schedulers();

/// Creates the policy `config.name`. Throws ConfigError if unknown.
std::unique_ptr<GlobalScheduler> make_global_scheduler(const GlobalSchedulerConfig& config,
                                                       const RoutingContext& context);

}  // namespace llmsim::llm
