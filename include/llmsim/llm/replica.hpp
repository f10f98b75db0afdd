// SPDX-License-Identifier: MIT
// Replica: one model replica entity — its batching scheduler, pipeline stages and in-flight batches.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/handoff_message.hpp"
#include "llmsim/llm/kv_transfer.hpp"
#include "llmsim/llm/memory_planner.hpp"
#include "llmsim/llm/replica_metrics.hpp"
#include "llmsim/llm/replica_scheduler.hpp"

namespace llmsim::llm {

/// What the replicas of prefill and decode pools share: the transfer model, every replica's pool and entity, and
/// the delay of a handoff notice to the router.
struct Disaggregation {
  KvTransferModel kv;
  std::vector<int> replica_pools;
  std::vector<des::EntityId> replica_entities;
  SimTime handoff_delay = 0;
};

/// What a replica's load notices carry besides its pending requests (what the routing policies weigh).
struct LoadReport {
  bool outstanding = false;
  bool free_blocks = false;
};

/// Handles requests routed to it, forms batches with its ReplicaScheduler and runs them through P pipeline
/// stages, each executing one batch at a time (Vidur ReplicaSchedule / ReplicaStageSchedule / BatchStageEnd /
/// BatchEnd events, spec 2.3 and 4.2). Up to P batches are in flight.
class Replica final : public des::Entity {
 public:
  /// `disaggregation` is needed by replicas of prefill and decode pools (and must outlive the replica).
  Replica(ReplicaId id, const PoolConfig& pool, int pool_index, std::int64_t max_request_tokens,
          RequestStore& requests, const ExecutionTimePredictor& predictor, const MetricsConfig& metrics,
          const Disaggregation* disaggregation = nullptr);

  /// Wires the replica into its engine. With `notice_latency` > 0 it reports its pending-queue length to the
  /// router entity after every scheduling round that changed it, arriving `notice_latency` later; `report` adds
  /// the outstanding count and the free KV blocks (and sends a notice when they change).
  void attach(des::EntityId self, des::EntityId router, SimTime notice_latency, LoadReport report) {
    self_ = self;
    router_ = router;
    notice_latency_ = notice_latency;
    report_ = report;
  }
  void handle(const des::Event& event, des::Engine& engine) override;

  const ReplicaScheduler& scheduler() const { return *scheduler_; }
  /// Requests waiting here: the scheduler's queue and, on a decode replica, those waiting for memory for their KV.
  std::size_t pending_requests() const { return scheduler_->num_pending_requests() + transfers_waiting_.size(); }
  /// Sets holder[id] to this replica for the requests it reports (routed here and not handed over to a decode
  /// replica); a request another replica already claimed is an error.
  void claim_requests(std::vector<ReplicaId>& holder) const;
  /// Requests routed here and not completed.
  std::size_t outstanding_requests() const { return outstanding_; }
  /// Requests this replica completed so far.
  std::int64_t completed_requests() const { return completed_; }
  ReplicaMetrics::StoredRows stored_rows() const { return metrics_.stored_rows(); }
  /// Room for `rows` batch rows, when they are kept (ReplicaMetrics::reserve_batches).
  void reserve_batch_rows(std::size_t rows) { metrics_.reserve_batches(rows); }
  /// Moves this replica's metric rows into `out` (once, after the run).
  void finish(SimulationResults& out);

 private:
  struct Stage {
    std::deque<std::size_t> queue;  // batch slots waiting for this stage
    bool busy = false;
    SimTime execution_time = 0;
    SimTime model_execution_time = 0;
  };

  struct IncomingTransfer {
    RequestId request;
    ReplicaId from;
    SimTime assigned_at;
  };

  void request_schedule(des::Engine& engine);
  void hand_off(RequestId id, des::Engine& engine);
  void on_decode_assign(const HandoffMessage& message, des::Engine& engine);
  void start_transfers(des::Engine& engine);
  void report_load(des::Engine& engine);
  void on_replica_schedule(des::Engine& engine);
  void try_start_stage(int stage, des::Engine& engine);
  void on_stage_end(std::size_t slot, int stage, des::Engine& engine);
  void on_batch_end(std::size_t slot, des::Engine& engine);
  std::size_t store_batch(Batch batch);

  ReplicaId id_;
  PoolRole role_;
  int pool_index_;
  const Disaggregation* disaggregation_;
  des::EntityId self_ = 0;
  des::EntityId router_ = 0;
  SimTime notice_latency_ = 0;
  std::size_t reported_pending_ = 0;
  std::size_t reported_outstanding_ = 0;
  std::int64_t reported_free_blocks_ = 0;
  std::size_t outstanding_ = 0;
  std::int64_t completed_ = 0;
  LoadReport report_;
  std::vector<RequestId> served_;
  std::vector<RequestId> handed_off_;  // prefill replica: requests whose decode went elsewhere
  HandoffReceiver handoffs_;
  std::deque<IncomingTransfer> transfers_waiting_;  // decode replica: first come, first reserved
  std::vector<KvTransferRecord> transfers_;
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
