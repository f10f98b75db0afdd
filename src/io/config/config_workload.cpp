// SPDX-License-Identifier: MIT
// Request-generator and predictor sections of the config (Vidur spec 7, 9.2; predictor spec 2.5).
#include <filesystem>
#include <limits>

#include "yaml_section.hpp"
#include "llmsim/llm/config.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/llm/request_generator.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::io::detail {

namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kSeedMax = 0xffffffffLL;  // numpy RandomState seeds are 32-bit
// Bounds far outside any real workload that keep every derived time and count finite and exact.
constexpr std::int64_t kMaxTokens = std::int64_t{1} << 24;     // 16M tokens per request
constexpr std::int64_t kMaxRequests = std::int64_t{1} << 31;   // more would not fit in memory anyway
constexpr double kMaxDurationSeconds = 1e9;
constexpr double kMinQps = 1e-6;  // one request per ~11.6 days
constexpr double kMaxQps = 1e9;
constexpr double kMaxScale = 1e6;

llm::IntervalGeneratorConfig parse_intervals(YamlSection s) {
  llm::IntervalGeneratorConfig c;
  const PluginInfo kind = s.get_plugin("name", "poisson", llm::interval_generator_plugins());
  c.name = kind.name;
  if (kind.accepts("qps")) c.qps = s.get_double("qps", c.name == "gamma" ? 0.2 : 0.5, kMinQps, kMaxQps);  // Vidur's defaults
  if (kind.accepts("cv")) c.cv = s.get_double("cv", 0.5, 1e-3, 1e3);
  if (kind.accepts("trace_file")) {
    c.trace_file = s.get_path("trace_file", true);
    c.start_time = s.get_string("start_time", c.start_time);
    c.end_time = s.get_string("end_time", c.end_time);
    c.time_scale_factor = s.get_double("time_scale_factor", 1.0, 0, kMaxScale, true);
  }
  s.get_int("seed", 42, 0, kSeedMax);  // accepted like Vidur's, unused by every interval generator
  s.finish("for interval generator '" + c.name + "'");
  return c;
}

llm::LengthGeneratorConfig parse_lengths(YamlSection s) {
  llm::LengthGeneratorConfig c;
  const PluginInfo kind = s.get_plugin("name", "fixed", llm::length_generator_plugins());
  c.name = kind.name;
  c.seed = static_cast<std::uint64_t>(s.get_int("seed", 42, 0, kSeedMax));
  c.max_tokens = s.get_int("max_tokens", 4096, 1, kMaxTokens);
  if (kind.accepts("prefill_tokens")) {
    c.prefill_tokens = s.get_int("prefill_tokens", 2048, 1, kMaxTokens);
    c.decode_tokens = s.get_int("decode_tokens", 512, 1, kMaxTokens);
  }
  if (kind.accepts("min_tokens")) {
    c.min_tokens = s.get_int("min_tokens", 1024, 1, kMaxTokens);
    c.prefill_to_decode_ratio = s.get_double("prefill_to_decode_ratio", 20.0, 0, kMaxScale, true);
    if (c.min_tokens > c.max_tokens) s.fail("min_tokens", "must be <= max_tokens (" + std::to_string(c.max_tokens) + ")");
  }
  if (kind.accepts("theta")) {
    c.theta = s.get_double("theta", 0.6, 0, 1, true);
    if (c.theta >= 1) s.fail("theta", "must be < 1");
    c.scramble = s.get_bool("scramble", false);
  }
  if (kind.accepts("trace_file")) {
    c.trace_file = s.get_path("trace_file", true);
    c.prefill_scale_factor = s.get_double("prefill_scale_factor", 1.0, 0, kMaxScale, true);
    c.decode_scale_factor = s.get_double("decode_scale_factor", 1.0, 0, kMaxScale, true);
  }
  s.finish("for length generator '" + c.name + "'");
  return c;
}

}  // namespace

llm::RequestGeneratorConfig parse_request_generator(YamlSection s) {
  llm::RequestGeneratorConfig c;
  const PluginInfo kind = s.get_plugin("name", "synthetic", llm::request_generator_plugins());
  c.name = kind.name;
  c.seed = static_cast<std::uint64_t>(s.get_int("seed", 42, 0, kSeedMax));
  c.num_requests = kind.accepts("num_requests") ? s.get_optional_int("num_requests", 128, 1, kMaxRequests)
                                                  : std::nullopt;
  if (kind.accepts("duration")) c.duration = s.get_optional_double("duration", std::nullopt, 0, kMaxDurationSeconds);
  if (kind.accepts("length_generator")) {
    c.length = parse_lengths(s.child("length_generator"));
    c.interval = parse_intervals(s.child("interval_generator"));
  }
  if (kind.accepts("num_sessions")) {
    c.conversation.num_sessions = s.get_optional_int("num_sessions", std::nullopt, 1, kMaxRequests);
    YamlSection turns = s.child("turns");
    c.conversation.min_turns = turns.get_int("min", c.conversation.min_turns, 1, 1 << 20);
    c.conversation.max_turns = turns.get_int("max", c.conversation.max_turns, 1, 1 << 20);
    if (c.conversation.max_turns < c.conversation.min_turns) turns.fail("max", "must be >= turns.min");
    turns.finish();
    c.conversation.think_time_s = s.get_double("think_time", c.conversation.think_time_s, 0, kMaxDurationSeconds);
  }
  if (kind.accepts("trace_file")) {
    c.trace_file = s.get_path("trace_file", true);
    c.prefill_scale_factor = s.get_double("prefill_scale_factor", 1.0, 0, kMaxScale, true);
    c.decode_scale_factor = s.get_double("decode_scale_factor", 1.0, 0, kMaxScale, true);
    c.time_scale_factor = s.get_double("time_scale_factor", 1.0, 0, kMaxScale, true);
  }
  if (kind.accepts("max_tokens")) c.max_tokens = s.get_int("max_tokens", 4096, 1, kMaxTokens);
  YamlSection shared = s.child("shared_prefix");
  c.shared_prefix.num_families = shared.get_int("num_families", 0, 0, kMaxRequests);
  c.shared_prefix.tokens = shared.get_int("tokens", 0, 0, kMaxTokens);
  c.shared_prefix.zipf_theta = shared.get_double("zipf_theta", 1.0, 0, 100);
  if ((c.shared_prefix.num_families > 0) != (c.shared_prefix.tokens > 0)) {
    shared.fail(c.shared_prefix.num_families > 0 ? "tokens" : "num_families",
                "set both num_families and tokens (>= 1) for shared prefixes, or neither");
  }
  shared.finish();
  s.finish("for request generator '" + c.name + "'");
  return c;
}

