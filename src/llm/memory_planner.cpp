// SPDX-License-Identifier: MIT
// Memory planner arithmetic, reproducing Vidur's float semantics (vidur/scheduler/utils/memory_planner.py).
#include "llmsim/llm/memory_planner.hpp"

#include <cmath>
#include <string>

#include "llmsim/util/error.hpp"

namespace llmsim::llm {

namespace {

// Python's float floor division a // b (fmod based, spec 5.2), for positive b.
double python_floordiv(double a, double b) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0.0 && ((b < 0) != (mod < 0))) div -= 1.0;
  if (div == 0.0) return std::copysign(0.0, a / b);
  double floordiv = std::floor(div);
  if (div - floordiv > 0.5) floordiv += 1.0;
  return floordiv;
}

}  // namespace

std::int64_t params_per_device(const ReplicaConfig& r) {
  const ModelSpec& m = r.model;
  const std::int64_t tp = r.tensor_parallel_size;
  const std::int64_t hd = m.embedding_dim / m.num_q_heads;
  const std::int64_t qw = m.num_q_heads / tp;
  const std::int64_t kvw = (m.num_kv_heads + tp - 1) / tp;
  const std::int64_t e = m.embedding_dim;
  const std::int64_t f = m.mlp_hidden_dim;
  const std::int64_t attention = e * hd * (qw + 2 * kvw) + e * hd * qw;
  const std::int64_t mlp = (m.use_gated_mlp ? 3 * e * f : 2 * e * f) / tp;
  return (attention + mlp) * (m.num_layers / r.num_pipeline_stages);
}

MemoryPlanner::MemoryPlanner(const ReplicaConfig& r, std::int64_t max_request_tokens)
    : stages_(r.num_pipeline_stages) {
  const ModelSpec& m = r.model;
  const std::int64_t tp = r.tensor_parallel_size;
  const std::int64_t hd = m.embedding_dim / m.num_q_heads;
  const std::int64_t kvw = (m.num_kv_heads + tp - 1) / tp;
  const double kv_per_request = static_cast<double>(2 * 2 * hd * kvw * max_request_tokens * m.num_layers);
  const double param_bytes = 2.0 * static_cast<double>(params_per_device(r));
  // Vidur: int(total_memory_gb * 1024**3) * (1 - margin); memory sizes are whole GB in every SKU.
  const double available =
      static_cast<double>(static_cast<std::int64_t>(r.device.total_memory_gb * 1073741824.0)) *
      (1.0 - r.memory_margin_fraction);
  const double batch = python_floordiv(available - param_bytes, kv_per_request);
  if (!(batch > 0)) {
    throw ConfigError("cluster.replica: not enough memory to store even a single request: model '" + m.name +
                      "' with tensor_parallel_size " + std::to_string(tp) + " and num_pipeline_stages " +
                      std::to_string(stages_) + " on device '" + r.device.name + "' (" +
                      std::to_string(r.device.total_memory_gb) +
                      " GB); raise the parallelism or lower max_tokens / memory_margin_fraction");
  }
  max_batch_size_ = static_cast<std::int64_t>(batch);
}

MfuCalculator::MfuCalculator(const ReplicaConfig& r)
    : params_(static_cast<double>(params_per_device(r))),
      layers_per_stage_(r.model.num_layers / r.num_pipeline_stages),
      heads_per_worker_(r.model.num_q_heads / r.tensor_parallel_size),
      head_dim_(r.model.embedding_dim / r.model.num_q_heads),
      peak_flops_(r.device.fp16_tflops * 1099511627776.0) {}

double MfuCalculator::mfu_percent(const Batch& batch, const RequestStore& store, double seconds) const {
  const double mlp_flops = 2.0 * static_cast<double>(batch.total_num_tokens) * params_;
  double attention_flops = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto n = static_cast<double>(batch.num_tokens[i]);
    const auto processed = static_cast<double>(store[static_cast<std::size_t>(batch.requests[i])].num_processed_tokens());
    attention_flops += 4.0 * layers_per_stage_ * heads_per_worker_ * head_dim_ * n * (n + processed);
  }
  return (mlp_flops + attention_flops) / seconds * 100.0 / peak_flops_;
}

}  // namespace llmsim::llm
