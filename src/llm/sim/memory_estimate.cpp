// SPDX-License-Identifier: MIT
// Peak-memory estimates from the config and the generated requests.
#include "llmsim/llm/memory_estimate.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <limits>

#include "llmsim/llm/memory_planner.hpp"

namespace llmsim::llm {

double MemoryEstimate::bytes() const {
  return requests * kPeakBytesPerRequest + replicas * (kPeakBytesPerReplica + block_bytes_per_replica) +
         batches * kPeakBytesPerBatch +
         tokens * kPeakBytesPerToken + time_series_rows * kPeakBytesPerTimeSeriesRow;
}

std::string MemoryEstimate::describe() const {
  std::string out = fmt::format("{:.1f} GiB ({:.0f} requests x {:.1f} KiB, {} replicas x {:.0f} KiB",
                                bytes() / 1073741824.0, requests, kPeakBytesPerRequest / 1024, replicas,
                                kPeakBytesPerReplica / 1024);
  if (batches > 0) out += fmt::format(", up to {:.3g} stored batches x {:.1f} KiB", batches, kPeakBytesPerBatch / 1024);
  if (block_bytes_per_replica > 0) {
    out += fmt::format(", {:.0f} KiB of block bookkeeping per replica", block_bytes_per_replica / 1024);
  }
  if (tokens > 0) out += fmt::format(", {:.3g} stored tokens x {:.0f} B", tokens, kPeakBytesPerToken);
  if (time_series_rows > 0) {
    out += fmt::format(", up to {:.3g} time-series rows x {:.0f} B", time_series_rows, kPeakBytesPerTimeSeriesRow);
  }
  return out + ")";
}

namespace {

// A vllm_v1 replica keeps a block pool and an index of cached content; the prefix_aware router an index of the
// blocks it routed to each replica; both as large as a replica's KV cache. The mean over the cluster's replicas.
double block_bytes_per_replica(const SimulationConfig& config) {
  const bool index = config.cluster.global_scheduler.name == "prefix_aware";
  double total = 0;
  for (const PoolConfig& p : config.cluster.pools) {
    const bool pool = p.replica_scheduler.name == "vllm_v1";
    if (!pool && !index) continue;
    const ReplicaPlan plan = plan_replica(p.replica, p.replica_scheduler, config.request_generator.effective_max_tokens());
    total += static_cast<double>(p.num_replicas) * static_cast<double>(plan.num_blocks) *
             ((pool ? kPeakBytesPerCachedBlock : 0.0) + (index ? kPeakBytesPerRoutedBlock : 0.0));
  }
  return total / config.cluster.num_replicas();
}

}  // namespace

MemoryEstimate estimate_memory(const SimulationConfig& config) {
  const RequestGeneratorConfig& g = config.request_generator;
  MemoryEstimate e;
  e.replicas = config.cluster.num_replicas();
  e.block_bytes_per_replica = block_bytes_per_replica(config);
  if (g.name == "trace_replay") return e;
  // Synthetic: requests; conversations: sessions, each of up to max_turns requests.
  const std::optional<std::int64_t> count = g.name == "synthetic" ? g.num_requests : g.conversation.num_sessions;
  double n = count ? static_cast<double>(*count) : 0.0;
  if (g.duration && g.arrives_at_qps()) {
    const double by_duration = *g.duration * g.interval.qps;
    n = count ? std::min(n, by_duration) : by_duration;
  }
  e.requests = g.name == "synthetic" ? n : n * static_cast<double>(g.conversation.max_turns);
  return e;
}

double batch_bound(const SimulationConfig& config, const std::vector<RequestSpec>& requests) {
  std::int64_t chunk = std::numeric_limits<std::int64_t>::max();
  for (const PoolConfig& p : config.cluster.pools) {
    if (p.replica_scheduler.name == "sarathi") chunk = std::min<std::int64_t>(chunk, p.replica_scheduler.chunk_size);
  }
  double batches = 0;
  for (const RequestSpec& r : requests) {
    const std::int64_t c = std::min(chunk, std::max<std::int64_t>(r.num_prefill_tokens, 1));
    batches += static_cast<double>(r.num_decode_tokens + (r.num_prefill_tokens + c - 1) / c);
  }
  return batches;
}

MemoryEstimate estimate_memory(const SimulationConfig& config, const std::vector<RequestSpec>& requests) {
  MemoryEstimate e;
  e.replicas = config.cluster.num_replicas();
  e.block_bytes_per_replica = block_bytes_per_replica(config);
  e.requests = static_cast<double>(requests.size());
  const MetricsConfig& m = config.metrics;
  if (m.store_batch_metrics || m.enable_chrome_trace || m.store_time_series) {
    int stages = 1;
    for (const PoolConfig& p : config.cluster.pools) stages = std::max(stages, p.replica.num_pipeline_stages);
    const double batches = batch_bound(config, requests);
    // A Chrome trace keeps one record per batch and pipeline stage as well.
    if (m.store_batch_metrics || m.enable_chrome_trace) {
      e.batches = m.enable_chrome_trace ? batches * (1 + stages) : batches;
    }
    // One row per scheduling round at most: one per batch end and one per dispatch.
    if (m.store_time_series) e.time_series_rows = batches + e.requests;
  }
  if (m.store_token_completion_metrics) {
    for (const RequestSpec& r : requests) e.tokens += static_cast<double>(r.num_decode_tokens);
  }
  return e;
}

}  // namespace llmsim::llm
