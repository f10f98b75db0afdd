// SPDX-License-Identifier: MIT
// Predictor registry and factory, with the deployment checks every predictor relies on.
#include "llmsim/llm/predictor_registry.hpp"

#include <cstdlib>
#include <initializer_list>

#include "llmsim/util/error.hpp"
#include "profiled_predictor.hpp"
#include "vidur_table_predictor.hpp"

namespace llmsim::llm {

namespace {

// A predictor's own keys plus the batching-overhead and communication terms every predictor adds (predictor spec
// 1.4, 2.5).
std::vector<const char*> keys(std::initializer_list<const char*> own) {
  std::vector<const char*> all(own);
  for (const char* k : {"kv_cache_prediction_granularity", "attention_decode_batching_overhead_fraction",
                        "attention_prefill_batching_overhead_fraction", "nccl_cpu_launch_overhead_ms",
                        "nccl_cpu_skew_overhead_per_device_ms", "cpu_overhead"}) {
    all.push_back(k);
  }
  return all;
}

}  // namespace

const std::vector<PredictorPlugin>& predictors() {
  static const std::vector<PredictorPlugin> all{
      {{"vidur_table", keys({"table_dir"}),
        "replays Vidur's precomputed per-operator prediction tables (table_dir)"},
       detail::make_vidur_table_predictor},
      {{"profiled", keys({"profile_dir", "k_fold_cv_splits"}),
        "trains one model per operator from the profiles (profile_dir); roofline where none exists"},
       detail::make_profiled_predictor},
  };
  return all;
}

std::string default_predictor_cache_dir() {
  if (const char* env = std::getenv("LLMSIM_PREDICTOR_CACHE")) {
    const std::string dir = env;
    return dir == "none" ? "" : dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/llmsim/predictors";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/llmsim/predictors";
  return "";
}

std::unique_ptr<ExecutionTimePredictor> make_execution_time_predictor(const PredictorConfig& config,
                                                                      const PoolConfig& pool) {
  const int tp = pool.replica.tensor_parallel_size;
  const int workers = tp * pool.replica.num_pipeline_stages;
  const int per_node = pool.replica.node.num_devices_per_node;
  if (!(workers < per_node || workers % per_node == 0)) {
    throw ConfigError(pool.config_key + ".replica: tensor_parallel_size x num_pipeline_stages = " + std::to_string(workers) +
                      " must be smaller than num_devices_per_node (" + std::to_string(per_node) + " on '" +
                      pool.replica.node.name + "') or a multiple of it");
  }
  if (tp > per_node) {
    throw ConfigError(pool.config_key + ".replica.tensor_parallel_size: " + std::to_string(tp) + " exceeds the " +
                      std::to_string(per_node) + " devices of a '" + pool.replica.node.name +
                      "' node (tensor parallelism across nodes is not modelled)");
  }
  return find_plugin(predictors(), config.name, "execution_time_predictor.name").make(config, pool);
}

}  // namespace llmsim::llm
