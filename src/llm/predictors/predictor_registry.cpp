// SPDX-License-Identifier: MIT
// Predictor registry and factory, with the deployment checks every predictor relies on.
#include "llmsim/llm/predictor_registry.hpp"

#include <cstdlib>

#include "llmsim/util/error.hpp"
#include "profiled_predictor.hpp"
#include "vidur_table_predictor.hpp"

namespace llmsim::llm {

const std::vector<PredictorKind>& predictor_kinds() {
  static const std::vector<PredictorKind> kinds = {
      {"vidur_table", "replays Vidur's precomputed per-operator prediction tables (table_dir)",
       detail::make_vidur_table_predictor},
      {"profiled", "trains one model per operator from the profiles (profile_dir); roofline where none exists",
       detail::make_profiled_predictor},
  };
  return kinds;
}

std::vector<std::string> predictor_names() {
  std::vector<std::string> names;
  for (const PredictorKind& k : predictor_kinds()) names.emplace_back(k.name);
  return names;
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
                                                                      const ClusterConfig& cluster) {
  const int tp = cluster.replica.tensor_parallel_size;
  const int workers = tp * cluster.replica.num_pipeline_stages;
  const int per_node = cluster.replica.node.num_devices_per_node;
  if (!(workers < per_node || workers % per_node == 0)) {
    throw ConfigError("cluster.replica: tensor_parallel_size x num_pipeline_stages = " + std::to_string(workers) +
                      " must be smaller than num_devices_per_node (" + std::to_string(per_node) + " on '" +
                      cluster.replica.node.name + "') or a multiple of it");
  }
  if (tp > per_node) {
    throw ConfigError("cluster.replica.tensor_parallel_size: " + std::to_string(tp) + " exceeds the " +
                      std::to_string(per_node) + " devices of a '" + cluster.replica.node.name +
                      "' node (tensor parallelism across nodes is not modelled)");
  }
  for (const PredictorKind& k : predictor_kinds()) {
    if (config.name == k.name) return k.make(config, cluster);
  }
  std::string valid;
  for (const std::string& n : predictor_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw ConfigError("execution_time_predictor.name: unknown value '" + config.name + "'; valid: " + valid);
}

}  // namespace llmsim::llm
