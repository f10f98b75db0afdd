// SPDX-License-Identifier: MIT
// Typed, validated configuration of one simulation (Vidur's config surface, nested the same way).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llmsim/util/sim_time.hpp"

namespace llmsim::llm {

/// Transformer shape (Vidur `model_config`). Only these fields influence the simulation.
struct ModelSpec {
  std::string name;
  int num_layers = 0;
  int num_q_heads = 0;
  int num_kv_heads = 0;
  int embedding_dim = 0;
  int mlp_hidden_dim = 0;
  int max_position_embeddings = 0;
  bool use_gated_mlp = true;
  int vocab_size = 0;
  bool post_attn_norm = true;
};

/// GPU SKU (Vidur `device_config`). `price_per_hour` (USD per GPU-hour) is ours, for cost-normalised results;
/// `memory_bandwidth_gbps` (GB/s) feeds the roofline model of operators that have no profile.
struct DeviceSpec {
  std::string name;
  double fp16_tflops = 0;
  double total_memory_gb = 0;
  double price_per_hour = 0;
  double memory_bandwidth_gbps = 0;
};

/// Node / interconnect SKU (Vidur `node_config`). Bandwidths (GB/s, one direction, per GPU) feed the roofline
/// model of all_reduce / send_recv where the node has no network profile.
struct NodeSpec {
  std::string name;
  int num_devices_per_node = 0;
  double link_bandwidth_gbps = 0;        ///< GPU to GPU inside a node (NVLink)
  double inter_node_bandwidth_gbps = 0;  ///< GPU to GPU across nodes (network)
};

struct ReplicaConfig {
  ModelSpec model;
  DeviceSpec device;
  NodeSpec node;
  /// Where roofline efficiencies come from when `device` / `node` lacks a profile for an operator: the device's
  /// `roofline_calibration_device`, then that device's, and so on (likewise for nodes). Nearest first.
  std::vector<DeviceSpec> device_calibration;
  std::vector<NodeSpec> node_calibration;
  int tensor_parallel_size = 1;
  int num_pipeline_stages = 1;
  double memory_margin_fraction = 0.1;
};

/// Replica (per-replica batching) scheduler; `name` is one of replica_schedulers() (Vidur's vllm, sarathi, orca,
/// faster_transformer, lightllm, and vllm_v1).
struct ReplicaSchedulerConfig {
  std::string name = "sarathi";
  int batch_size_cap = 128;
  int block_size = 16;
  double watermark_blocks_fraction = 0.01;
  std::optional<std::int64_t> num_blocks;  ///< unset: computed by the memory planner
  int max_tokens_in_batch = 4096;          ///< vllm, lightllm
  int max_waiting_iters = 10;              ///< lightllm
  int chunk_size = 512;                    ///< sarathi
  /// vllm_v1: tokens per step and running requests; unset = vLLM's default for the device (docs/vllm-v1.md).
  std::optional<std::int64_t> max_num_batched_tokens;
  std::optional<std::int64_t> max_num_seqs;
  bool enable_prefix_caching = true;  ///< vllm_v1
};

/// Global scheduler (router); `name` is one of global_schedulers() (round_robin, random, lor, least_outstanding,
/// most_free_blocks, session_affinity, prefix_aware).
struct GlobalSchedulerConfig {
  std::string name = "round_robin";
  double cache_weight = 1.0;  ///< prefix_aware: weight of the expected prefix hit (0..1)
  double load_weight = 1.0;   ///< prefix_aware: weight of the relative pending load (0..1)
};

/// How KV caches move from a prefill replica to a decode replica (disaggregated pools, docs/disaggregation.md):
/// each transfer takes `latency` plus its bytes over `streams` parallel GPU-to-GPU links of `bandwidth_bytes_per_s`
/// each (KvTransferModel). The latency is also a lower bound of the cross-rank delays (the lookahead).
struct KvTransferConfig {
  SimTime latency = 0;
  double bandwidth_bytes_per_s = 0;  ///< per GPU pair; 0 = unlimited (sizes cost no time)
  int bytes_per_element = 2;         ///< the KV cache's dtype (fp16/bf16)
  /// When set, latency and bandwidth were fitted to this send_recv profile (fit_send_recv_link), for GPUs in two
  /// nodes (`inter_node`) or in one.
  std::string send_recv_profile;
  bool inter_node = true;
};

/// Router <-> replica communication. With latency 0 the router acts synchronously on live replica state
/// (Vidur's behaviour; single process only). With latency > 0 requests reach replicas `latency` after routing
/// and the router sees replica pending-queue lengths `latency` late; the latency is also the lookahead of the
/// conservative synchronisation, so a multi-rank run needs it > 0.
/// Router <-> replica messages: a fixed one-way latency (the lookahead of distributed runs) plus the time to
/// transfer the message at `bandwidth_bytes_per_s`. A request hand-off carries `request_overhead_bytes` plus
/// `request_bytes_per_prompt_token` per prompt token; a load notice carries `load_notice_bytes`. No KV cache ever
/// moves between replicas in this model (no disaggregated prefill, no migration), so there is no KV transfer.
struct RoutingConfig {
  SimTime latency = 0;
  std::int64_t request_overhead_bytes = 0;
  std::int64_t request_bytes_per_prompt_token = 0;
  std::int64_t load_notice_bytes = 0;
  double bandwidth_bytes_per_s = 0;  ///< 0 = unlimited (sizes cost no time)

