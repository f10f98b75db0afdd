// SPDX-License-Identifier: MIT
// Statistics over SimulationResults shared by the run summary, the capacity search and sweep summaries.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "llmsim/llm/results.hpp"

namespace llmsim::llm {

/// Percentile with numpy's/pandas' default (linear interpolation between closest ranks); `q` in [0, 100].
/// NaN for an empty input.
double percentile(std::vector<double> values, double q);

/// Mean and the percentiles the summaries report (NaN for an empty input).
struct Quantiles {
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
};
Quantiles quantiles(std::vector<double> values);

/// Request metrics that can be summarised or used as an SLO, in seconds (TBT and TPOT in seconds per output
/// token): `ttft` (prefill_e2e_time), `tbt` (decode_time_execution_plus_preemption_normalized), `e2e` (e2e_time)
/// and `scheduling_delay`, as in Vidur's request_metrics.csv; `tpot` as vLLM's benchmark defines it,
/// (completed_at - prefill_completed_at) / (output tokens - 1), over requests of more than one output token.
const std::vector<std::string>& request_metric_names();

/// Inter-token latencies (vLLM's ITL) in seconds: the gaps between consecutive output tokens of each completed
/// request, pooled; empty unless the run stored its tokens (metrics.store_token_completion_metrics).
std::vector<double> inter_token_latencies(const SimulationResults& results);

/// Simulated GPU time (ms) of each operator from each prediction source, on replicas first .. first + count - 1
/// (default: all).
PerOp<std::array<double, kNumSources>> operator_time_by_source(const SimulationResults& results, int first = 0,
                                                               int count = std::numeric_limits<int>::max());

/// One row per pool of `cluster` from the request, replica and stage rows (operators left empty).
std::vector<PoolRecord> summarise_pools(const ClusterConfig& cluster, const SimulationResults& results);

/// Share (0..1) of all simulated GPU time that came from each prediction source.
std::array<double, kNumSources> source_shares(const SimulationResults& results);

/// Values of `metric` (one of request_metric_names()) over completed requests, in seconds.
std::vector<double> completed_request_metric(const SimulationResults& results, const std::string& metric);

/// A per-request service-level objective: `metric` (one of request_metric_names()) at most `slo_s` seconds.
struct MetricSlo {
  std::string metric;
  double slo_s = 0;
};

/// DistServe's SLO attainment: the fraction of all requests that completed and met every SLO (a request of one
/// output token has no TPOT to miss); NaN without requests.
double slo_attainment(const SimulationResults& results, const std::vector<MetricSlo>& slos);

}  // namespace llmsim::llm
