// SPDX-License-Identifier: MIT
// Replica: one model replica entity — its batching scheduler, pipeline stages and in-flight batches.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/memory_planner.hpp"
#include "llmsim/llm/replica_metrics.hpp"
#include "llmsim/llm/replica_scheduler.hpp"

namespace llmsim::llm {

/// Handles requests routed to it, forms batches with its ReplicaScheduler and runs them through P pipeline
/// stages, each executing one batch at a time (Vidur ReplicaSchedule / ReplicaStageSchedule / BatchStageEnd /
/// BatchEnd events, spec 2.3 and 4.2). Up to P batches are in flight.
class Replica final : public des::Entity {
 public:
  Replica(ReplicaId id, const PoolConfig& cluster, std::int64_t max_request_tokens, RequestStore& requests,
          const ExecutionTimePredictor& predictor, const MetricsConfig& metrics);

  /// Wires the replica into its engine. With `notice_latency` > 0 it reports its pending-queue length to the
  /// router entity after every scheduling round that changed it, arriving `notice_latency` later.
  /// With `report_outstanding`, notices also carry the outstanding count and are sent when either changes.
  void attach(des::EntityId self, des::EntityId router, SimTime notice_latency, bool report_outstanding) {
    self_ = self;
    router_ = router;
    notice_latency_ = notice_latency;
    report_outstanding_ = report_outstanding;
  }
  void handle(const des::Event& event, des::Engine& engine) override;

  const ReplicaScheduler& scheduler() const { return *scheduler_; }
  /// Requests routed to this replica, in arrival order at the replica.
  const std::vector<RequestId>& served() const { return served_; }
  /// Requests routed here and not completed.
  std::size_t outstanding_requests() const { return outstanding_; }
  /// True when no request is pending, holds memory or is inside a batch.
  bool idle() const;
  ReplicaMetrics::StoredRows stored_rows() const { return metrics_.stored_rows(); }
  /// Moves this replica's metric rows into `out` (once, after the run).
  void finish(SimulationResults& out);

 private:
  struct Stage {
    std::deque<std::size_t> queue;  // batch slots waiting for this stage
    bool busy = false;
    SimTime execution_time = 0;
    SimTime model_execution_time = 0;
  };

  void request_schedule(des::Engine& engine);
  void report_load(des::Engine& engine);
  void on_replica_schedule(des::Engine& engine);
  void try_start_stage(int stage, des::Engine& engine);
  void on_stage_end(std::size_t slot, int stage, des::Engine& engine);
  void on_batch_end(std::size_t slot, des::Engine& engine);
  std::size_t store_batch(Batch batch);

  ReplicaId id_;
  des::EntityId self_ = 0;
  des::EntityId router_ = 0;
  SimTime notice_latency_ = 0;
  std::size_t reported_pending_ = 0;
  std::size_t reported_outstanding_ = 0;
  std::size_t outstanding_ = 0;
  bool report_outstanding_ = false;
  std::vector<RequestId> served_;
  RequestStore& requests_;
  const ExecutionTimePredictor& predictor_;
  std::unique_ptr<ReplicaScheduler> scheduler_;
  MfuCalculator mfu_;
  ReplicaMetrics metrics_;
  std::vector<Stage> stages_;
  std::vector<Batch> slots_;  // in-flight batches; freed slots are reused
  std::vector<std::size_t> free_slots_;
  std::int64_t next_batch_index_ = 0;
  std::int64_t running_requests_ = 0;  // requests inside in-flight batches
  bool schedule_pending_ = false;
};

}  // namespace llmsim::llm
