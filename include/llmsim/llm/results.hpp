// SPDX-License-Identifier: MIT
// SimulationResults: every metric a run produces, as plain rows sorted by id (what the writers serialise).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/request_store.hpp"
#include "llmsim/util/sim_time.hpp"

namespace llmsim::llm {

/// Per-request metrics with Vidur's request_metrics.csv definitions (spec 8.2). Times are SimTime (ns);
/// `*_normalized` are seconds per token (doubles), divided by the post-restart token counts as Vidur does.
/// Times of a request that did not finish (time limit) are -1.
struct RequestRecord {
  std::int64_t request_id = 0;
  std::int32_t replica_id = -1;
  std::uint8_t completed = 0;
  std::int32_t num_restarts = 0;
  std::int64_t num_prefill_tokens = 0;  ///< as generated
  std::int64_t num_decode_tokens = 0;   ///< as generated
  std::int64_t num_tokens = 0;          ///< prefill + decode, as generated
  double pd_ratio = 0;                  ///< prefill / decode, as generated
  SimTime arrived_at = 0;
  SimTime inter_arrival_delay = -1;  ///< -1 for the first request
  SimTime scheduled_at = -1;
  SimTime prefill_completed_at = -1;
  SimTime completed_at = -1;
  SimTime e2e_time = -1;
  SimTime execution_time = -1;
  SimTime model_execution_time = -1;
  SimTime preemption_time = -1;
  SimTime scheduling_delay = -1;
  SimTime execution_plus_preemption_time = -1;
  SimTime prefill_e2e_time = -1;  ///< TTFT
  SimTime prefill_time_execution_plus_preemption = -1;
  SimTime decode_time_execution_plus_preemption = -1;
  double e2e_time_normalized = -1;
  double execution_time_normalized = -1;
  double model_execution_time_normalized = -1;
  double execution_plus_preemption_time_normalized = -1;
  double prefill_time_execution_plus_preemption_normalized = -1;
  double decode_time_execution_plus_preemption_normalized = -1;  ///< TBT (time per output token)

  bool operator==(const RequestRecord&) const = default;
};

/// One row per batch (kept when metrics.store_batch_metrics is on).
struct BatchRecord {
  std::int32_t replica_id = 0;
  std::int64_t batch_index = 0;  ///< per-replica sequence number
  SimTime scheduled_at = 0;
  SimTime completed_at = 0;
  SimTime execution_time = 0;  ///< completed_at - scheduled_at (includes pipeline queueing)
  std::int32_t size = 0;
  std::int64_t num_tokens = 0;
  std::int64_t num_prefill_tokens = 0;
  std::int64_t num_decode_tokens = 0;

  bool operator==(const BatchRecord&) const = default;
};

/// One row per (replica, pipeline stage).
struct ReplicaStageRecord {
  std::int32_t replica_id = 0;
  std::int32_t stage_id = 0;
  std::int64_t num_batch_stages = 0;
  SimTime busy_time = 0;         ///< total time this stage executed
  SimTime first_start = -1;      ///< first batch-stage start (-1 if idle all run)
  SimTime last_end = -1;         ///< last batch-stage end
  double busy_time_percent = 0;  ///< busy_time / (last_end - first_start), Vidur's weighted-mean window
  double mfu_percent = 0;        ///< time-weighted MFU over the same window

  bool operator==(const ReplicaStageRecord&) const = default;
};

/// One row per replica.
struct ReplicaRecord {
  std::int32_t replica_id = 0;
  std::int64_t num_blocks = 0;
  std::int64_t num_requests = 0;  ///< requests routed here
  std::int64_t num_batches = 0;
  double mean_batch_size = 0;    ///< requests per batch
  double mean_batch_tokens = 0;  ///< tokens per batch
  double memory_usage_mean_percent = 0;  ///< Vidur's simple mean over scheduling/batch-end samples
  double memory_usage_peak_percent = 0;

