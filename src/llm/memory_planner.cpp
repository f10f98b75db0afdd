// SPDX-License-Identifier: MIT
// Memory planner arithmetic, reproducing Vidur's float semantics (vidur/scheduler/utils/memory_planner.py).
#include "llmsim/llm/memory_planner.hpp"

#include <algorithm>
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

ReplicaPlan plan_replica(const ReplicaConfig& r, const ReplicaSchedulerConfig& scheduler,
                         std::int64_t max_request_tokens) {
  const ModelSpec& m = r.model;
  const int tp = r.tensor_parallel_size;
  const std::int64_t hd = m.embedding_dim / m.num_q_heads;
  ReplicaPlan p;
  p.layers_per_stage = m.num_layers / r.num_pipeline_stages;
  p.q_heads_per_device = m.num_q_heads / tp;
  p.kv_heads_per_device = (m.num_kv_heads + tp - 1) / tp;
  p.mlp_hidden_per_device = m.mlp_hidden_dim / tp;
  p.params_per_device = params_per_device(r);
  p.param_bytes_per_device = 2.0 * static_cast<double>(p.params_per_device);
  p.available_bytes = static_cast<double>(static_cast<std::int64_t>(r.device.total_memory_gb * 1073741824.0)) *
                      (1.0 - r.memory_margin_fraction);
  p.kv_bytes_per_token_per_layer = 2 * 2 * hd * p.kv_heads_per_device;
  p.kv_bytes_per_request = static_cast<double>(p.kv_bytes_per_token_per_layer * max_request_tokens * m.num_layers);
  p.kv_bytes_per_request_per_device =
      static_cast<double>(p.kv_bytes_per_token_per_layer * max_request_tokens * p.layers_per_stage);
  p.max_request_tokens = max_request_tokens;
  const MemoryPlanner planner(r, max_request_tokens);
  p.planner_max_batch_size = planner.max_batch_size();
  p.request_slots = planner.max_request_slots();
  p.max_batch_size = std::min<std::int64_t>(p.planner_max_batch_size, scheduler.batch_size_cap);
  p.micro_batch_cap = scheduler.batch_size_cap / r.num_pipeline_stages;
  p.block_size = scheduler.block_size;
  p.max_blocks_per_sequence = max_request_tokens / scheduler.block_size;
  p.num_blocks = scheduler.num_blocks.value_or(p.max_blocks_per_sequence * p.request_slots);
  p.watermark_blocks =
      static_cast<std::int64_t>(scheduler.watermark_blocks_fraction * static_cast<double>(p.num_blocks));
  return p;
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
