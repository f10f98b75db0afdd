// SPDX-License-Identifier: MIT
// Batch features, multipliers and stage assembly shared by all predictors (predictor spec 1.3-1.6, 2.6).
#include "stage_assembler.hpp"

#include <cmath>

namespace llmsim::llm::detail {

namespace {

std::int64_t ceil_to(std::int64_t x, std::int64_t m) { return (x + m - 1) / m * m; }

}  // namespace

AttentionFeatures attention_features(const Batch& batch, const RequestStore& store, std::int64_t granularity) {
  AttentionFeatures f;
  std::int64_t decode_sum = 0;
  std::int64_t squares = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Request& r = store[static_cast<std::size_t>(batch.requests[i])];
    if (r.is_prefill_complete()) {
      ++f.decode_count;
      decode_sum += r.num_processed_tokens();
    } else {
      ++f.prefill_count;
      f.prefill_kv += ceil_to(r.num_processed_tokens(), granularity);
      squares += batch.num_tokens[i] * batch.num_tokens[i];
    }
  }
  if (f.decode_count > 0) {
    const auto mean =
        static_cast<std::int64_t>(static_cast<double>(decode_sum) / static_cast<double>(f.decode_count));
    f.decode_kv = ceil_to(mean, granularity);
  }
  // Equivalent single-sequence length sqrt(sum p_i^2), rounded half-to-even as Python's round().
  if (f.prefill_count > 0) f.prefill_chunk = static_cast<std::int64_t>(std::nearbyint(std::sqrt(static_cast<double>(squares))));
  return f;
}

StagePredictor::StagePredictor(const PredictorConfig& config, const ClusterConfig& cluster)
    : config_(config),
      num_layers_(cluster.replica.model.num_layers / cluster.replica.num_pipeline_stages),
      num_stages_(cluster.replica.num_pipeline_stages),
      tensor_parallel_(cluster.replica.tensor_parallel_size),
      post_attn_norm_(cluster.replica.model.post_attn_norm),
      gqa_(cluster.replica.model.num_q_heads > cluster.replica.model.num_kv_heads) {}

ExecutionTime StagePredictor::predict(const Batch& batch, const RequestStore& store, int stage) const {
  const std::int64_t t8 = batch.total_num_tokens_rounded();
  ExecutionTime e;
  e.num_layers = num_layers_;
  const auto get = [&](Op op, double& field, std::int64_t a, std::int64_t b = 0) {
    const OperatorTime l = operator_time(op, a, b);
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
    if (gqa_ && f.decode_count > 1) e.attention_decode *= 1 + config_.attention_decode_batching_overhead_fraction;
  }
  if (f.prefill_count > 0) {
    get(Op::attn_prefill, e.attention_prefill, f.prefill_kv, f.prefill_chunk);
    if (gqa_ && f.prefill_count > 1) e.attention_prefill *= 1 + config_.attention_prefill_batching_overhead_fraction;
  }
  get(Op::mlp_up_proj, e.mlp_up_proj, t8);
  get(Op::mlp_down_proj, e.mlp_down_proj, t8);
  get(Op::mlp_act, e.mlp_act, t8);
  get(Op::input_layernorm, e.attn_norm, t8);
  if (post_attn_norm_) get(Op::post_attention_layernorm, e.mlp_norm, t8);
  get(Op::add, e.add, t8);
  if (tensor_parallel_ > 1) {
    double all_reduce = 0;
    get(Op::all_reduce, all_reduce, t8);
    e.tensor_parallel_communication = all_reduce + config_.nccl_cpu_launch_overhead_ms +
                                      config_.nccl_cpu_skew_overhead_per_device_ms * std::pow(tensor_parallel_, 1.25);
  }
  if (num_stages_ > 1 && stage < num_stages_ - 1) get(Op::send_recv, e.pipeline_parallel_communication, t8);
  return e;
}

}  // namespace llmsim::llm::detail