  bool operator==(const ReplicaRecord&) const = default;
};

/// One output token of a request (kept when metrics.store_token_completion_metrics is on). Token 0 completes
/// with the prefill; a restarted request's recomputed tokens are not emitted again.
struct TokenRecord {
  std::int64_t request_id = 0;
  SimTime completed_at = 0;
  std::int32_t token_index = 0;
  std::int32_t padding = 0;

  bool operator==(const TokenRecord&) const = default;
};

/// A replica's state after a scheduling round that changed it (kept when metrics.store_time_series is on).
struct TimeSeriesRecord {
  std::int32_t replica_id = 0;
  std::int32_t queue_length = 0;      ///< requests waiting in the replica's queue
  SimTime time = 0;
  std::int64_t running_requests = 0;  ///< requests inside batches in flight
  std::int64_t kv_blocks_used = 0;    ///< KV-cache blocks allocated

  bool operator==(const TimeSeriesRecord&) const = default;
};

/// What one replica's prefix cache did (replicas whose scheduler caches prefixes).
struct PrefixCacheRecord {
  std::int32_t replica_id = 0;
  std::int32_t padding = 0;
  std::int64_t lookups = 0;        ///< first admissions, each looking up its prompt
  std::int64_t lookup_tokens = 0;  ///< their prompt tokens
  std::int64_t hit_tokens = 0;     ///< of which found cached (not computed)
  std::int64_t resumed_lookup_tokens = 0;  ///< prompt tokens of admissions after a preemption
  std::int64_t resumed_hit_tokens = 0;     ///< of which found cached
  std::int64_t evictions = 0;      ///< cached blocks dropped for new content
  double hit_rate = 0;             ///< hit_tokens / lookup_tokens (0 without lookups); first admissions only

  bool operator==(const PrefixCacheRecord&) const = default;
};

/// Prompt tokens of one request found in a prefix cache (requests served by a caching replica).
struct CachedTokensRecord {
  std::int64_t request_id = 0;
  std::int64_t cached_tokens = 0;

  bool operator==(const CachedTokensRecord&) const = default;
};

/// One row per batch stage; recorded only for the Chrome trace.
struct BatchStageRecord {
  std::int32_t replica_id = 0;
  std::int32_t stage_id = 0;
  std::int64_t batch_index = 0;
  SimTime start = 0;
  SimTime duration = 0;
  std::vector<RequestId> request_ids;
  std::vector<std::int64_t> num_tokens;

  bool operator==(const BatchStageRecord&) const = default;
};

/// Simulated GPU time of one operator on one replica from one prediction source (all stages, layers included).
struct OperatorTimeRecord {
  std::int32_t replica_id = 0;
  std::int32_t operator_id = 0;  ///< llm::Op
  std::int32_t source_id = 0;    ///< llm::Source
  std::int32_t padding = 0;
  double gpu_time_ms = 0;

  bool operator==(const OperatorTimeRecord&) const = default;
};

/// One KV-cache transfer of a disaggregated run: request `request_id` prefilled on `prefill_replica_id`, decoded on
/// `decode_replica_id`. The decode replica learnt of it at `assigned_at`, reserved its blocks and started the copy at
/// `transfer_started_at` (waiting in between for memory), and had it at `transfer_completed_at`; both replicas
/// held the blocks in between.
struct KvTransferRecord {
  std::int64_t request_id = 0;
  std::int32_t prefill_replica_id = 0;
  std::int32_t decode_replica_id = 0;
  std::int64_t kv_tokens = 0;
  double kv_bytes = 0;
  SimTime prefill_completed_at = 0;
  SimTime assigned_at = 0;
  SimTime transfer_started_at = 0;
  SimTime transfer_completed_at = 0;

