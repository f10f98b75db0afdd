// SPDX-License-Identifier: MIT
// Summary percentiles over completed requests (metric names as in Vidur's request_metrics.csv).
#include "run_summary.hpp"

#include <spdlog/fmt/fmt.h>

#include "llmsim/llm/result_stats.hpp"

namespace llmsim::app {

namespace {

constexpr double kOutsideProfilesWarning = 0.05;

std::string metric_line(std::vector<double> v, const char* label, const char* unit, double scale) {
  for (double& x : v) x *= scale;
  const llm::Quantiles q = llm::quantiles(std::move(v));
  return fmt::format("  {:<34} {:>12.4f} {:>12.4f} {:>12.4f}  {}\n", label, q.p50, q.p90, q.p99, unit);
}

}  // namespace

std::string format_provenance(const llm::SimulationResults& r) {
  const auto share = llm::source_shares(r);
  std::string out = "Predicted GPU time by source:";
  for (int s = 0; s < llm::kNumSources; ++s) {
    if (share[static_cast<std::size_t>(s)] > 0) {
      out += fmt::format(" {} {:.1f} %", llm::source_name(static_cast<llm::Source>(s)),
                         100 * share[static_cast<std::size_t>(s)]);
    }
  }
  out += "\n";
  const double outside = share[static_cast<std::size_t>(llm::Source::extrapolated)] +
                         share[static_cast<std::size_t>(llm::Source::roofline)];
  if (outside > kOutsideProfilesWarning) {
    out += fmt::format("WARNING: {:.1f} % of the simulated GPU time was predicted outside the profiles "
                       "(extrapolated or roofline); see /predictor in the result file\n",
                       100 * outside);
  }
  return out;
}

std::string format_summary(const llm::SimulationResults& r, double wall_seconds) {
  const llm::RequestSummary& requests = r.request_summary;
  std::string out = fmt::format("Requests completed: {} / {}   restarts: {}   makespan: {:.6f} s\n",
                                requests.num_completed, requests.num_requests, requests.num_restarts,
                                simtime_to_seconds(r.makespan));
  out += fmt::format("  {:<34} {:>12} {:>12} {:>12}\n", "metric", "P50", "P90", "P99");
  auto metric = [&r](const char* name) { return llm::completed_request_metric(r, name); };
  out += metric_line(metric("ttft"), "TTFT (prefill_e2e_time)", "s", 1);
  out += metric_line(metric("tbt"), "TBT (decode time / output token)", "ms", 1e3);
  out += metric_line(metric("tpot"), "TPOT (decode time / (tokens - 1))", "ms", 1e3);
  if (!r.tokens.empty()) out += metric_line(llm::inter_token_latencies(r), "ITL (inter-token latency)", "ms", 1e3);
  out += metric_line(metric("e2e"), "e2e (request_e2e_time)", "s", 1);
  out += metric_line(metric("scheduling_delay"), "scheduling delay", "s", 1);
  if (r.pools.size() > 1) {
    out += fmt::format("  {:<16} {:>8} {:>10} {:>10} {:>9} {:>9} {:>10}\n", "pool", "replicas", "requests",
                       "completed", "busy %", "memory %", "USD/hour");
    for (const llm::PoolRecord& p : r.pools) {
      out += fmt::format("  {:<16} {:>8} {:>10} {:>10} {:>9.2f} {:>9.2f} {:>10.2f}\n", p.name, p.num_replicas,
                         p.num_requests, p.completed_requests, p.busy_time_mean_percent,
                         p.memory_usage_mean_percent, p.cost_per_hour);
    }
  }
  std::int64_t stages = 0;
  for (const llm::ReplicaStageRecord& s : r.replica_stages) stages += s.num_batch_stages;
  const double per_s = wall_seconds > 0 ? 1.0 / wall_seconds : 0;
  out += fmt::format("Events: {} ({:.0f}/s)   batch stages: {} ({:.0f}/s)   simulation wall time: {:.3f} s\n",
                     r.num_events, static_cast<double>(r.num_events) * per_s, stages,
                     static_cast<double>(stages) * per_s, wall_seconds);
  out += format_provenance(r);
  return out;
}

}  // namespace llmsim::app
