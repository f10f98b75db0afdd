// SPDX-License-Identifier: MIT
// Sharding, resume order and load-balance statistics of a sweep.
#include "llmsim/sweep/sweep_plan.hpp"

#include <algorithm>
#include <cstdio>

#include "llmsim/util/error.hpp"

namespace llmsim::sweep {

Shard parse_shard(const std::string& text) {
  if (text.empty()) return {};
  unsigned long k = 0;
  unsigned long n = 0;
  char slash = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%lu%c%lu%c", &k, &slash, &n, &extra) != 3 || slash != '/' || n == 0 || k >= n) {
    throw ConfigError("--shard " + text + ": expected K/N with 0 <= K < N, e.g. --shard 0/4");
  }
  return {k, n};
}

Plan plan_pending(const io::Sweep& sweep, const std::set<std::string>& finished, Shard shard) {
  Plan plan;
  for (const io::SweepPoint& p : sweep.points) {
    if (p.index % shard.count != shard.index) continue;
    if (finished.contains(p.id)) {
      ++plan.done_before;
    } else {
      plan.pending.push_back(p.index);
    }
  }
  std::stable_sort(plan.pending.begin(), plan.pending.end(), [&](std::size_t a, std::size_t b) {
    return sweep.points[a].config.request_generator.num_requests > sweep.points[b].config.request_generator.num_requests;
  });
  return plan;
}

LoadBalance load_balance(const std::map<int, double>& busy_by_worker, int workers, double wall) {
  LoadBalance b;
  for (const auto& [worker, seconds] : busy_by_worker) {
    b.total += seconds;
    b.busiest = std::max(b.busiest, seconds);
  }
  b.mean = workers > 0 ? b.total / workers : 0;
  b.efficiency = workers > 0 && wall > 0 ? b.total / (workers * wall) : 0;
  return b;
}

}  // namespace llmsim::sweep
