// SPDX-License-Identifier: MIT
// Router: the entity that admits arriving requests and routes them to replicas with a GlobalScheduler.
#pragma once

#include <memory>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/llm/handoff_message.hpp"

namespace llmsim::llm {

/// Generates arrival events lazily (one outstanding at a time), keeps the global queue and, once per instant
/// with arrivals, routes the whole queue (Vidur GlobalScheduleEvent). A dispatch reaches its replica after
/// RoutingConfig::request_delay (latency plus the request's transfer time; 0 by default, as in Vidur).
/// With prefill and decode pools, arrivals go to the prefill replicas, and every request whose prefill is done
/// (a handoff from its prefill replica) is routed by a second policy to a decode replica, once per instant.
class Router final : public des::Entity {
 public:
  /// The replicas a policy routes to (its replica indices 0..n-1 are these replicas).
  struct Route {
    std::unique_ptr<GlobalScheduler> policy;
    std::vector<ReplicaId> replicas;
  };
  /// With `live_load` (synchronous routing, latency 0) the router routes on the replicas' live load; without, on
  /// the load the replicas reported (load notices), which is `latency` old; until a replica reports, its KV blocks (`replica_blocks`) are
  /// free. `decode` has no policy unless disaggregated.
  Router(RequestStore& requests, Route arrivals, Route decode, const ReplicaLoadView* live_load,
         const std::vector<std::int64_t>& replica_blocks);

  /// Wires the router into `engine`: its own id and the replicas' entity ids (index = replica id).
  void attach(des::EntityId self, std::vector<des::EntityId> replica_entities, const RoutingConfig& routing);
  /// Schedules the first arrival. Call once before running the engine.
  void start(des::Engine& engine);
  void handle(const des::Event& event, des::Engine& engine) override;


 private:
  void on_arrival(RequestId id, des::Engine& engine);
  void on_global_schedule(des::Engine& engine);
  void on_decode_schedule(des::Engine& engine);
  const ReplicaLoadView& load() const;

  /// Pending and outstanding counts as last reported by the replicas.
  class ReportedLoad final : public ReplicaLoadView {
   public:
    explicit ReportedLoad(const std::vector<std::int64_t>& blocks)
        : pending_(blocks.size(), 0), outstanding_(blocks.size(), 0), free_blocks_(blocks) {}
    int num_replicas() const override { return static_cast<int>(pending_.size()); }
    std::size_t pending_requests(ReplicaId r) const override { return pending_[static_cast<std::size_t>(r)]; }
    std::size_t outstanding_requests(ReplicaId r) const override { return outstanding_[static_cast<std::size_t>(r)]; }
    std::int64_t free_kv_blocks(ReplicaId r) const override { return free_blocks_[static_cast<std::size_t>(r)]; }
    std::vector<std::size_t> pending_;
    std::vector<std::size_t> outstanding_;
    std::vector<std::int64_t> free_blocks_;
  };

  /// The load of `replicas` only, as replicas 0..n-1.
  class SubsetLoad final : public ReplicaLoadView {
   public:
    SubsetLoad(const ReplicaLoadView& all, const std::vector<ReplicaId>& replicas) : all_(all), replicas_(replicas) {}
    int num_replicas() const override { return static_cast<int>(replicas_.size()); }
    std::size_t pending_requests(ReplicaId r) const override { return all_.pending_requests(at(r)); }
    std::size_t outstanding_requests(ReplicaId r) const override { return all_.outstanding_requests(at(r)); }
    std::int64_t free_kv_blocks(ReplicaId r) const override { return all_.free_kv_blocks(at(r)); }

   private:
    ReplicaId at(ReplicaId r) const { return replicas_[static_cast<std::size_t>(r)]; }
    const ReplicaLoadView& all_;
    const std::vector<ReplicaId>& replicas_;
  };

  RequestStore& requests_;
  Route arrivals_;
  Route decode_;
  const ReplicaLoadView* live_load_;
  ReportedLoad reported_;
  des::EntityId self_ = 0;
  std::vector<des::EntityId> replica_entities_;
  RoutingConfig routing_;
  std::vector<RequestId> queue_;
  bool schedule_pending_ = false;
  HandoffReceiver handoffs_;
  std::vector<HandoffMessage> decode_queue_;
  bool decode_schedule_pending_ = false;
};

}  // namespace llmsim::llm
