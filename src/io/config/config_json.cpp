// SPDX-License-Identifier: MIT
// config_to_json: the resolved config, stored with every result so a run can be reproduced from its output.
#include <nlohmann/json.hpp>

#include "llmsim/io/config_loader.hpp"

namespace llmsim::io {

namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json optional_json(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json device_json(const llm::DeviceSpec& d) {
  return Json{{"name", d.name},
              {"fp16_tflops", d.fp16_tflops},
              {"total_memory_gb", d.total_memory_gb},
              {"price_per_hour", d.price_per_hour},
              {"memory_bandwidth_gbps", d.memory_bandwidth_gbps}};
}

Json node_json(const llm::NodeSpec& n) {
  return Json{{"name", n.name},
              {"num_devices_per_node", n.num_devices_per_node},
              {"link_bandwidth_gbps", n.link_bandwidth_gbps},
              {"inter_node_bandwidth_gbps", n.inter_node_bandwidth_gbps}};
}

template <typename Spec, typename ToJson>
Json chain_json(const std::vector<Spec>& chain, ToJson to_json) {
  Json out = Json::array();
  for (const Spec& s : chain) out.push_back(to_json(s));
  return out;
}

Json replica_json(const llm::ReplicaConfig& r) {
  const llm::ModelSpec& m = r.model;
  return Json{{"model",
               {{"name", m.name}, {"num_layers", m.num_layers}, {"num_q_heads", m.num_q_heads},
                {"num_kv_heads", m.num_kv_heads}, {"embedding_dim", m.embedding_dim},
                {"mlp_hidden_dim", m.mlp_hidden_dim}, {"max_position_embeddings", m.max_position_embeddings},
                {"use_gated_mlp", m.use_gated_mlp}, {"vocab_size", m.vocab_size}, {"post_attn_norm", m.post_attn_norm}}},
              {"device", device_json(r.device)},
              {"network_device", node_json(r.node)},
              {"device_calibration", chain_json(r.device_calibration, device_json)},
              {"network_device_calibration", chain_json(r.node_calibration, node_json)},
              {"tensor_parallel_size", r.tensor_parallel_size},
              {"num_pipeline_stages", r.num_pipeline_stages},
              {"memory_margin_fraction", r.memory_margin_fraction}};
}

Json predictor_json(const llm::PredictorConfig& p) {
  Json j{{"name", p.name}};
  if (p.name == "vidur_table") {
    j["table_dir"] = p.table_dir;
    j["prediction_max_prefill_chunk_size"] = p.prediction_max_prefill_chunk_size;
    j["prediction_max_batch_size"] = p.prediction_max_batch_size;
    j["prediction_max_tokens_per_request"] = p.prediction_max_tokens_per_request;
  } else {
    j["profile_dir"] = p.profile_dir;
    j["k_fold_cv_splits"] = p.k_fold_cv_splits;
  }
  j["kv_cache_prediction_granularity"] = p.kv_cache_prediction_granularity;
  j["attention_decode_batching_overhead_fraction"] = p.attention_decode_batching_overhead_fraction;
  j["attention_prefill_batching_overhead_fraction"] = p.attention_prefill_batching_overhead_fraction;
  j["nccl_cpu_launch_overhead_ms"] = p.nccl_cpu_launch_overhead_ms;
  j["nccl_cpu_skew_overhead_per_device_ms"] = p.nccl_cpu_skew_overhead_per_device_ms;
  if (p.cpu_overhead.any()) {  // absent when off, so configs without it keep their JSON (and sweep ids)
    j["cpu_overhead"] = {{"per_iteration_ms", p.cpu_overhead.per_iteration_ms},
                         {"per_request_ms", p.cpu_overhead.per_request_ms},
                         {"launch_per_layer_ms", p.cpu_overhead.launch_per_layer_ms}};
  }
  return j;
}

Json scheduler_json(const llm::ReplicaSchedulerConfig& s) {
  return Json{{"name", s.name}, {"batch_size_cap", s.batch_size_cap}, {"block_size", s.block_size},
              {"watermark_blocks_fraction", s.watermark_blocks_fraction}, {"num_blocks", optional_json(s.num_blocks)},
              {"max_tokens_in_batch", s.max_tokens_in_batch}, {"max_waiting_iters", s.max_waiting_iters},
              {"chunk_size", s.chunk_size}, {"max_num_batched_tokens", optional_json(s.max_num_batched_tokens)},
              {"max_num_seqs", optional_json(s.max_num_seqs)}, {"enable_prefix_caching", s.enable_prefix_caching}};
}

Json router_json(const llm::GlobalSchedulerConfig& g) {
  return Json{{"name", g.name}, {"cache_weight", g.cache_weight}, {"load_weight", g.load_weight}};
}

Json cluster_json(const llm::ClusterConfig& c) {
  Json pools = Json::array();
  for (const llm::PoolConfig& p : c.pools) {
    pools.push_back(Json{{"name", p.name},
                         {"role", llm::pool_role_name(p.role)},
                         {"num_replicas", p.num_replicas},
                         {"replica", replica_json(p.replica)},
                         {"replica_scheduler", scheduler_json(p.replica_scheduler)},
                         {"execution_time_predictor", predictor_json(p.predictor)}});
  }
  return Json{{"routing",
               {{"latency_ns", c.routing.latency},
                {"request_overhead_bytes", c.routing.request_overhead_bytes},
                {"request_bytes_per_prompt_token", c.routing.request_bytes_per_prompt_token},
                {"load_notice_bytes", c.routing.load_notice_bytes},
                {"bandwidth_bytes_per_s", c.routing.bandwidth_bytes_per_s}}},
              {"global_scheduler", router_json(c.global_scheduler)},
              {"decode_scheduler", router_json(c.decode_scheduler)},
              {"kv_transfer",
               {{"latency_ns", c.kv_transfer.latency},
                {"bandwidth_bytes_per_s", c.kv_transfer.bandwidth_bytes_per_s},
                {"bytes_per_element", c.kv_transfer.bytes_per_element},
                {"send_recv_profile", c.kv_transfer.send_recv_profile},
                {"placement", c.kv_transfer.inter_node ? "inter_node" : "intra_node"}}},
              {"pools", pools}};
}

Json generator_json(const llm::RequestGeneratorConfig& g) {
  const llm::LengthGeneratorConfig& l = g.length;
  const llm::IntervalGeneratorConfig& i = g.interval;
  return Json{{"name", g.name},
              {"seed", g.seed},
              {"num_requests", optional_json(g.num_requests)},
              {"duration", optional_json(g.duration)},
              {"length_generator",
               {{"name", l.name}, {"seed", l.seed}, {"max_tokens", l.max_tokens}, {"prefill_tokens", l.prefill_tokens},
                {"decode_tokens", l.decode_tokens}, {"min_tokens", l.min_tokens},
                {"prefill_to_decode_ratio", l.prefill_to_decode_ratio}, {"theta", l.theta}, {"scramble", l.scramble},
                {"trace_file", l.trace_file}, {"prefill_scale_factor", l.prefill_scale_factor},
                {"decode_scale_factor", l.decode_scale_factor}}},
              {"interval_generator",
               {{"name", i.name}, {"qps", i.qps}, {"cv", i.cv}, {"trace_file", i.trace_file},
                {"start_time", i.start_time}, {"end_time", i.end_time}, {"time_scale_factor", i.time_scale_factor}}},
              {"trace_file", g.trace_file},
              {"prefill_scale_factor", g.prefill_scale_factor},
              {"decode_scale_factor", g.decode_scale_factor},
              {"time_scale_factor", g.time_scale_factor},
              {"max_tokens", g.max_tokens},
              {"conversation",
               {{"num_sessions", optional_json(g.conversation.num_sessions)},
                {"turns", {{"min", g.conversation.min_turns}, {"max", g.conversation.max_turns}}},
                {"think_time", g.conversation.think_time_s}}},
              {"shared_prefix",
               {{"num_families", g.shared_prefix.num_families}, {"tokens", g.shared_prefix.tokens},
                {"zipf_theta", g.shared_prefix.zipf_theta}}}};
}

}  // namespace

std::string config_to_json(const llm::SimulationConfig& c) {
  const Json j{{"seed", c.seed},
               {"time_limit", c.time_limit_s},
               {"cluster", cluster_json(c.cluster)},
               {"request_generator", generator_json(c.request_generator)},
               {"metrics",
                {{"store_batch_metrics", c.metrics.store_batch_metrics},
                 {"store_token_completion_metrics", c.metrics.store_token_completion_metrics},
                 {"store_time_series", c.metrics.store_time_series},
                 {"write_csv", c.metrics.write_csv},
                 {"enable_chrome_trace", c.metrics.enable_chrome_trace}}}};
  return j.dump(2);
}

}  // namespace llmsim::io
