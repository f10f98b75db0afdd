// SPDX-License-Identifier: MIT
// Percentiles and per-request metric extraction.
#include "llmsim/llm/result_stats.hpp"

#include <algorithm>
#include <cmath>


namespace llmsim::llm {

namespace {

double sorted_percentile(const std::vector<double>& sorted, double q) {
  const double pos = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  return sorted_percentile(values, q);
}

Quantiles quantiles(std::vector<double> values) {
  if (values.empty()) return {std::nan(""), std::nan(""), std::nan(""), std::nan("")};
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  return {sum / static_cast<double>(values.size()), sorted_percentile(values, 50), sorted_percentile(values, 90),
          sorted_percentile(values, 99)};
}

const std::vector<std::string>& request_metric_names() {
  static const std::vector<std::string> names{"ttft", "tbt", "e2e", "scheduling_delay", "tpot"};
  return names;
}

std::vector<double> inter_token_latencies(const SimulationResults& results) {
  std::vector<double> gaps;
  if (results.tokens.empty()) return gaps;
  gaps.reserve(results.tokens.size());
  const std::vector<bool>& completed = results.request_summary.completed;
  // Tokens are sorted by request id, a request's tokens by token index.
  for (std::size_t i = 1; i < results.tokens.size(); ++i) {
    const TokenRecord& prev = results.tokens[i - 1];
    const TokenRecord& token = results.tokens[i];
    if (token.request_id != prev.request_id) continue;
    if (completed[static_cast<std::size_t>(token.request_id)]) {
      gaps.push_back(simtime_to_seconds(token.completed_at - prev.completed_at));
    }
  }
  return gaps;
}

std::vector<double> completed_request_metric(const SimulationResults& results, const std::string& metric) {
  const std::vector<double>& column = results.request_summary.column(metric);
  std::vector<double> values;
  values.reserve(column.size());
  for (double v : column) {
    if (!std::isnan(v)) values.push_back(v);  // TPOT of a request of one output token
  }
  return values;
}

double slo_attainment(const SimulationResults& results, const std::vector<MetricSlo>& slos) {
  const RequestSummary& summary = results.request_summary;
  if (summary.num_requests == 0) return std::nan("");
  std::vector<const std::vector<double>*> columns;
  for (const MetricSlo& s : slos) columns.push_back(&summary.column(s.metric));
  std::int64_t met = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(summary.num_completed); ++i) {
    bool ok = true;
    for (std::size_t m = 0; ok && m < slos.size(); ++m) {
      const double v = (*columns[m])[i];
      ok = std::isnan(v) || v <= slos[m].slo_s;  // a 1-token request has no TPOT to miss
    }
    met += ok;
  }
  return static_cast<double>(met) / static_cast<double>(summary.num_requests);
}

PerOp<std::array<double, kNumSources>> operator_time_by_source(const SimulationResults& results, int first,
                                                               int count) {
  PerOp<std::array<double, kNumSources>> out{};
  for (const OperatorTimeRecord& t : results.operator_times) {
    if (t.replica_id < first || t.replica_id - first >= count) continue;
    out[static_cast<std::size_t>(t.operator_id)][static_cast<std::size_t>(t.source_id)] += t.gpu_time_ms;
  }
  return out;
}

std::array<double, kNumSources> source_shares(const SimulationResults& results) {
  std::array<double, kNumSources> share{};
  double total = 0;
  for (const auto& per_source : operator_time_by_source(results)) {
    for (int s = 0; s < kNumSources; ++s) {
      share[static_cast<std::size_t>(s)] += per_source[static_cast<std::size_t>(s)];
      total += per_source[static_cast<std::size_t>(s)];
    }
  }
  for (double& s : share) s = total > 0 ? s / total : 0;
  return share;
}

std::vector<PoolRecord> summarise_pools(const ClusterConfig& cluster, const SimulationResults& results) {
  std::vector<PoolRecord> out;
  const std::vector<int> pool_of = cluster.replica_pools();
  auto pool_index = [&](std::int32_t replica) {
    return static_cast<std::size_t>(pool_of[static_cast<std::size_t>(replica)]);
  };
  std::int32_t first = 0;
  out.reserve(cluster.pools.size());
  for (const PoolConfig& p : cluster.pools) {
    PoolRecord& r = out.emplace_back();
    r.name = p.name;
    r.first_replica = first;
    r.num_replicas = p.num_replicas;
    r.model = p.replica.model.name;
    r.device = p.replica.device.name;
    r.network_device = p.replica.node.name;
    r.tensor_parallel_size = p.replica.tensor_parallel_size;
    r.num_pipeline_stages = p.replica.num_pipeline_stages;
    r.replica_scheduler = p.replica_scheduler.name;
    r.predictor = p.predictor.name;
    r.num_gpus = p.num_gpus();
    r.price_per_gpu_hour = p.replica.device.price_per_hour;
    r.cost_per_hour = p.cost_per_hour();
    first += p.num_replicas;
  }
  const RequestSummary& requests = results.request_summary;
  for (std::size_t replica = 0; replica < requests.requests_per_replica.size(); ++replica) {
    PoolRecord& r = out[pool_index(static_cast<std::int32_t>(replica))];
    r.num_requests += requests.requests_per_replica[replica];
    r.completed_requests += requests.completed_per_replica[replica];
  }
  // A prefill pool's requests are the prompts it prefilled: handed over (their rows name the decode replica) or
  // finished or stuck there.
  for (const KvTransferRecord& k : results.kv_transfers) {
    PoolRecord& r = out[pool_index(k.prefill_replica_id)];
    ++r.num_requests;
    ++r.completed_requests;
  }
  std::vector<std::int64_t> stages(out.size(), 0);
  for (const ReplicaStageRecord& s : results.replica_stages) {
    const std::size_t p = pool_index(s.replica_id);
    out[p].busy_time_mean_percent += s.busy_time_percent;
    out[p].mfu_mean_percent += s.mfu_percent;
    ++stages[p];
  }
  for (const ReplicaRecord& m : results.replicas) {
    PoolRecord& r = out[pool_index(m.replica_id)];
    r.memory_usage_mean_percent += m.memory_usage_mean_percent;
    r.memory_usage_peak_percent = std::max(r.memory_usage_peak_percent, m.memory_usage_peak_percent);
  }
  for (std::size_t p = 0; p < out.size(); ++p) {
    if (stages[p] > 0) {
      out[p].busy_time_mean_percent /= static_cast<double>(stages[p]);
      out[p].mfu_mean_percent /= static_cast<double>(stages[p]);
    }
    out[p].memory_usage_mean_percent /= out[p].num_replicas;
  }
  return out;
}

}  // namespace llmsim::llm
