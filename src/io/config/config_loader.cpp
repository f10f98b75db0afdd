// SPDX-License-Identifier: MIT
// load_config: YAML -> validated SimulationConfig, with Vidur's defaults (spec 9) and per-policy keys.
#include "llmsim/io/config_loader.hpp"

#include <spdlog/fmt/fmt.h>

#include <filesystem>
#include <limits>

#include "config_overrides.hpp"
#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/llm/kv_transfer.hpp"
#include "llmsim/llm/link_profile.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/llm/replica_scheduler.hpp"
#include "llmsim/util/error.hpp"
#include "yaml_section.hpp"

namespace llmsim::io {

namespace detail {
llm::RequestGeneratorConfig parse_request_generator(YamlSection s);
llm::PredictorConfig parse_predictor(YamlSection s, const llm::PoolConfig& pool);
}  // namespace detail

namespace {

using detail::load_yaml_file;
using detail::YamlSection;
constexpr std::int64_t kIntMax = std::numeric_limits<std::int64_t>::max();
constexpr double kMaxRoutingDelaySeconds = 1e6;  // a message slower than ~11.6 days is a unit mistake
constexpr double kMaxParams = 1e15;

int as_int(std::int64_t v) { return static_cast<int>(v); }

// A catalog entry is either a path to a YAML file (relative to the naming file) or an inline mapping.
YamlSection catalog_entry(YamlSection& parent, const std::string& name) {
  const YAML::Node n = parent.raw(name);
  if (!n.IsDefined() || n.IsNull()) parent.fail(name, "required (a catalog file path or an inline mapping)");
  return parent.child_or_file(name);
}

llm::ModelSpec parse_model(YamlSection s) {
  llm::ModelSpec m;
  m.name = s.get_string("name", "");
  if (m.name.empty()) s.fail("name", "required");
  m.num_layers = as_int(s.get_int("num_layers", 0, 1, 100000));
  m.num_q_heads = as_int(s.get_int("num_q_heads", 0, 1, 100000));
  m.num_kv_heads = as_int(s.get_int("num_kv_heads", 0, 1, 100000));
  m.embedding_dim = as_int(s.get_int("embedding_dim", 0, 1, 10000000));
  m.mlp_hidden_dim = as_int(s.get_int("mlp_hidden_dim", 0, 1, 10000000));
  m.max_position_embeddings = as_int(s.get_int("max_position_embeddings", 0, 1, 100000000));
  m.use_gated_mlp = s.get_bool("use_gated_mlp", true);
  m.vocab_size = as_int(s.get_int("vocab_size", 0, 1, 100000000));
  m.post_attn_norm = s.get_bool("post_attn_norm", true);
  for (const char* k : {"num_layers", "num_q_heads", "num_kv_heads", "embedding_dim", "mlp_hidden_dim"}) {
    if (!s.has(k)) s.fail(k, "required");
  }
  if (m.embedding_dim % m.num_q_heads != 0) s.fail("embedding_dim", "must be a multiple of num_q_heads");
  if (m.num_q_heads % m.num_kv_heads != 0) {
    s.fail("num_kv_heads", "must divide num_q_heads (" + std::to_string(m.num_q_heads) + "): each KV head serves a "
                           "group of query heads");
  }
  // Parameter and byte counts are int64 downstream: far above any model, far below overflow.
  const double e = m.embedding_dim;
  const double params = m.num_layers * (4 * e * e + 3 * e * m.mlp_hidden_dim) + 2.0 * m.vocab_size * e;
  if (params > kMaxParams) {
    s.fail("num_layers", fmt::format("the model would have ~{:.3g} parameters; at most {:g}", params, kMaxParams));
  }
  s.finish();
  return m;
}

constexpr std::size_t kMaxCalibrationChain = 8;

// Follows `key` (a hardware file naming the next-nearest hardware) from `s`, parsing each with `parse`.
template <typename Spec, typename Parse>
void parse_calibration_chain(YamlSection& s, const char* key, std::vector<Spec>& chain, Parse parse) {
  if (!s.has(key)) return;
  if (chain.size() >= kMaxCalibrationChain) s.fail(key, "calibration chain longer than 8 (a cycle?)");
  YamlSection next = catalog_entry(s, key);
  const std::size_t at = chain.size();
  chain.emplace_back();  // nearest first: this entry before the ones it names in turn
  Spec spec = parse(next, chain);
  chain[at] = std::move(spec);
}

// A datasheet rate in GB/s: 0 = not given; otherwise at least 1 MB/s, so that no derived time overflows.
double get_rate(YamlSection& s, const char* key) {
  const double v = s.get_double(key, 0, 0, 1e9);
  if (v > 0 && v < 1e-3) s.fail(key, "must be 0 (not given) or at least 0.001 GB/s");
  return v;
}

llm::DeviceSpec parse_device(YamlSection s, std::vector<llm::DeviceSpec>& chain) {
  llm::DeviceSpec d;
  d.name = s.get_string("name", "");
  if (d.name.empty()) s.fail("name", "required");
  d.fp16_tflops = s.get_double("fp16_tflops", 0, 1e-3, 1e6);
  d.total_memory_gb = s.get_double("total_memory_gb", 0, 1e-3, 1e6);
  d.price_per_hour = s.get_double("price_per_hour", 0, 0, 1e6);
  d.memory_bandwidth_gbps = get_rate(s, "memory_bandwidth_gbps");
  parse_calibration_chain(s, "roofline_calibration_device", chain,
                          [](YamlSection n, std::vector<llm::DeviceSpec>& c) { return parse_device(n, c); });
  s.finish();
  return d;
}

llm::NodeSpec parse_node(YamlSection s, std::vector<llm::NodeSpec>& chain) {
  llm::NodeSpec n;
  n.name = s.get_string("name", "");
  if (n.name.empty()) s.fail("name", "required");
  n.num_devices_per_node = as_int(s.get_int("num_devices_per_node", 0, 1, 1 << 20));
  n.link_bandwidth_gbps = get_rate(s, "link_bandwidth_gbps");
  n.inter_node_bandwidth_gbps = get_rate(s, "inter_node_bandwidth_gbps");
  parse_calibration_chain(s, "roofline_calibration_node", chain,
                          [](YamlSection x, std::vector<llm::NodeSpec>& c) { return parse_node(x, c); });
  s.finish();
  return n;
}

llm::ReplicaConfig parse_replica(YamlSection s) {
  llm::ReplicaConfig r;
  r.model = parse_model(catalog_entry(s, "model"));
  r.device = parse_device(catalog_entry(s, "device"), r.device_calibration);
  r.node = parse_node(catalog_entry(s, "network_device"), r.node_calibration);
  r.tensor_parallel_size = as_int(s.get_int("tensor_parallel_size", 1, 1, 1 << 20));
  r.num_pipeline_stages = as_int(s.get_int("num_pipeline_stages", 1, 1, 1 << 20));
  r.memory_margin_fraction = s.get_double("memory_margin_fraction", 0.1, 0, 1);
  if (r.memory_margin_fraction >= 1) s.fail("memory_margin_fraction", "must be < 1");
  if (r.model.num_layers % r.num_pipeline_stages != 0) {
    s.fail("num_pipeline_stages", "must divide the model's num_layers (" + std::to_string(r.model.num_layers) + ")");
  }
  if (r.model.embedding_dim % r.tensor_parallel_size != 0 || r.model.num_q_heads % r.tensor_parallel_size != 0) {
    s.fail("tensor_parallel_size", "must divide the model's embedding_dim (" + std::to_string(r.model.embedding_dim) +
                                       ") and num_q_heads (" + std::to_string(r.model.num_q_heads) + ")");
  }
  s.finish();
  return r;
}

llm::ReplicaSchedulerConfig parse_replica_scheduler(YamlSection s) {
  llm::ReplicaSchedulerConfig c;
  const PluginInfo policy = s.get_plugin("name", c.name, plugin_infos(llm::replica_schedulers()));
  c.name = policy.name;
  if (policy.accepts("batch_size_cap")) {
    c.batch_size_cap = as_int(s.get_int("batch_size_cap", c.batch_size_cap, 1, 1 << 24));
  }
  c.block_size = as_int(s.get_int("block_size", c.block_size, 1, 1 << 20));
  if (policy.accepts("watermark_blocks_fraction")) {
    c.watermark_blocks_fraction = s.get_double("watermark_blocks_fraction", c.watermark_blocks_fraction, 0, 1);
    if (c.watermark_blocks_fraction >= 1) s.fail("watermark_blocks_fraction", "must be < 1");
  }
  if (policy.accepts("max_num_batched_tokens")) {
    c.max_num_batched_tokens = s.get_optional_int("max_num_batched_tokens", std::nullopt, 1, 1 << 30);
    c.max_num_seqs = s.get_optional_int("max_num_seqs", std::nullopt, 1, 1 << 24);
    c.enable_prefix_caching = s.get_bool("enable_prefix_caching", c.enable_prefix_caching);
  }
  c.num_blocks = s.get_optional_int("num_blocks", std::nullopt, 1, std::int64_t{1} << 31);
  if (policy.accepts("max_tokens_in_batch")) {
    c.max_tokens_in_batch = as_int(s.get_int("max_tokens_in_batch", c.max_tokens_in_batch, 1, 1 << 30));
  }
  if (policy.accepts("max_waiting_iters")) {
    c.max_waiting_iters = as_int(s.get_int("max_waiting_iters", c.max_waiting_iters, 0, 1 << 30));
  }
  if (policy.accepts("chunk_size")) c.chunk_size = as_int(s.get_int("chunk_size", c.chunk_size, 1, 1 << 30));
  if (c.name == "lightllm" && c.block_size != 1) {
    s.fail("block_size", "lightllm needs 1 (token-level KV slots), got " + std::to_string(c.block_size));
  }
  s.finish("for replica scheduler '" + c.name + "'");
  return c;
}

// Settings that depend on the pool's device or policy, and their cross-checks.
void resolve_pool(YamlSection& s, llm::PoolConfig& pool) {
  if (pool.replica_scheduler.name == "vllm_v1") {  // the defaults depend on the device: recorded as resolved
    const llm::VllmV1Limits d = llm::vllm_v1_default_limits(pool.replica.device);
    llm::ReplicaSchedulerConfig& v1 = pool.replica_scheduler;
    if (!v1.max_num_batched_tokens) v1.max_num_batched_tokens = d.max_num_batched_tokens;
    if (!v1.max_num_seqs) v1.max_num_seqs = d.max_num_seqs;
  }
  if (pool.replica_scheduler.name == "lightllm" && pool.replica.num_pipeline_stages != 1) {
    s.fail("replica.num_pipeline_stages",
           "lightllm supports only 1, got " + std::to_string(pool.replica.num_pipeline_stages));
  }
}

std::string name_of(const YAML::Node& n, const char* fallback) {
  return n.IsMap() && n["name"].IsDefined() && n["name"].IsScalar() ? n["name"].Scalar() : std::string(fallback);
}

// A pool's own mapping merged over the cluster-wide one: the pool's keys win. With `fallback_name` (a policy
// section), a pool naming another policy than the cluster-wide one starts afresh: that policy's keys differ.
YAML::Node merge_over(const YAML::Node& defaults, const YAML::Node& own, const char* fallback_name) {
  const auto given = [](const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); };
  if (!given(own)) return given(defaults) ? YAML::Clone(defaults) : YAML::Node();
  if (!given(defaults) || !own.IsMap() || !defaults.IsMap()) return own;
  if (fallback_name && name_of(own, fallback_name) != name_of(defaults, fallback_name)) return own;
  YAML::Node out = YAML::Clone(defaults);
  for (const auto& kv : own) out[kv.first.Scalar()] = kv.second;
  return out;
}

struct PoolSections {
  YAML::Node replica;
  YAML::Node replica_scheduler;
  YAML::Node predictor;
};

// One pool from its (merged) sections; `key` is where the pool's keys are ("cluster" or "cluster.pools.<i>").
llm::PoolConfig parse_pool(const std::string& file, const std::string& key, const PoolSections& in,
                           const std::string& predictor_key) {
  llm::PoolConfig pool;
  pool.config_key = key;
  pool.replica = parse_replica(YamlSection(in.replica, file, key + ".replica"));
  YamlSection scheduler(in.replica_scheduler, file, key + ".replica_scheduler");
  pool.replica_scheduler = parse_replica_scheduler(scheduler);
  YamlSection owner(YAML::Node(), file, key);
  resolve_pool(owner, pool);
  pool.predictor = detail::parse_predictor(YamlSection(in.predictor, file, predictor_key), pool);
  pool.predictor.cache_dir = llm::default_predictor_cache_dir();
  return pool;
}

// `cluster.pools`: a list of pools, each {name, num_replicas, replica, replica_scheduler, execution_time_predictor}
// merged over cluster.replica, cluster.replica_scheduler and the top-level execution_time_predictor.
std::vector<llm::PoolConfig> parse_pools(YamlSection& s, const PoolSections& defaults) {
  const YAML::Node list = s.raw("pools");
  if (!list.IsSequence() || list.size() == 0) s.fail("pools", "expected a non-empty list of pools");
  if (s.has("num_replicas")) s.fail("num_replicas", "give each pool's num_replicas under cluster.pools instead");
  s.raw("num_replicas");  // null: as if absent
  std::vector<llm::PoolConfig> pools;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = s.key("pools." + std::to_string(i));
    YamlSection p(list[i], s.file(), key);
    if (!list[i].IsMap()) s.fail("pools." + std::to_string(i), "expected a mapping (name, num_replicas, replica, ...)");
    const std::string name = p.get_string("name", "");
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                            std::string::npos) {
      p.fail("name", "required: letters, digits, '_' or '-' (it names the pool in the results)");
    }
    for (const llm::PoolConfig& q : pools) {
      if (q.name == name) p.fail("name", "'" + name + "' names two pools (" + q.config_key + ")");
    }
    const std::string role = p.get_choice("role", "mixed", {"mixed", "prefill", "decode"});
    const int replicas = as_int(p.get_int("num_replicas", 1, 1, 1 << 24));
    total += replicas;
    if (total > (1 << 24)) p.fail("num_replicas", "the pools hold more than 16777216 replicas together");
    const PoolSections own{merge_over(defaults.replica, p.raw("replica"), nullptr),
                           merge_over(defaults.replica_scheduler, p.raw("replica_scheduler"), "sarathi"),
                           merge_over(defaults.predictor, p.raw("execution_time_predictor"), "vidur_table")};
    p.finish();
    pools.push_back(parse_pool(s.file(), key, own, key + ".execution_time_predictor"));
    pools.back().name = name;
    pools.back().num_replicas = replicas;
    pools.back().role = role == "mixed" ? llm::PoolRole::mixed
                        : role == "prefill" ? llm::PoolRole::prefill
                                            : llm::PoolRole::decode;
  }
  return pools;
}

