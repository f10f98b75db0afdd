// SPDX-License-Identifier: MIT
// Router: the entity that admits arriving requests and routes them to replicas with a GlobalScheduler.
#pragma once

#include <memory>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/llm/global_scheduler.hpp"

namespace llmsim::llm {

/// Generates arrival events lazily (one outstanding at a time), keeps the global queue and, once per instant
/// with arrivals, routes the whole queue (Vidur GlobalScheduleEvent). A dispatch reaches its replica after
/// RoutingConfig::request_delay (latency plus the request's transfer time; 0 by default, as in Vidur).
class Router final : public des::Entity {
 public:
  /// `live_load` is used when the routing latency is 0; otherwise the router routes on the pending counts the
  /// replicas reported (load notices), which are `latency` old.
  Router(RequestStore& requests, std::unique_ptr<GlobalScheduler> policy, const ReplicaLoadView* live_load,
         int num_replicas);

  /// Wires the router into `engine`: its own id and the replicas' entity ids (index = replica id).
  void attach(des::EntityId self, std::vector<des::EntityId> replica_entities, const RoutingConfig& routing);
  /// Schedules the first arrival. Call once before running the engine.
  void start(des::Engine& engine);
  void handle(const des::Event& event, des::Engine& engine) override;

  /// Replica each request was routed to (-1 if not yet routed).
  const std::vector<ReplicaId>& assignment() const { return assignment_; }
  bool idle() const { return queue_.empty(); }

 private:
  void on_arrival(RequestId id, des::Engine& engine);
  void on_global_schedule(des::Engine& engine);

  /// Pending and outstanding counts as last reported by the replicas.
  class ReportedLoad final : public ReplicaLoadView {
   public:
    explicit ReportedLoad(int n)
        : pending_(static_cast<std::size_t>(n), 0), outstanding_(static_cast<std::size_t>(n), 0) {}
    int num_replicas() const override { return static_cast<int>(pending_.size()); }
    std::size_t pending_requests(ReplicaId r) const override { return pending_[static_cast<std::size_t>(r)]; }
    std::size_t outstanding_requests(ReplicaId r) const override { return outstanding_[static_cast<std::size_t>(r)]; }
    std::vector<std::size_t> pending_;
    std::vector<std::size_t> outstanding_;
  };

  RequestStore& requests_;
  std::unique_ptr<GlobalScheduler> policy_;
  const ReplicaLoadView* live_load_;
  ReportedLoad reported_;
  des::EntityId self_ = 0;
  std::vector<des::EntityId> replica_entities_;
  RoutingConfig routing_;
  std::vector<RequestId> queue_;
  std::vector<ReplicaId> assignment_;
  bool schedule_pending_ = false;
};

}  // namespace llmsim::llm
