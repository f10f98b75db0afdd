// SPDX-License-Identifier: MIT
// Request-generator and predictor sections of the config (Vidur spec 7, 9.2; predictor spec 2.5).
#include <limits>

#include "yaml_section.hpp"
#include "llmsim/llm/config.hpp"

namespace llmsim::io::detail {

namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<std::int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::max();
constexpr std::int64_t kSeedMax = 0xffffffffLL;  // numpy RandomState seeds are 32-bit

llm::IntervalGeneratorConfig parse_intervals(YamlSection s) {
  llm::IntervalGeneratorConfig c;
  c.name = s.get_choice("name", "poisson", {"poisson", "gamma", "static", "trace"});
  if (c.name == "poisson" || c.name == "gamma") {
    c.qps = s.get_double("qps", c.name == "gamma" ? 0.2 : 0.5, 0, kInf, true);
  }
  if (c.name == "gamma") c.cv = s.get_double("cv", 0.5, 0, kInf, true);
  if (c.name == "trace") {
    c.trace_file = s.get_path("trace_file", true);
    c.start_time = s.get_string("start_time", c.start_time);
    c.end_time = s.get_string("end_time", c.end_time);
    c.time_scale_factor = s.get_double("time_scale_factor", 1.0, 0, kInf, true);
  }
  s.get_int("seed", 42, 0, kSeedMax);  // accepted like Vidur's, unused by every interval generator
  s.finish("for interval generator '" + c.name + "'");
  return c;
}

llm::LengthGeneratorConfig parse_lengths(YamlSection s) {
  llm::LengthGeneratorConfig c;
  c.name = s.get_choice("name", "fixed", {"fixed", "uniform", "zipf", "trace"});
  c.seed = static_cast<std::uint64_t>(s.get_int("seed", 42, 0, kSeedMax));
  c.max_tokens = s.get_int("max_tokens", 4096, 1, kIntMax);
  if (c.name == "fixed") {
    c.prefill_tokens = s.get_int("prefill_tokens", 2048, 1, kIntMax);
    c.decode_tokens = s.get_int("decode_tokens", 512, 1, kIntMax);
  }
  if (c.name == "uniform" || c.name == "zipf") {
    c.min_tokens = s.get_int("min_tokens", 1024, 1, kIntMax);
    c.prefill_to_decode_ratio = s.get_double("prefill_to_decode_ratio", 20.0, 0, kInf, true);
    if (c.min_tokens > c.max_tokens) s.fail("min_tokens", "must be <= max_tokens (" + std::to_string(c.max_tokens) + ")");
  }
  if (c.name == "zipf") {
    c.theta = s.get_double("theta", 0.6, 0, 1, true);
    if (c.theta >= 1) s.fail("theta", "must be < 1");
    c.scramble = s.get_bool("scramble", false);
  }
  if (c.name == "trace") {
    c.trace_file = s.get_path("trace_file", true);
    c.prefill_scale_factor = s.get_double("prefill_scale_factor", 1.0, 0, kInf, true);
    c.decode_scale_factor = s.get_double("decode_scale_factor", 1.0, 0, kInf, true);
  }
  s.finish("for length generator '" + c.name + "'");
  return c;
}

}  // namespace

llm::RequestGeneratorConfig parse_request_generator(YamlSection s) {
  llm::RequestGeneratorConfig c;
  c.name = s.get_choice("name", "synthetic", {"synthetic", "trace_replay"});
  c.seed = static_cast<std::uint64_t>(s.get_int("seed", 42, 0, kSeedMax));
  if (c.name == "synthetic") {
    c.num_requests = s.get_optional_int("num_requests", 128, 1);
    c.duration = s.get_optional_double("duration", std::nullopt, 0);
    c.length = parse_lengths(s.child("length_generator"));
    c.interval = parse_intervals(s.child("interval_generator"));
  } else {
    c.trace_file = s.get_path("trace_file", true);
    c.prefill_scale_factor = s.get_double("prefill_scale_factor", 1.0, 0, kInf, true);
    c.decode_scale_factor = s.get_double("decode_scale_factor", 1.0, 0, kInf, true);
    c.time_scale_factor = s.get_double("time_scale_factor", 1.0, 0, kInf, true);
    c.max_tokens = s.get_int("max_tokens", 4096, 1, kIntMax);
  }
  s.finish("for request generator '" + c.name + "'");
  return c;
}

llm::PredictorConfig parse_predictor(YamlSection s) {
  llm::PredictorConfig c;
  c.name = s.get_choice("name", "vidur_table", {"vidur_table"});
  c.table_dir = s.get_path("table_dir", true);
  c.kv_cache_prediction_granularity = static_cast<int>(s.get_int("kv_cache_prediction_granularity", 64, 1, 1 << 20));
  c.prediction_max_prefill_chunk_size =
      static_cast<int>(s.get_int("prediction_max_prefill_chunk_size", 4096, 1, 1 << 30));
  c.prediction_max_batch_size = static_cast<int>(s.get_int("prediction_max_batch_size", 128, 1, 1 << 30));
  c.prediction_max_tokens_per_request =
      static_cast<int>(s.get_int("prediction_max_tokens_per_request", 4096, 1, 1 << 30));
  c.attention_decode_batching_overhead_fraction =
      s.get_double("attention_decode_batching_overhead_fraction", 0.1, 0, kInf);
  c.attention_prefill_batching_overhead_fraction =
      s.get_double("attention_prefill_batching_overhead_fraction", 0.1, 0, kInf);
  c.nccl_cpu_launch_overhead_ms = s.get_double("nccl_cpu_launch_overhead_ms", 0.02, 0, kInf);
  c.nccl_cpu_skew_overhead_per_device_ms = s.get_double("nccl_cpu_skew_overhead_per_device_ms", 0.0, 0, kInf);
  s.finish();
  return c;
}

}  // namespace llmsim::io::detail
