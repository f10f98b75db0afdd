// SPDX-License-Identifier: MIT
// ExecutionTime of one batch on one pipeline stage, and the predictor interface that produces it.
#pragma once

#include <memory>

#include "llmsim/llm/batch.hpp"
#include "llmsim/llm/config.hpp"

namespace llmsim::llm {

/// Per-layer operator times in milliseconds (Vidur `ExecutionTime`, spec 3.7), summed exactly as Vidur does.
struct ExecutionTime {
  int num_layers = 0;  ///< layers on this stage (L / P)
  double attention_rope = 0;
  double attention_kv_cache_save = 0;
  double attention_decode = 0;
  double attention_prefill = 0;
  double attention_pre_proj = 0;
  double attention_post_proj = 0;
  double mlp_up_proj = 0;
  double mlp_down_proj = 0;
  double mlp_act = 0;
  double attn_norm = 0;
  double mlp_norm = 0;
  double add = 0;
  double tensor_parallel_communication = 0;    ///< one all-reduce (charged twice per layer)
  double pipeline_parallel_communication = 0;  ///< per stage, not per layer; 0 on the last stage

  /// Model time in seconds: (block x layers + pp_comm) x 1e-3, with Vidur's summation order.
  double model_time_s() const;
  /// Total stage time in seconds. CPU overheads are not modelled (Vidur's default skips them).
  double total_time_s() const { return model_time_s(); }
};

/// Predicts the execution time of a batch on a pipeline stage. One instance serves all replicas of a
/// simulation; predict() must be pure (same batch and request state -> same result).
class ExecutionTimePredictor {
 public:
  virtual ~ExecutionTimePredictor() = default;
  /// `store` holds the request state at the moment the stage starts. Throws InputError when the batch lies
  /// outside the predictor's domain (Vidur raises KeyError there).
  virtual ExecutionTime predict(const Batch& batch, const RequestStore& store, int stage) const = 0;
};

/// Creates the predictor named `config.name` (currently `vidur_table`); throws ConfigError/InputError.
std::unique_ptr<ExecutionTimePredictor> make_execution_time_predictor(const PredictorConfig& config,
                                                                      const ClusterConfig& cluster);

}  // namespace llmsim::llm
