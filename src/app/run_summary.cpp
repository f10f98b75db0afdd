// SPDX-License-Identifier: MIT
// Summary percentiles over completed requests (metric names as in Vidur's request_metrics.csv).
#include "run_summary.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>

namespace llmsim::app {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

namespace {

template <typename Get>
std::string metric_line(const llm::SimulationResults& r, const char* label, const char* unit, double scale, Get get) {
  std::vector<double> v;
  for (const llm::RequestRecord& row : r.requests) {
    if (row.completed) v.push_back(get(row) * scale);
  }
  return fmt::format("  {:<34} {:>12.4f} {:>12.4f} {:>12.4f}  {}\n", label, percentile(v, 50), percentile(v, 90),
                     percentile(v, 99), unit);
}

}  // namespace

std::string format_summary(const llm::SimulationResults& r, double wall_seconds) {
  std::int64_t completed = 0;
  std::int64_t restarts = 0;
  for (const llm::RequestRecord& row : r.requests) {
    completed += row.completed;
    restarts += row.num_restarts;
  }
  std::string out = fmt::format("Requests completed: {} / {}   restarts: {}   makespan: {:.6f} s\n", completed,
                                r.requests.size(), restarts, simtime_to_seconds(r.makespan));
  out += fmt::format("  {:<34} {:>12} {:>12} {:>12}\n", "metric", "P50", "P90", "P99");
  out += metric_line(r, "TTFT (prefill_e2e_time)", "s", 1e-9,
                     [](const llm::RequestRecord& x) { return static_cast<double>(x.prefill_e2e_time); });
  out += metric_line(r, "TBT (decode time / output token)", "ms", 1e3, [](const llm::RequestRecord& x) {
    return x.decode_time_execution_plus_preemption_normalized;
  });
  out += metric_line(r, "e2e (request_e2e_time)", "s", 1e-9,
                     [](const llm::RequestRecord& x) { return static_cast<double>(x.e2e_time); });
  out += metric_line(r, "scheduling delay", "s", 1e-9,
                     [](const llm::RequestRecord& x) { return static_cast<double>(x.scheduling_delay); });
  std::int64_t stages = 0;
  for (const llm::ReplicaStageRecord& s : r.replica_stages) stages += s.num_batch_stages;
  const double per_s = wall_seconds > 0 ? 1.0 / wall_seconds : 0;
  out += fmt::format("Events: {} ({:.0f}/s)   batch stages: {} ({:.0f}/s)   simulation wall time: {:.3f} s\n",
                     r.num_events, static_cast<double>(r.num_events) * per_s, stages,
                     static_cast<double>(stages) * per_s, wall_seconds);
  return out;
}

}  // namespace llmsim::app
