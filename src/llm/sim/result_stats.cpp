// SPDX-License-Identifier: MIT
// Percentiles and per-request metric extraction.
#include "llmsim/llm/result_stats.hpp"

#include <algorithm>
#include <cmath>

#include "llmsim/util/error.hpp"

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
  // Both tables are sorted by request id; tokens of one request by token index.
  std::size_t row = 0;
  for (std::size_t i = 1; i < results.tokens.size(); ++i) {
    const TokenRecord& prev = results.tokens[i - 1];
    const TokenRecord& token = results.tokens[i];
    if (token.request_id != prev.request_id) continue;
    while (results.requests[row].request_id < token.request_id) ++row;
    if (results.requests[row].completed) gaps.push_back(simtime_to_seconds(token.completed_at - prev.completed_at));
  }
  return gaps;
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
  } else if (metric == "tpot") {
    get = [](const RequestRecord& r) {
      return simtime_to_seconds(r.completed_at - r.prefill_completed_at) / static_cast<double>(r.num_decode_tokens - 1);
    };
  }
  if (get == nullptr) throw Error("unknown request metric '" + metric + "'");
  const bool needs_two_tokens = metric == "tpot";  // TPOT is undefined for one output token
  std::vector<double> values;
  values.reserve(results.requests.size());
  for (const RequestRecord& r : results.requests) {
    if (r.completed && (!needs_two_tokens || r.num_decode_tokens > 1)) values.push_back(get(r));
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
