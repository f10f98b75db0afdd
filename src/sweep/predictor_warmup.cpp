// SPDX-License-Identifier: MIT
// Predictor warm-up of a sweep: one training per distinct deployment.
#include "llmsim/sweep/predictor_warmup.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "llmsim/io/config_loader.hpp"
#include "llmsim/llm/execution_time.hpp"

namespace llmsim::sweep {

std::vector<std::size_t> predictor_warmup_items(const io::Sweep& sw, const std::vector<std::size_t>& pending) {
  std::set<std::string> seen;
  std::vector<std::size_t> items;
  for (std::size_t index : pending) {
    const llm::SimulationConfig& c = sw.points[index].config;
    // What training depends on: the predictor settings, the replica hardware and shape, the KV block size.
    const nlohmann::json j = nlohmann::json::parse(io::config_to_json(c));
    bool fresh = false;
    for (std::size_t p = 0; p < c.cluster.pools.size(); ++p) {
      const llm::PoolConfig& pool = c.cluster.pools[p];
      if (pool.predictor.name != "profiled" || pool.predictor.cache_dir.empty()) continue;
      const nlohmann::json& d = j["cluster"]["pools"][p];
      const std::string key = d["execution_time_predictor"].dump() + d["replica"].dump() +
                              std::to_string(pool.replica_scheduler.block_size);
      fresh = seen.insert(key).second || fresh;
    }
    if (fresh) items.push_back(index);
  }
  return items;
}

double warm_predictor(const io::Sweep& sw, std::size_t index) {
  const auto start = std::chrono::steady_clock::now();
  const llm::SimulationConfig& c = sw.points[index].config;
  try {
    for (const llm::PoolConfig& pool : c.cluster.pools) {
      if (pool.predictor.name == "profiled") llm::make_execution_time_predictor(pool.predictor, pool);
    }
  } catch (const std::exception&) {
    // Not lost: the configuration itself fails with the same error when it runs, and is reported as failed.
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace llmsim::sweep
