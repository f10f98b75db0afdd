// SPDX-License-Identifier: MIT
// StagePredictor: Vidur's batch features (predictor spec 1.3), GQA factors and communication terms (1.4) and
// stage assembly (1.6), shared by every predictor; subclasses only answer per-operator look-ups.
#pragma once

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

class StagePredictor : public ExecutionTimePredictor {
 public:
  StagePredictor(const PredictorConfig& config, const ClusterConfig& cluster);
  ExecutionTime predict(const Batch& batch, const RequestStore& store, int stage) const final;

 protected:
  const PredictorConfig& config() const { return config_; }
  int tensor_parallel() const { return tensor_parallel_; }
  int num_stages() const { return num_stages_; }

 private:
  PredictorConfig config_;
  int num_layers_;
  int num_stages_;
  int tensor_parallel_;
  bool post_attn_norm_;
  bool gqa_;
};

}  // namespace llmsim::llm::detail