// A router section (`global_scheduler` or `decode_scheduler`): its policy and the policy's keys.
llm::GlobalSchedulerConfig parse_router(YamlSection& s, const char* key, const char* fallback,
                                        const std::vector<llm::PoolConfig>& pools) {
  YamlSection g = s.child(key);
  llm::GlobalSchedulerConfig c;
  const PluginInfo router = g.get_plugin("name", fallback, plugin_infos(llm::global_schedulers()));
  c.name = router.name;
  if (router.accepts("cache_weight")) {
    c.cache_weight = g.get_double("cache_weight", c.cache_weight, 0, 1e6);
    c.load_weight = g.get_double("load_weight", c.load_weight, 0, 1e6);
    for (const llm::PoolConfig& p : pools) {
      if (p.replica_scheduler.block_size != pools.front().replica_scheduler.block_size) {
        g.fail("name", std::string(router.name) + " hashes prompts in KV blocks: every pool needs the same "
                       "replica_scheduler.block_size (" + pools.front().name + ": " +
                       std::to_string(pools.front().replica_scheduler.block_size) + ", " + p.name + ": " +
                       std::to_string(p.replica_scheduler.block_size) + ")");
      }
    }
  }
  g.finish();
  return c;
}

// How KV caches move: a latency and a bandwidth, given or fitted to a send_recv profile.
llm::KvTransferConfig parse_kv_transfer(YamlSection kv) {
  llm::KvTransferConfig c;
  c.bytes_per_element = as_int(kv.get_int("bytes_per_element", 2, 1, 8));
  c.send_recv_profile = kv.get_path("send_recv_profile", false);
  if (c.send_recv_profile.empty()) {
    c.latency = kv.get_duration("latency", 0);
    c.bandwidth_bytes_per_s = kv.get_bandwidth("bandwidth", 0);
    if (kv.has("placement")) kv.fail("placement", "applies only with send_recv_profile");
  } else {
    for (const char* key : {"latency", "bandwidth"}) {
      if (kv.has(key)) kv.fail(key, "give either send_recv_profile (fitted latency and bandwidth) or latency and bandwidth");
    }
    c.inter_node = kv.get_choice("placement", "inter_node", {"inter_node", "intra_node"}) == "inter_node";
    const llm::LinkFit fit = llm::fit_send_recv_link(c.send_recv_profile, c.inter_node);
    c.latency = fit.latency;
    c.bandwidth_bytes_per_s = fit.bandwidth_bytes_per_s;
  }
  kv.finish();
  return c;
}

