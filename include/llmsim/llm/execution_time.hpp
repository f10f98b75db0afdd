// SPDX-License-Identifier: MIT
// ExecutionTime of one batch on one pipeline stage, and the predictor interface that produces it.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "llmsim/llm/batch.hpp"
#include "llmsim/llm/config.hpp"
#include "llmsim/llm/operators.hpp"

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
  double cpu_overhead_ms = 0;   ///< the engine's CPU work of this stage (CpuOverheadConfig), added to the model time
  double launch_floor_ms = 0;   ///< the stage takes at least this long (CPU kernel launches of its layers)
  PerOp<Source> source{};                      ///< where each operator's time came from

  /// Model time in seconds: (block x layers + pp_comm) x 1e-3, with Vidur's summation order.
  double model_time_s() const;
  /// Sets the CPU terms of this stage (of `batch_size` requests, num_layers layers) from `cpu`: cpu_overhead_ms =
  /// per_iteration_ms + per_request_ms x batch size, launch_floor_ms = launch_per_layer_ms x layers.
  void set_cpu_overhead(const CpuOverheadConfig& cpu, std::size_t batch_size) {
    cpu_overhead_ms = cpu.per_iteration_ms + cpu.per_request_ms * static_cast<double>(batch_size);
    launch_floor_ms = cpu.launch_per_layer_ms * num_layers;
  }
  /// Total stage time in seconds: the longer of the model time and the launch floor, plus the CPU overhead
  /// (exactly the model time with both 0, Vidur's default).
  double total_time_s() const {
    const double model = model_time_s();
    return (launch_floor_ms > 0 ? std::max(model, launch_floor_ms * 1e-3) : model) + cpu_overhead_ms * 1e-3;
  }
  /// Adds what each operator contributes to this stage's time (ms: per-layer times x layers, the all-reduce twice
  /// per layer, send_recv once) to `acc[operator][its source]`.
  void add_stage_ms(PerOp<std::array<double, kNumSources>>& acc) const;
};

/// How a predictor predicts one operator, for the provenance record of every result.
struct OperatorInfo {
  Op op = Op::attn_pre_proj;
  std::string data;    ///< what it learnt from: measured, synthetic, vidur_table, datasheet (roofline only), none
  std::string method;  ///< e.g. table, linear_interpolation, roofline
  std::string file;    ///< the profile or table file (empty if none)
  std::int64_t samples = 0;
  double heldout_mape_percent = -1;  ///< k-fold held-out MAPE (roofline: calibration MAPE); -1 = not measured
  std::string domain;                ///< the profiled domain, in the operator's features
};

/// One operator's predicted time (ms, per layer; send_recv per stage) and where it came from.
struct OperatorTime {
  double ms = 0;
  Source source = Source::table;
};

/// Predicts the execution time of a batch on a pipeline stage. One instance serves all replicas of a
/// simulation; predict() must be pure (same batch and request state -> same result).
class ExecutionTimePredictor {
 public:
  virtual ~ExecutionTimePredictor() = default;
  /// `store` holds the request state at the moment the stage starts. Throws InputError when the batch lies
  /// outside the predictor's domain (Vidur raises KeyError there).
  virtual ExecutionTime predict(const Batch& batch, const RequestStore& store, int stage) const = 0;
  /// One entry per operator this deployment uses.
  virtual std::vector<OperatorInfo> describe() const = 0;
  /// Time of one operator for Vidur's features (predictor spec 1.3): tokens for the token-keyed operators
  /// (linear ops, norms, add, kv-cache save, all_reduce, send_recv); (batch_size, kv_cache_size) for attn_decode;
  /// (kv_cache_size, chunk) for attn_prefill. No GQA factor or NCCL overhead. Throws InputError outside the domain
  /// of a table, Error for an operator the deployment does not use.
  virtual OperatorTime operator_time(Op op, std::int64_t a, std::int64_t b) const = 0;
};

/// Creates the predictor named `config.name`; throws ConfigError/InputError.
std::unique_ptr<ExecutionTimePredictor> make_execution_time_predictor(const PredictorConfig& config,
                                                                      const PoolConfig& cluster);

}  // namespace llmsim::llm