  /// Time to push `bytes` through the link, rounded up to whole ns; 0 for unlimited bandwidth.
  /// Sizes are doubles so that no product overflows; the config loader bounds every delay (max_delay_seconds).
  SimTime transfer_time(double bytes) const {
    if (bandwidth_bytes_per_s <= 0 || bytes <= 0) return 0;
    return static_cast<SimTime>(std::ceil(bytes * 1e9 / bandwidth_bytes_per_s));
  }
  double request_bytes(std::int64_t prompt_tokens) const {
    return static_cast<double>(request_overhead_bytes) +
           static_cast<double>(request_bytes_per_prompt_token) * static_cast<double>(prompt_tokens);
  }
  SimTime request_delay(std::int64_t prompt_tokens) const {
    return latency + transfer_time(request_bytes(prompt_tokens));
  }
  SimTime load_notice_delay() const { return latency + transfer_time(static_cast<double>(load_notice_bytes)); }
  /// Latency 0: Vidur's synchronous routing on the replicas' live load (one process), no messages in between.
  bool synchronous() const { return latency == 0; }
  /// Delay of a replica's load notice to the router; 0 = no notices (synchronous routing reads the live load).
  SimTime notice_delay() const { return synchronous() ? 0 : load_notice_delay(); }
  /// Delay of a control message between a replica and the router (a handoff or a decode assignment): the latency
  /// and the fixed request overhead; 0 with synchronous routing.
  SimTime control_delay() const { return synchronous() ? 0 : request_delay(0); }
  /// The longest message delay, in seconds computed without rounding, for prompts up to `max_prompt_tokens`.
  double max_delay_seconds(std::int64_t max_prompt_tokens) const {
    const double bytes = std::max(request_bytes(max_prompt_tokens), static_cast<double>(load_notice_bytes));
    return simtime_to_seconds(latency) + (bandwidth_bytes_per_s > 0 ? bytes / bandwidth_bytes_per_s : 0.0);
  }
};


/// Inter-arrival generator; `name` is one of poisson, gamma, static, trace.
struct IntervalGeneratorConfig {
  std::string name = "poisson";
  double qps = 0.5;                  ///< poisson (default 0.5), gamma (Vidur default 0.2)
  double cv = 0.5;                   ///< gamma
  std::string trace_file;            ///< trace: CSV with an `arrival_time` datetime column
  std::string start_time = "1970-01-04 12:00:00";
  std::string end_time = "1970-01-04 15:00:00";
  double time_scale_factor = 1.0;
};

/// Request length generator; `name` is one of fixed, uniform, zipf, trace.
struct LengthGeneratorConfig {
  std::string name = "fixed";
  std::uint64_t seed = 42;           ///< zipf and trace (shuffle) use their own stream with this seed
  std::int64_t max_tokens = 4096;
  std::int64_t prefill_tokens = 2048;  ///< fixed
  std::int64_t decode_tokens = 512;    ///< fixed
  std::int64_t min_tokens = 1024;      ///< uniform, zipf
  double prefill_to_decode_ratio = 20.0;  ///< uniform, zipf
  double theta = 0.6;                  ///< zipf
  bool scramble = false;               ///< zipf (rejected: non-deterministic in Vidur)
  std::string trace_file;              ///< trace: CSV with num_prefill_tokens, num_decode_tokens
  double prefill_scale_factor = 1.0;
  double decode_scale_factor = 1.0;
};

/// Request generator; `name` is `synthetic` (length x interval generators) or `trace_replay`.
/// Shared prompt prefixes (system prompts): each request's prompt starts with the first min(tokens, prompt)
/// tokens of one of `num_families` prompts, family f drawn with probability proportional to 1 / (f + 1)^zipf_theta
/// from a stream of its own (lengths and arrivals are unchanged). 0 families = every prompt unique.
struct SharedPrefixConfig {
  std::int64_t num_families = 0;
  std::int64_t tokens = 0;
  double zipf_theta = 1.0;
};

/// Multi-turn conversations (request generator `conversations`): sessions start at the interval generator's
/// arrivals; each has min_turns..max_turns turns (uniform), turn k + 1 arriving an exponential think time (mean
/// think_time_s) after turn k arrived. A turn's prompt is the session's history (every earlier prompt and answer)
/// plus new user tokens; the length generator gives (new user tokens, answer tokens). A session ends before a
/// turn whose prompt and answer would exceed max_tokens.
struct ConversationConfig {
  std::optional<std::int64_t> num_sessions;
  std::int64_t min_turns = 1;
  std::int64_t max_turns = 8;
  double think_time_s = 30;
};

struct RequestGeneratorConfig {
  std::string name = "synthetic";
  std::uint64_t seed = 42;
  std::optional<std::int64_t> num_requests = 128;  ///< synthetic
  std::optional<double> duration;                  ///< synthetic, seconds
  LengthGeneratorConfig length;
  IntervalGeneratorConfig interval;
  // trace_replay
  std::string trace_file;  ///< CSV with arrived_at, num_prefill_tokens, num_decode_tokens
  double prefill_scale_factor = 1.0;
  double decode_scale_factor = 1.0;
  double time_scale_factor = 1.0;
  std::int64_t max_tokens = 4096;
  SharedPrefixConfig shared_prefix;
  ConversationConfig conversation;

