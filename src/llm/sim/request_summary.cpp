// SPDX-License-Identifier: MIT
// RequestSummary: counts and per-metric columns accumulated from request rows.
#include <cmath>

#include "llmsim/llm/results.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {

void RequestSummary::add(const RequestRecord& row) {
  ++num_requests;
  num_restarts += row.num_restarts;
  completed.push_back(row.completed != 0);
  if (row.replica_id >= 0) {
    const auto r = static_cast<std::size_t>(row.replica_id);
    if (r >= requests_per_replica.size()) {
      requests_per_replica.resize(r + 1, 0);
      completed_per_replica.resize(r + 1, 0);
    }
    ++requests_per_replica[r];
    completed_per_replica[r] += row.completed;
  }
  if (!row.completed) return;
  ++num_completed;
  output_tokens += row.num_decode_tokens;
  ttft.push_back(simtime_to_seconds(row.prefill_e2e_time));
  tbt.push_back(row.decode_time_execution_plus_preemption_normalized);
  e2e.push_back(simtime_to_seconds(row.e2e_time));
  scheduling_delay.push_back(simtime_to_seconds(row.scheduling_delay));
  // vLLM's TPOT is undefined for one output token.
  tpot.push_back(row.num_decode_tokens > 1 ? simtime_to_seconds(row.completed_at - row.prefill_completed_at) /
                                                 static_cast<double>(row.num_decode_tokens - 1)
                                           : std::nan(""));
}

const std::vector<double>& RequestSummary::column(const std::string& metric) const {
  if (metric == "ttft") return ttft;
  if (metric == "tbt") return tbt;
  if (metric == "e2e") return e2e;
  if (metric == "scheduling_delay") return scheduling_delay;
  if (metric == "tpot") return tpot;
  throw Error("unknown request metric '" + metric + "'");
}

}  // namespace llmsim::llm