// Prefill and decode pools: both kinds, no mixed pool, one model, and policies that can hand requests over.
void check_disaggregated(YamlSection& s, const std::vector<llm::PoolConfig>& pools) {
  bool prefill = false;
  bool decode = false;
  for (const llm::PoolConfig& p : pools) {
    if (p.role == llm::PoolRole::mixed) {
      s.fail("pools", "pool '" + p.name + "' is mixed, others are prefill or decode pools: a cluster is either "
                      "mixed pools or prefill and decode pools");
    }
    prefill = prefill || p.role == llm::PoolRole::prefill;
    decode = decode || p.role == llm::PoolRole::decode;
    const std::string& policy = p.replica_scheduler.name;
    if (policy != "vllm" && policy != "sarathi" && policy != "vllm_v1") {
      s.fail("pools", "pool '" + p.name + "' (" + llm::pool_role_name(p.role) + "): replica scheduler '" + policy +
                      "' cannot hand requests over; prefill and decode pools take vllm, sarathi or vllm_v1");
    }
    if (p.replica.model.name != pools.front().replica.model.name) {
      s.fail("pools", "pool '" + p.name + "' serves '" + p.replica.model.name + "', pool '" + pools.front().name +
                      "' '" + pools.front().replica.model.name + "': a KV cache only moves between replicas of one "
                      "model");
    }
  }
  if (!prefill || !decode) s.fail("pools", "a disaggregated cluster needs at least one prefill and one decode pool");
}

