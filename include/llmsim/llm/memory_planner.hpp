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
