// SPDX-License-Identifier: MIT
// Percentiles and per-request metric extraction.
#include "llmsim/llm/result_stats.hpp"

#include <algorithm>
#include <cmath>

#include "llmsim/util/error.hpp"

namespace llmsim::llm {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

const std::vector<std::string>& request_metric_names() {
  static const std::vector<std::string> names{"ttft", "tbt", "e2e", "scheduling_delay"};
  return names;
}

std::vector<double> completed_request_metric(const SimulationResults& results, const std::string& metric) {
  double (*get)(const RequestRecord&) = nullptr;
  if (metric == "ttft") {
    get = [](const RequestRecord& r) { return simtime_to_seconds(r.prefill_e2e_time); };
  } else if (metric == "tbt") {
    get = [](const RequestRecord& r) { return r.decode_time_execution_plus_preemption_normalized; };
  } else if (metric == "e2e") {
    get = [](const RequestRecord& r) { return simtime_to_seconds(r.e2e_time); };
  } else if (metric == "scheduling_delay") {
    get = [](const RequestRecord& r) { return simtime_to_seconds(r.scheduling_delay); };
  }
  if (get == nullptr) throw Error("unknown request metric '" + metric + "'");
  std::vector<double> values;
  values.reserve(results.requests.size());
  for (const RequestRecord& r : results.requests) {
    if (r.completed) values.push_back(get(r));
  }
  return values;
}

PerOp<std::array<double, kNumSources>> operator_time_by_source(const SimulationResults& results) {
  PerOp<std::array<double, kNumSources>> out{};
  for (const OperatorTimeRecord& t : results.operator_times) {
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

}  // namespace llmsim::llm
