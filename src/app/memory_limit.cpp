// SPDX-License-Identifier: MIT
// require_memory: estimate vs --max-memory or /proc/meminfo's MemAvailable.
#include "memory_limit.hpp"

#include <spdlog/fmt/fmt.h>

#include <fstream>
#include <string>

#include "llmsim/util/error.hpp"

namespace llmsim::app {

namespace {

constexpr double kGiB = 1073741824.0;

// MemAvailable in GiB, or 0 if /proc/meminfo does not say.
double available_gib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024 / kGiB;
  }
  return 0;
}

}  // namespace

void require_memory(const llm::MemoryEstimate& estimate, std::optional<double> max_memory_gib) {
  const double limit = max_memory_gib ? *max_memory_gib : available_gib();
  if (limit <= 0 || estimate.bytes() <= limit * kGiB) return;
  throw ConfigError(fmt::format(
      "this run needs an estimated {} but {} {:.1f} GiB; lower request_generator.num_requests (or duration) or "
      "cluster.num_replicas, turn off metrics.store_batch_metrics, store_token_completion_metrics and "
      "store_time_series, or pass --max-memory GIB (0 = no limit) if the estimate is too high",
      estimate.describe(), max_memory_gib ? "--max-memory allows" : "this machine has", limit));
}

}  // namespace llmsim::app
