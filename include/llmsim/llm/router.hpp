// SPDX-License-Identifier: MIT
// Router: the entity that admits arriving requests and routes them to replicas with a GlobalScheduler.
#pragma once

#include <memory>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/llm/global_scheduler.hpp"

namespace llmsim::llm {

/// Generates arrival events lazily (one outstanding at a time), keeps the global queue and, once per instant
/// with arrivals, routes the whole queue (Vidur GlobalScheduleEvent). Dispatches reach a replica after
/// `routing_latency` (0 in a single process, as in Vidur).
class Router final : public des::Entity {
 public:
  Router(RequestStore& requests, std::unique_ptr<GlobalScheduler> policy, const ReplicaLoadView& load);

  /// Wires the router into `engine`: its own id and the replicas' entity ids (index = replica id).
  void attach(des::EntityId self, std::vector<des::EntityId> replica_entities, SimTime routing_latency);
  /// Schedules the first arrival. Call once before running the engine.
  void start(des::Engine& engine);
  void handle(const des::Event& event, des::Engine& engine) override;

  /// Replica each request was routed to (-1 if not yet routed).
  const std::vector<ReplicaId>& assignment() const { return assignment_; }
  bool idle() const { return queue_.empty(); }

 private:
  void on_arrival(RequestId id, des::Engine& engine);
  void on_global_schedule(des::Engine& engine);

  RequestStore& requests_;
  std::unique_ptr<GlobalScheduler> policy_;
  const ReplicaLoadView& load_;
  des::EntityId self_ = 0;
  std::vector<des::EntityId> replica_entities_;
  SimTime routing_latency_ = 0;
  std::vector<RequestId> queue_;
  std::vector<ReplicaId> assignment_;
  bool schedule_pending_ = false;
};

}  // namespace llmsim::llm
