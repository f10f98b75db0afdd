// SPDX-License-Identifier: MIT
// Parameter counts, KV-cache capacity planning and MFU (Vidur MemoryPlanner/ParamCounter/MFUCalculator, spec 5).
#pragma once

#include <cstdint>

#include "llmsim/llm/batch.hpp"
#include "llmsim/llm/config.hpp"

namespace llmsim::llm {

/// Parameters held by one device of a replica (attention and MLP weights only, as Vidur counts them).
std::int64_t params_per_device(const ReplicaConfig& replica);

/// Vidur's memory plan for one replica; `max_request_tokens` is the generator's max_tokens (MT).
class MemoryPlanner {
 public:
  MemoryPlanner(const ReplicaConfig& replica, std::int64_t max_request_tokens);
  /// Requests of MT tokens one micro-batch can hold; throws ConfigError if not even one fits.
  std::int64_t max_batch_size() const { return max_batch_size_; }
  /// max_batch_size x pipeline stages.
  std::int64_t max_request_slots() const { return max_batch_size_ * stages_; }

 private:
  std::int64_t max_batch_size_ = 0;
  std::int64_t stages_ = 1;
};

/// Everything a replica's memory plan and parallel layout decide, as the replica scheduler uses it (`llmsim plan`).
struct ReplicaPlan {
  // Parallel layout (per device).
  int layers_per_stage = 0;
  int q_heads_per_device = 0;
  int kv_heads_per_device = 0;  ///< replicated when TP > KV heads
  int mlp_hidden_per_device = 0;
  // Memory (bytes), with Vidur's formulas (predictor spec 4).
  std::int64_t params_per_device = 0;
  double param_bytes_per_device = 0;
  double available_bytes = 0;                   ///< device memory x (1 - memory_margin_fraction)
  std::int64_t kv_bytes_per_token_per_layer = 0;  ///< K and V, fp16, on one device
  double kv_bytes_per_request = 0;  ///< max_request_tokens tokens over all layers of the model (Vidur's planner)
  double kv_bytes_per_request_per_device = 0;  ///< the same over the layers of one pipeline stage
  std::int64_t max_request_tokens = 0;
  // Capacity.
  std::int64_t planner_max_batch_size = 0;  ///< (available - parameters) / kv_bytes_per_request
  std::int64_t request_slots = 0;           ///< planner_max_batch_size x pipeline stages
  std::int64_t max_batch_size = 0;          ///< min(planner_max_batch_size, batch_size_cap): Orca's, FT's batch limit
  std::int64_t micro_batch_cap = 0;         ///< batch_size_cap / pipeline stages: vLLM's, Sarathi's, LightLLM's
  std::int64_t block_size = 0;
  std::int64_t max_blocks_per_sequence = 0;  ///< max_request_tokens / block_size
  std::int64_t num_blocks = 0;               ///< configured, or max_blocks_per_sequence x request_slots
  std::int64_t watermark_blocks = 0;
};

/// The plan of `replica` under `scheduler` for requests of at most `max_request_tokens`; throws ConfigError if not
/// even one request fits.
ReplicaPlan plan_replica(const ReplicaConfig& replica, const ReplicaSchedulerConfig& scheduler,
                         std::int64_t max_request_tokens);

/// Model FLOPs utilisation of one batch stage, in percent (Vidur's definition: peak = TFLOPs x 2^40).
class MfuCalculator {
 public:
  explicit MfuCalculator(const ReplicaConfig& replica);
  /// `processed` is each request's processed-token count when the stage starts; `seconds` the stage's duration.
  double mfu_percent(const Batch& batch, const RequestStore& store, double seconds) const;

 private:
  double params_ = 0;
  double layers_per_stage_ = 0;
  double heads_per_worker_ = 0;
  double head_dim_ = 0;
  double peak_flops_ = 0;
};

}  // namespace llmsim::llm
