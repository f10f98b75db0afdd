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

StageShape::StageShape(const PoolConfig& cluster)
    : num_layers(cluster.replica.model.num_layers / cluster.replica.num_pipeline_stages),
      num_stages(cluster.replica.num_pipeline_stages),
      tensor_parallel(cluster.replica.tensor_parallel_size),
      post_attn_norm(cluster.replica.model.post_attn_norm),
      gqa(cluster.replica.model.num_q_heads > cluster.replica.model.num_kv_heads) {}

}  // namespace llmsim::llm::detail