  /// Tokens per request assumed by memory planning (Vidur: the length generator's, or trace_replay's own).
  std::int64_t effective_max_tokens() const { return name == "synthetic" ? length.max_tokens : max_tokens; }
  /// Arrivals come at `interval.qps` (a synthetic workload with a poisson or gamma interval generator): the
  /// capacity search can vary it and a duration implies about duration x qps requests.
  bool arrives_at_qps() const {
    return (name == "synthetic" || name == "conversations") && (interval.name == "poisson" || interval.name == "gamma");
  }
};

/// Execution-time predictor. `vidur_table` reads Vidur's per-operator prediction tables from `table_dir`;
/// `profiled` trains its own models from the profiles under `profile_dir` (predictor spec 1-3). The
/// prediction_max_* keys describe a vidur_table grid; `profiled` predicts any batch and has none.
/// The serving engine's CPU work per batch stage (docs/validation.md, "CPU overhead"). All zero by default, Vidur's
/// skip_cpu_overhead_modeling: stage times are then the GPU model time exactly.
struct CpuOverheadConfig {
  double per_iteration_ms = 0;     ///< scheduling, input preparation, sampling, detokenisation: once per stage
  double per_request_ms = 0;       ///< the same work per request of the batch
  double launch_per_layer_ms = 0;  ///< CPU time to launch one layer's kernels: a stage takes at least layers x this
                                   ///< (kernels launched eagerly overlap the GPU, so the longer of the two counts)

