// SPDX-License-Identifier: MIT
// Per-request metric rows with Vidur's request_metrics.csv definitions (spec 8.2).
#include "llmsim/llm/results.hpp"

namespace llmsim::llm {

namespace {

double per_token(SimTime t, std::int64_t tokens) { return simtime_to_seconds(t) / static_cast<double>(tokens); }

void fill_completed(const Request& r, RequestRecord& row) {
  row.scheduled_at = r.scheduled_at();
  row.prefill_completed_at = r.prefill_completed_at();
  row.completed_at = r.completed_at();
  row.e2e_time = r.completed_at() - r.arrived_at();
  row.execution_time = r.execution_time();
  row.model_execution_time = r.model_execution_time();
  row.preemption_time = r.preempted_time();
  row.scheduling_delay = r.scheduling_delay();
  row.execution_plus_preemption_time = r.execution_time() + r.preempted_time();
  row.prefill_e2e_time = r.prefill_completed_at() - r.arrived_at();
  row.prefill_time_execution_plus_preemption = r.prefill_completed_at() - r.scheduled_at();
  row.decode_time_execution_plus_preemption = r.completed_at() - r.prefill_completed_at();
  // Vidur normalises by the current (post-restart) token counts (spec 11 item 12).
  const std::int64_t d = r.num_decode_tokens();
  row.e2e_time_normalized = per_token(row.e2e_time, d);
  row.execution_time_normalized = per_token(row.execution_time, d);
  row.model_execution_time_normalized = per_token(row.model_execution_time, d);
  row.execution_plus_preemption_time_normalized = per_token(row.execution_plus_preemption_time, d);
  row.prefill_time_execution_plus_preemption_normalized =
      per_token(row.prefill_time_execution_plus_preemption, r.num_prefill_tokens());
  row.decode_time_execution_plus_preemption_normalized = per_token(row.decode_time_execution_plus_preemption, d);
}

}  // namespace

RequestRecord request_record(const Request& r, ReplicaId replica, std::optional<SimTime> previous_arrival) {
  RequestRecord row;
  row.request_id = r.id();
  row.replica_id = replica;
  row.num_prefill_tokens = r.num_original_prefill_tokens();
  row.num_decode_tokens = r.num_original_decode_tokens();
  row.num_tokens = row.num_prefill_tokens + row.num_decode_tokens;
  row.pd_ratio = static_cast<double>(row.num_prefill_tokens) / static_cast<double>(row.num_decode_tokens);
  row.arrived_at = r.arrived_at();
  if (previous_arrival) row.inter_arrival_delay = r.arrived_at() - *previous_arrival;
  if (replica < 0) return row;  // what another rank may have done to it is not known here
  row.num_restarts = r.num_restarts();
  row.completed = r.completed() ? 1 : 0;
  if (r.completed()) fill_completed(r, row);
  return row;
}

}  // namespace llmsim::llm
