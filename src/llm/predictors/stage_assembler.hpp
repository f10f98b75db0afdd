// SPDX-License-Identifier: MIT
// StagePredictor: Vidur's batch features (predictor spec 1.3), GQA factors and communication terms (1.4) and
// stage assembly (1.6), shared by every predictor; subclasses only answer per-operator look-ups.
#pragma once

#include <cmath>
#include <cstdint>

#include "llmsim/llm/execution_time.hpp"

namespace llmsim::llm::detail {

/// The attention features of a batch under Vidur's aggregation rules.
struct AttentionFeatures {
  std::int64_t decode_count = 0;   ///< requests in decode
  std::int64_t decode_kv = 0;      ///< ceil_to(trunc(mean processed tokens), g)
  std::int64_t prefill_count = 0;  ///< requests in prefill
  std::int64_t prefill_kv = 0;     ///< sum of ceil_to(processed tokens, g)
  std::int64_t prefill_chunk = 0;  ///< round(sqrt(sum of chunk^2))
};

AttentionFeatures attention_features(const Batch& batch, const RequestStore& store, std::int64_t granularity);

/// Deployment facts the assembly needs.
struct StageShape {
  int num_layers = 0;  ///< per stage
  int num_stages = 1;
  int tensor_parallel = 1;
  bool post_attn_norm = true;
  bool gqa = false;

  explicit StageShape(const PoolConfig& cluster);
};

/// `Derived` provides `OperatorTime operator_time(Op, std::int64_t a, std::int64_t b) const` (the look-ups are
/// resolved at compile time: this is the simulation's hottest path).
template <typename Derived>
class StagePredictor : public ExecutionTimePredictor {
 public:
  StagePredictor(const PredictorConfig& config, const PoolConfig& cluster) : config_(config), shape_(cluster) {}

  ExecutionTime predict(const Batch& batch, const RequestStore& store, int stage) const final {
    const Derived& self = static_cast<const Derived&>(*this);
    const std::int64_t t8 = batch.total_num_tokens_rounded();
    ExecutionTime e;
    e.num_layers = shape_.num_layers;
    const auto get = [&](Op op, double& field, std::int64_t a, std::int64_t b = 0) {
      const OperatorTime l = self.Derived::operator_time(op, a, b);
      field = l.ms;
      e.source[static_cast<std::size_t>(op)] = l.source;
    };
    get(Op::attn_pre_proj, e.attention_pre_proj, t8);
    get(Op::attn_post_proj, e.attention_post_proj, t8);
    get(Op::attn_rope, e.attention_rope, t8);
    get(Op::attn_kv_cache_save, e.attention_kv_cache_save, batch.total_num_tokens);
    const AttentionFeatures f = attention_features(batch, store, config_.kv_cache_prediction_granularity);
    if (f.decode_count > 0) {
      get(Op::attn_decode, e.attention_decode, f.decode_count, f.decode_kv);
      if (shape_.gqa && f.decode_count > 1) e.attention_decode *= 1 + config_.attention_decode_batching_overhead_fraction;
    }
    if (f.prefill_count > 0) {
      get(Op::attn_prefill, e.attention_prefill, f.prefill_kv, f.prefill_chunk);
      if (shape_.gqa && f.prefill_count > 1) {
        e.attention_prefill *= 1 + config_.attention_prefill_batching_overhead_fraction;
      }
    }
    get(Op::mlp_up_proj, e.mlp_up_proj, t8);
    get(Op::mlp_down_proj, e.mlp_down_proj, t8);
    get(Op::mlp_act, e.mlp_act, t8);
    get(Op::input_layernorm, e.attn_norm, t8);
    if (shape_.post_attn_norm) get(Op::post_attention_layernorm, e.mlp_norm, t8);
    get(Op::add, e.add, t8);
    if (shape_.tensor_parallel > 1) {
      double all_reduce = 0;
      get(Op::all_reduce, all_reduce, t8);
      e.tensor_parallel_communication =
          all_reduce + config_.nccl_cpu_launch_overhead_ms +
          config_.nccl_cpu_skew_overhead_per_device_ms * std::pow(shape_.tensor_parallel, 1.25);
    }
    if (shape_.num_stages > 1 && stage < shape_.num_stages - 1) {
      get(Op::send_recv, e.pipeline_parallel_communication, t8);
    }
    e.set_cpu_overhead(config_.cpu_overhead, batch.size());
    return e;
  }

 protected:
  const StageShape& shape() const { return shape_; }

 private:
  PredictorConfig config_;
  StageShape shape_;
};

}  // namespace llmsim::llm::detail