llm::ClusterConfig parse_cluster(YamlSection s, const YAML::Node& predictor) {
  llm::ClusterConfig c;
  const PoolSections defaults{s.raw("replica"), s.raw("replica_scheduler"), predictor};
  if (s.has("pools")) {
    c.pools = parse_pools(s, defaults);
  } else {
    c.pools = {parse_pool(s.file(), "cluster", defaults, "execution_time_predictor")};
    c.pools.front().num_replicas = as_int(s.get_int("num_replicas", 1, 1, 1 << 24));
  }
  YamlSection routing = s.child("routing");
  c.routing.latency = routing.get_duration("latency", 0);
  c.routing.request_overhead_bytes = routing.get_bytes("request_overhead_bytes", 0);
  c.routing.request_bytes_per_prompt_token = routing.get_bytes("request_bytes_per_prompt_token", 0);
  c.routing.load_notice_bytes = routing.get_bytes("load_notice_bytes", 0);
  c.routing.bandwidth_bytes_per_s = routing.get_bandwidth("bandwidth", 0);
  routing.finish();
  c.global_scheduler = parse_router(s, "global_scheduler", "round_robin", c.pools);
  if (c.disaggregated()) {
    check_disaggregated(s, c.pools);
    c.decode_scheduler = parse_router(s, "decode_scheduler", "least_outstanding", c.pools);
    c.kv_transfer = parse_kv_transfer(s.child("kv_transfer"));
  } else {
    for (const char* key : {"decode_scheduler", "kv_transfer"}) {
      if (s.has(key)) s.fail(key, "applies only to a cluster of prefill and decode pools (cluster.pools[].role)");
      s.raw(key);  // null: as if absent
    }
  }
  s.finish();
  return c;
}

}  // namespace