  bool operator==(const KvTransferRecord&) const = default;
};

/// One pool of replicas and what it did (rank 0, after the run). Replicas first_replica .. first_replica +
/// num_replicas - 1 are the pool's.
struct PoolRecord {
  std::string name;
  std::int32_t first_replica = 0;
  std::int32_t num_replicas = 0;
  std::string model;
  std::string device;
  std::string network_device;
  std::int32_t tensor_parallel_size = 1;
  std::int32_t num_pipeline_stages = 1;
  std::string replica_scheduler;
  std::string predictor;
  std::int64_t num_gpus = 0;
  double price_per_gpu_hour = 0;  ///< USD
  double cost_per_hour = 0;       ///< USD, the whole pool
  std::int64_t num_requests = 0;  ///< routed to the pool (a prefill pool: prompts it prefilled or holds)
  std::int64_t completed_requests = 0;  ///< a prefill pool: prefills done
  double busy_time_mean_percent = 0;  ///< mean over the pool's replica stages
  double mfu_mean_percent = 0;
  double memory_usage_mean_percent = 0;  ///< mean over the pool's replicas
  double memory_usage_peak_percent = 0;  ///< the highest of the pool's replicas
  std::vector<OperatorInfo> operators;   ///< how the pool's predictor predicts each operator
};

/// What the summaries need of the request rows, accumulated row by row in id order (so that the rows themselves
/// can go to the file in slices and be dropped): counts, and the summary metrics of each completed request.
struct RequestSummary {
  std::int64_t num_requests = 0;
  std::int64_t num_completed = 0;
  std::int64_t num_restarts = 0;
  std::int64_t output_tokens = 0;                  ///< decode tokens of the completed requests, as generated
  std::vector<std::int64_t> requests_per_replica;  ///< rows naming each replica (index = replica id)
  std::vector<std::int64_t> completed_per_replica;
  std::vector<bool> completed;                     ///< by request id
  /// One value per completed request, in id order, in seconds (request_metric_names(), result_stats.hpp; TPOT is
  /// NaN for a request of one output token).
  std::vector<double> ttft, tbt, e2e, scheduling_delay, tpot;

  /// Adds the next row (rows must come in id order, every id once).
  void add(const RequestRecord& row);
  /// The column of `metric` (one of request_metric_names()); throws Error for another name.
  const std::vector<double>& column(const std::string& metric) const;
};

/// Everything a run produced. Rows are sorted by their ids so output never depends on processing order.
struct SimulationResults {
  std::vector<RequestRecord> requests;  ///< empty when the run streamed them to a RequestRowSink
  RequestSummary request_summary;       ///< of every request row, streamed or not
  std::vector<BatchRecord> batches;
  std::vector<ReplicaStageRecord> replica_stages;
  std::vector<ReplicaRecord> replicas;
  std::vector<BatchStageRecord> batch_stages;  ///< empty unless the Chrome trace is enabled
  std::vector<TokenRecord> tokens;             ///< sorted by (request, token); empty unless token metrics are on
  std::vector<TimeSeriesRecord> time_series;   ///< sorted by (replica, time); empty unless time series are on
  std::vector<PrefixCacheRecord> prefix_cache;     ///< sorted by replica; replicas that cache prefixes
  std::vector<CachedTokensRecord> cached_tokens;   ///< sorted by request; requests served by those replicas
  std::vector<OperatorTimeRecord> operator_times;  ///< sorted by (replica, operator, source)
  std::vector<KvTransferRecord> kv_transfers;      ///< sorted by request; disaggregated runs
  std::vector<PoolRecord> pools;                   ///< in config order (rank 0 only)
  SimTime makespan = 0;                        ///< time of the last processed event
  std::uint64_t num_events = 0;
  bool time_limit_reached = false;
};

/// Where a run's request rows go instead of SimulationResults::requests (e.g. straight into the result file):
/// slices of consecutive ids, in id order, every id once, on rank 0.
class RequestRowSink {
 public:
  virtual ~RequestRowSink() = default;
  virtual void write(std::span<const RequestRecord> rows) = 0;
};

/// The row of request `r` (Vidur's request_metrics.csv definitions, spec 8.2) held by `replica` at the end of the
/// run; replica -1: on none (the run stopped while it was between replicas): not completed, no restarts.
/// `previous_arrival` is the arrival of request id - 1 (none for the first request).
RequestRecord request_record(const Request& r, ReplicaId replica, std::optional<SimTime> previous_arrival);

}  // namespace llmsim::llm
