// SPDX-License-Identifier: MIT
// vidur_table predictor: Vidur's prediction tables + its batch-feature rules (predictor spec 1.3-1.6, 2.6).
#include <cmath>
#include <optional>

#include "llmsim/llm/execution_time.hpp"
#include "llmsim/util/error.hpp"
#include "prediction_tables.hpp"

namespace llmsim::llm {

namespace {

using detail::find_table_file;

std::int64_t ceil_to(std::int64_t x, std::int64_t m) { return (x + m - 1) / m * m; }

class VidurTablePredictor final : public ExecutionTimePredictor {
 public:
  VidurTablePredictor(const PredictorConfig& config, const ClusterConfig& cluster);
  ExecutionTime predict(const Batch& batch, const RequestStore& store, int stage) const override;

 private:
  detail::TokenTable load(const char* op) const { return detail::TokenTable(find_table_file(dir_, op)); }
  double decode_time(const Batch& batch, const RequestStore& store) const;
  double prefill_time(const Batch& batch, const RequestStore& store) const;

  std::string dir_;
  PredictorConfig config_;
  int num_layers_;
  int num_stages_;
  int tensor_parallel_;
  bool post_attn_norm_;
  bool gqa_;
  detail::TokenTable pre_proj_, post_proj_, rope_, up_proj_, down_proj_, act_, attn_norm_, mlp_norm_, add_,
      kv_save_;
  std::optional<detail::TokenTable> all_reduce_, send_recv_;
  detail::DecodeTable decode_;
  detail::PrefillTable prefill_;
};

VidurTablePredictor::VidurTablePredictor(const PredictorConfig& config, const ClusterConfig& cluster)
    : dir_(config.table_dir),
      config_(config),
      num_layers_(cluster.replica.model.num_layers / cluster.replica.num_pipeline_stages),
      num_stages_(cluster.replica.num_pipeline_stages),
      tensor_parallel_(cluster.replica.tensor_parallel_size),
      post_attn_norm_(cluster.replica.model.post_attn_norm),
      gqa_(cluster.replica.model.num_q_heads > cluster.replica.model.num_kv_heads),
      pre_proj_(load("attn_pre_proj")),
      post_proj_(load("attn_post_proj")),
      rope_(load("attn_rope")),
      up_proj_(load("mlp_up_proj")),
      down_proj_(load("mlp_down_proj")),
      act_(load("mlp_act")),
      attn_norm_(load("input_layernorm")),
      mlp_norm_(load("post_attention_layernorm")),
      add_(load("add")),
      kv_save_(load("attn_kv_cache_save")),
      decode_(find_table_file(dir_, "attn_decode")),
      prefill_(find_table_file(dir_, "attn_prefill")) {
  if (tensor_parallel_ > 1) all_reduce_.emplace(load("all_reduce"));
  if (num_stages_ > 1) send_recv_.emplace(load("send_recv"));
  const std::int64_t g = config.kv_cache_prediction_granularity;
  if (decode_.granularity() != g || prefill_.granularity() != g) {
    throw ConfigError("execution_time_predictor.kv_cache_prediction_granularity: " + std::to_string(g) +
                      " does not match the tables in '" + dir_ + "' (grid step " +
                      std::to_string(decode_.granularity()) + ")");
  }
}

double VidurTablePredictor::decode_time(const Batch& batch, const RequestStore& store) const {
  std::int64_t count = 0;
  std::int64_t sum = 0;
  for (RequestId id : batch.requests) {
    const Request& r = store[static_cast<std::size_t>(id)];
    if (!r.is_prefill_complete()) continue;
    ++count;
    sum += r.num_processed_tokens();
  }
  if (count == 0) return 0;
  const auto mean = static_cast<std::int64_t>(static_cast<double>(sum) / static_cast<double>(count));
  const double t = decode_.at(count, ceil_to(mean, config_.kv_cache_prediction_granularity));
  return gqa_ && count > 1 ? t * (1 + config_.attention_decode_batching_overhead_fraction) : t;
}

double VidurTablePredictor::prefill_time(const Batch& batch, const RequestStore& store) const {
  std::int64_t count = 0;
  std::int64_t kv = 0;
  std::int64_t squares = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Request& r = store[static_cast<std::size_t>(batch.requests[i])];
    if (r.is_prefill_complete()) continue;
    ++count;
    kv += ceil_to(r.num_processed_tokens(), config_.kv_cache_prediction_granularity);
    squares += batch.num_tokens[i] * batch.num_tokens[i];
  }
  if (count == 0) return 0;
  // Equivalent single-sequence length sqrt(sum p_i^2), rounded half-to-even as Python's round().
  const auto chunk = static_cast<std::int64_t>(std::nearbyint(std::sqrt(static_cast<double>(squares))));
  const double t = prefill_.at(kv, chunk);
  return gqa_ && count > 1 ? t * (1 + config_.attention_prefill_batching_overhead_fraction) : t;
}

ExecutionTime VidurTablePredictor::predict(const Batch& batch, const RequestStore& store, int stage) const {
  const std::int64_t t8 = batch.total_num_tokens_rounded();
  ExecutionTime e;
  e.num_layers = num_layers_;
  e.attention_pre_proj = pre_proj_.at(t8);
  e.attention_post_proj = post_proj_.at(t8);
  e.attention_rope = rope_.at(t8);
  e.attention_kv_cache_save = kv_save_.at(batch.total_num_tokens);
  e.attention_decode = decode_time(batch, store);
  e.attention_prefill = prefill_time(batch, store);
  e.mlp_up_proj = up_proj_.at(t8);
  e.mlp_down_proj = down_proj_.at(t8);
  e.mlp_act = act_.at(t8);
  e.attn_norm = attn_norm_.at(t8);
  e.mlp_norm = post_attn_norm_ ? mlp_norm_.at(t8) : 0.0;
  e.add = add_.at(t8);
  if (all_reduce_) {
    e.tensor_parallel_communication = all_reduce_->at(t8) + config_.nccl_cpu_launch_overhead_ms +
                                      config_.nccl_cpu_skew_overhead_per_device_ms * std::pow(tensor_parallel_, 1.25);
  }
  if (send_recv_ && stage < num_stages_ - 1) e.pipeline_parallel_communication = send_recv_->at(t8);
  return e;
}

}  // namespace

std::unique_ptr<ExecutionTimePredictor> make_execution_time_predictor(const PredictorConfig& config,
                                                                      const ClusterConfig& cluster) {
  if (config.name != "vidur_table") {
    throw ConfigError("execution_time_predictor.name: unknown value '" + config.name + "'; valid: vidur_table");
  }
  const int workers = cluster.replica.tensor_parallel_size * cluster.replica.num_pipeline_stages;
  const int per_node = cluster.replica.node.num_devices_per_node;
  if (!(workers < per_node || workers % per_node == 0)) {
    throw ConfigError("cluster.replica: tensor_parallel_size x num_pipeline_stages = " + std::to_string(workers) +
                      " must be smaller than num_devices_per_node (" + std::to_string(per_node) +
                      " on '" + cluster.replica.node.name + "') or a multiple of it");
  }
  return std::make_unique<VidurTablePredictor>(config, cluster);
}

}  // namespace llmsim::llm