namespace {

llm::SimulationConfig load_config_yaml(const std::string& path, const std::vector<std::string>& overrides) {
  if (!std::filesystem::is_regular_file(path)) throw ConfigError(path + ": config file not found");
  YAML::Node root = load_yaml_file(path);
  if (!root.IsDefined() || root.IsNull()) throw ConfigError(path + ": the config file is empty");
  detail::apply_overrides(root, overrides, path);
  YamlSection s(root, path, "");
  llm::SimulationConfig c;
  c.seed = static_cast<std::uint64_t>(s.get_int("seed", 42, 0, 0xffffffffLL));
  c.time_limit_s = s.get_double("time_limit", 0, 0, 1e9);
  c.cluster = parse_cluster(s.child("cluster"), s.raw("execution_time_predictor"));
  c.request_generator = detail::parse_request_generator(s.child("request_generator"));
  if (c.cluster.disaggregated() && c.cluster.kv_transfer.bandwidth_bytes_per_s > 0) {
    const std::int64_t tokens = c.request_generator.effective_max_tokens();
    const double kv = simtime_to_seconds(c.cluster.kv_transfer.latency) +
                      llm::KvTransferModel(c.cluster).bytes(tokens) / c.cluster.kv_transfer.bandwidth_bytes_per_s;
    if (!(kv <= kMaxRoutingDelaySeconds)) {
      s.fail("cluster.kv_transfer", fmt::format("the KV cache of max_tokens ({}) would take {:g} s to move over one "
                                                "link; at most {:g} s (check the bandwidth unit)",
                                                tokens, kv, kMaxRoutingDelaySeconds));
    }
  }
  const double delay = c.cluster.routing.max_delay_seconds(c.request_generator.effective_max_tokens());
  if (!(delay <= kMaxRoutingDelaySeconds)) {
    s.fail("cluster.routing", fmt::format("a request of max_tokens ({}) would take {:g} s to reach its replica; at most "
                                          "{:g} s (check the bandwidth and size units)",
                                          c.request_generator.effective_max_tokens(), delay, kMaxRoutingDelaySeconds));
  }
  YamlSection m = s.child("metrics");
  c.metrics.store_batch_metrics = m.get_bool("store_batch_metrics", false);
  c.metrics.store_token_completion_metrics = m.get_bool("store_token_completion_metrics", false);
  c.metrics.store_time_series = m.get_bool("store_time_series", false);
  c.metrics.write_csv = m.get_bool("write_csv", false);
  c.metrics.enable_chrome_trace = m.get_bool("enable_chrome_trace", false);
  m.finish();
  s.finish();
  return c;
}

}  // namespace

llm::SimulationConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  return detail::with_yaml_errors(path, [&] { return load_config_yaml(path, overrides); });
}

const llm::PoolConfig& select_pool(const llm::ClusterConfig& cluster, const std::string& name) {
  std::string names;
  for (const llm::PoolConfig& p : cluster.pools) {
    if (p.name == name || (name.empty() && cluster.pools.size() == 1)) return p;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  throw ConfigError((name.empty() ? std::string("the cluster has several pools; choose one with --pool NAME")
                                  : "--pool " + name + ": no such pool") +
                    " (pools: " + names + ")");
}

}  // namespace llmsim::io