  bool any() const { return per_iteration_ms != 0 || per_request_ms != 0 || launch_per_layer_ms != 0; }
};

struct PredictorConfig {
  std::string name = "vidur_table";
  std::string table_dir;
  std::string profile_dir;
  int k_fold_cv_splits = 10;  ///< profiled: folds of the held-out error that picks each operator's model
  /// Where trained models (profiled) and parsed tables (vidur_table) are cached ("" = no cache). Not a config-file
  /// key: it never changes results, so it comes from the command line (--predictor-cache) or the environment
  /// (LLMSIM_PREDICTOR_CACHE).
  std::string cache_dir;
  int kv_cache_prediction_granularity = 64;
  int prediction_max_prefill_chunk_size = 4096;
  int prediction_max_batch_size = 128;
  int prediction_max_tokens_per_request = 4096;
  double attention_decode_batching_overhead_fraction = 0.1;
  double attention_prefill_batching_overhead_fraction = 0.1;
  double nccl_cpu_launch_overhead_ms = 0.02;
  double nccl_cpu_skew_overhead_per_device_ms = 0.0;
  CpuOverheadConfig cpu_overhead;
};

/// What a pool's replicas do: everything (`mixed`, Vidur's replicas), only prefills (`prefill`: a request leaves
/// after its first token, its KV cache moves to a decode replica) or only decodes (`decode`).
enum class PoolRole { mixed, prefill, decode };

inline const char* pool_role_name(PoolRole r) {
  return r == PoolRole::mixed ? "mixed" : r == PoolRole::prefill ? "prefill" : "decode";
}

/// One pool of identical replicas: their deployment (model shard layout on a device and node type), batching
/// policy and execution-time predictor. Pools hold consecutive replica ids, in the order they are listed.
struct PoolConfig {
  std::string name = "default";
  PoolRole role = PoolRole::mixed;
  /// Where the pool's keys are in the config file, for messages: "cluster" (one pool) or "cluster.pools.<i>".
  std::string config_key = "cluster";
  int num_replicas = 1;
  ReplicaConfig replica;
  ReplicaSchedulerConfig replica_scheduler;
  PredictorConfig predictor;

  /// GPUs of the whole pool (replicas x TP x PP).
  std::int64_t num_gpus() const {
    return static_cast<std::int64_t>(num_replicas) * replica.tensor_parallel_size * replica.num_pipeline_stages;
  }
  /// USD per hour for the whole pool.
  double cost_per_hour() const { return static_cast<double>(num_gpus()) * replica.device.price_per_hour; }
};

/// The cluster: pools of replicas behind one router (a cluster with one pool is Vidur's homogeneous cluster).
struct ClusterConfig {
  std::vector<PoolConfig> pools = std::vector<PoolConfig>(1);
  RoutingConfig routing;
  GlobalSchedulerConfig global_scheduler;  ///< routes arrivals (to the prefill pools when disaggregated)
  GlobalSchedulerConfig decode_scheduler = {"least_outstanding", 1.0, 1.0};  ///< disaggregated: picks each decode replica
  KvTransferConfig kv_transfer;

  /// Prefill and decode pools instead of mixed ones.
  bool disaggregated() const { return pools.front().role != PoolRole::mixed; }
  /// The smallest delay of a message between entities: routing messages and, when disaggregated, KV transfers.
  SimTime min_message_delay() const {
    return disaggregated() ? std::min(routing.latency, kv_transfer.latency) : routing.latency;
  }

  int num_replicas() const {
    int n = 0;
    for (const PoolConfig& p : pools) n += p.num_replicas;
    return n;
  }
  /// The pool of every replica id.
  std::vector<int> replica_pools() const {
    std::vector<int> out;
    for (std::size_t p = 0; p < pools.size(); ++p) out.insert(out.end(), pools[p].num_replicas, static_cast<int>(p));
    return out;
  }
  double cost_per_hour() const {
    double c = 0;
    for (const PoolConfig& p : pools) c += p.cost_per_hour();
    return c;
  }
};

/// What is recorded and written.
struct MetricsConfig {
  /// One row per batch in /batches. Off by default (like Vidur's keep_individual_batch_metrics): large runs
  /// have millions of batches; per-replica batch counts and means are always recorded.
  bool store_batch_metrics = false;
  /// One row per output token in /tokens (Vidur's store_token_completion_metrics): gives the ITL percentiles.
  bool store_token_completion_metrics = false;
  /// Per replica, queue length, running requests and KV blocks in use after each scheduling round that changed
  /// them, in /timeseries.
  bool store_time_series = false;
  bool write_csv = false;          ///< also write CSV files beside the HDF5 file
  bool enable_chrome_trace = false;
};

struct SimulationConfig {
  std::uint64_t seed = 42;
  double time_limit_s = 0;  ///< simulated seconds; 0 = unlimited
  ClusterConfig cluster;
  RequestGeneratorConfig request_generator;
  MetricsConfig metrics;
};

}  // namespace llmsim::llm
