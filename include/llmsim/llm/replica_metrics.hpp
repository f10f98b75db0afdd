// SPDX-License-Identifier: MIT
// ReplicaMetrics: per-replica accumulators of memory, stage busy time, MFU and batch rows.
#pragma once

#include <vector>

#include "llmsim/llm/batch.hpp"
#include "llmsim/llm/config.hpp"
#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/results.hpp"

namespace llmsim::llm {

/// Collects what one replica contributes to SimulationResults, with Vidur's metric definitions (spec 8.2)
/// minus its meter-index rotation bug (spec 11 item 9): replica r's data is reported as replica r.
class ReplicaMetrics {
 public:
  ReplicaMetrics(ReplicaId replica, int num_stages, const MetricsConfig& config);

  /// Memory sample taken after a scheduling round that produced batches, and after every batch end.
  void on_memory_sample(double percent);
  void on_stage_start(int stage, SimTime start, SimTime duration, double mfu_percent, const Batch& batch,
                      const ExecutionTime& time);
  void on_batch_end(const Batch& batch, SimTime end);
  void on_request_routed() { ++num_requests_; }
  /// `request` finished an iteration: when it produced an output token, that token completed at `t`.
  void on_request_iteration_end(const Request& request, SimTime t);
  /// The replica's state after a scheduling round at `t` (kept only when it changed).
  void on_state(SimTime t, std::size_t queue_length, std::int64_t running_requests, std::int64_t kv_blocks_used);
  /// Rows this replica holds for the per-batch, per-token and time-series tables.
  struct StoredRows {
    std::size_t batches = 0;
    std::size_t tokens = 0;
    std::size_t time_series = 0;
  };
  StoredRows stored_rows() const { return {batches_.size(), tokens_.size(), time_series_.size()}; }
  /// Room for `rows` batch rows if batch rows are kept. Reserved pages cost nothing until a row is written in them;
  /// growing by doubling instead wrote ~2.7 times the pages the rows need (a third of a small run's page faults).
  void reserve_batches(std::size_t rows) {
    if (keep_batches_) batches_.reserve(rows);
  }

  /// Moves this replica's rows into `out` (call once, at the end of the run).
  void finish(std::int64_t num_blocks, SimulationResults& out);

 private:
  struct StageAccumulator {
    std::int64_t count = 0;
    SimTime busy = 0;
    SimTime first_start = -1;
    SimTime last_end = -1;
    double mfu_time_weighted = 0;  // sum of mfu% x duration (ns)
  };

  ReplicaId replica_;
  bool keep_batches_;
  bool keep_batch_stages_;
  bool keep_tokens_;
  bool keep_time_series_;
  std::vector<StageAccumulator> stages_;
  double memory_sum_ = 0;
  std::int64_t memory_samples_ = 1;  // Vidur's meter starts with a (0, 0) sample
  double memory_peak_ = 0;
  std::int64_t num_requests_ = 0;
  std::int64_t num_batches_ = 0;
  std::int64_t batch_requests_ = 0;
  std::int64_t batch_tokens_ = 0;
  PerOp<std::array<double, kNumSources>> operator_ms_{};  // simulated GPU time by operator and source
  std::vector<BatchRecord> batches_;
  std::vector<BatchStageRecord> batch_stages_;
  std::vector<TokenRecord> tokens_;
  std::vector<TimeSeriesRecord> time_series_;
};

}  // namespace llmsim::llm