namespace {

// A vidur_table directory's manifest.yaml says which deployment and grid its tables were built for; the config
// must match it (predictor spec 6 item 16: Vidur never checks), and prediction_max_* must equal the grid.
void check_table_manifest(YamlSection& s, llm::PredictorConfig& c, const llm::PoolConfig& pool) {
  const std::string path = c.table_dir + "/manifest.yaml";
  if (!std::filesystem::is_regular_file(path)) {
    s.fail("table_dir", "'" + c.table_dir + "' has no manifest.yaml saying which model, device, network device, "
                        "tensor_parallel_size, num_pipeline_stages and grid its tables were built for");
  }
  YamlSection m(load_yaml_file(path), path, "");
  const llm::ReplicaConfig& r = pool.replica;
  const auto same = [&](const char* key, const std::string& have, const std::string& config_key) {
    const std::string want = m.get_string(key, "");
    if (want != have) {
      s.fail("table_dir", "the tables in '" + c.table_dir + "' were built for " + key + " '" + want + "' (" + path +
                              "), but " + config_key + " is '" + have + "'");
    }
  };
  same("model", r.model.name, pool.config_key + ".replica.model.name");
  same("device", r.device.name, pool.config_key + ".replica.device.name");
  same("network_device", r.node.name, pool.config_key + ".replica.network_device.name");
  same("tensor_parallel_size", std::to_string(r.tensor_parallel_size), pool.config_key + ".replica.tensor_parallel_size");
  same("num_pipeline_stages", std::to_string(r.num_pipeline_stages), pool.config_key + ".replica.num_pipeline_stages");
  const auto grid = [&](const char* key, int& field) {
    const int built = static_cast<int>(m.get_int(key, 0, 1, 1 << 30));
    if (!m.has(key)) m.fail(key, "required");
    if (s.has(key)) {
      field = static_cast<int>(s.get_int(key, built, 1, 1 << 30));
      if (field != built) {
        s.fail(key, std::to_string(field) + " differs from the grid of the tables in '" + c.table_dir + "' (" +
                        std::to_string(built) + ", " + path + "); rebuild the tables or drop the key");
      }
    }
    field = built;
  };
  grid("prediction_max_prefill_chunk_size", c.prediction_max_prefill_chunk_size);
  grid("prediction_max_batch_size", c.prediction_max_batch_size);
  grid("prediction_max_tokens_per_request", c.prediction_max_tokens_per_request);
  m.get_string("source", "");
  m.finish();
}

}  // namespace

llm::PredictorConfig parse_predictor(YamlSection s, const llm::PoolConfig& pool) {
  llm::PredictorConfig c;
  const PluginInfo kind = s.get_plugin("name", "vidur_table", plugin_infos(llm::predictors()));
  c.name = kind.name;
  if (kind.accepts("table_dir")) {
    c.table_dir = s.get_directory("table_dir");
    check_table_manifest(s, c, pool);
  }
  if (kind.accepts("profile_dir")) {
    c.profile_dir = s.get_directory("profile_dir");
    c.k_fold_cv_splits = static_cast<int>(s.get_int("k_fold_cv_splits", 10, 2, 1000));
  }
  c.kv_cache_prediction_granularity = static_cast<int>(s.get_int("kv_cache_prediction_granularity", 64, 1, 1 << 20));
  c.attention_decode_batching_overhead_fraction =
      s.get_double("attention_decode_batching_overhead_fraction", 0.1, 0, 100);
  c.attention_prefill_batching_overhead_fraction =
      s.get_double("attention_prefill_batching_overhead_fraction", 0.1, 0, 100);
  c.nccl_cpu_launch_overhead_ms = s.get_double("nccl_cpu_launch_overhead_ms", 0.02, 0, 1e6);
  c.nccl_cpu_skew_overhead_per_device_ms = s.get_double("nccl_cpu_skew_overhead_per_device_ms", 0.0, 0, 1e6);
  YamlSection cpu = s.child_or_file("cpu_overhead");  // inline, or a file written by llmsim calibrate
  c.cpu_overhead.per_iteration_ms = cpu.get_double("per_iteration_ms", 0, 0, 1e6);
  c.cpu_overhead.per_request_ms = cpu.get_double("per_request_ms", 0, 0, 1e6);
  c.cpu_overhead.launch_per_layer_ms = cpu.get_double("launch_per_layer_ms", 0, 0, 1e6);
  cpu.finish();
  s.finish("for predictor '" + c.name + "'");
  return c;
}

}  // namespace llmsim::io::detail
