// SPDX-License-Identifier: MIT
// Per-replica metric accumulation (Vidur MetricsStore hooks for one replica; spec 8.1, 8.2).
#include "llmsim/llm/replica_metrics.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

namespace llmsim::llm {

namespace {

bool same_state(const TimeSeriesRecord& a, const TimeSeriesRecord& b) {
  return a.queue_length == b.queue_length && a.running_requests == b.running_requests &&
         a.kv_blocks_used == b.kv_blocks_used;
}

// Moves `rows` to the end of `out` and leaves `rows` empty; the first replica's rows are taken whole (no copy into
// freshly allocated pages: on a one-replica run the copy was a tenth of the run's page faults).
template <typename Row>
void append_rows(std::vector<Row>& out, std::vector<Row>& rows) {
  if (out.empty()) {
    out.swap(rows);
  } else {
    out.insert(out.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  std::vector<Row>().swap(rows);
}

}  // namespace

ReplicaMetrics::ReplicaMetrics(ReplicaId replica, int num_stages, const MetricsConfig& config)
    : replica_(replica),
      keep_batches_(config.store_batch_metrics),
      keep_batch_stages_(config.enable_chrome_trace),
      keep_tokens_(config.store_token_completion_metrics),
      keep_time_series_(config.store_time_series),
      stages_(static_cast<std::size_t>(num_stages)) {}

void ReplicaMetrics::on_memory_sample(double percent) {
  memory_sum_ += percent;
  ++memory_samples_;
  memory_peak_ = std::max(memory_peak_, percent);
}

void ReplicaMetrics::on_stage_start(int stage, SimTime start, SimTime duration, double mfu_percent,
                                    const Batch& batch, const ExecutionTime& time) {
  time.add_stage_ms(operator_ms_);
  StageAccumulator& s = stages_[static_cast<std::size_t>(stage)];
  ++s.count;
  s.busy += duration;
  if (s.first_start < 0) s.first_start = start;
  s.last_end = start + duration;
  s.mfu_time_weighted += mfu_percent * static_cast<double>(duration);
  if (keep_batch_stages_) {
    batch_stages_.push_back(
        BatchStageRecord{replica_, stage, batch.index, start, duration, batch.requests, batch.num_tokens});
  }
}

void ReplicaMetrics::on_batch_end(const Batch& batch, SimTime end) {
  ++num_batches_;
  batch_requests_ += static_cast<std::int64_t>(batch.size());
  batch_tokens_ += batch.total_num_tokens;
  if (!keep_batches_) return;
  batches_.push_back(BatchRecord{replica_, batch.index, batch.scheduled_at, end, end - batch.scheduled_at,
                                 static_cast<std::int32_t>(batch.size()), batch.total_num_tokens,
                                 batch.num_prefill_tokens, batch.num_decode_tokens});
}

void ReplicaMetrics::on_request_iteration_end(const Request& request, SimTime t) {
  // After the prefill completes, every iteration yields one token; processed tokens beyond the original prompt
  // count the tokens produced so far, across restarts (a restart's recompute ends with the next new token).
  if (!keep_tokens_ || !request.is_prefill_complete()) return;
  const std::int64_t index = request.num_processed_tokens() - request.num_original_prefill_tokens() - 1;
  tokens_.push_back(TokenRecord{request.id(), t, static_cast<std::int32_t>(index), 0});
}

void ReplicaMetrics::on_state(SimTime t, std::size_t queue_length, std::int64_t running_requests,
                              std::int64_t kv_blocks_used) {
  if (!keep_time_series_) return;
  const TimeSeriesRecord row{replica_, static_cast<std::int32_t>(queue_length), t, running_requests, kv_blocks_used};
  // Several rounds at one instant: only the state after the last one counts.
  if (!time_series_.empty() && time_series_.back().time == t) time_series_.pop_back();
  if (!time_series_.empty() && same_state(time_series_.back(), row)) return;
  time_series_.push_back(row);
}

void ReplicaMetrics::finish(std::int64_t num_blocks, SimulationResults& out) {
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    const StageAccumulator& s = stages_[i];
    ReplicaStageRecord row{replica_, static_cast<std::int32_t>(i), s.count, s.busy, s.first_start, s.last_end, 0, 0};
    const SimTime window = s.last_end - s.first_start;
    if (s.count > 0 && window > 0) {
      row.busy_time_percent = 100.0 * static_cast<double>(s.busy) / static_cast<double>(window);
      row.mfu_percent = s.mfu_time_weighted / static_cast<double>(window);
    }
    out.replica_stages.push_back(row);
  }
  const double batches = num_batches_ > 0 ? static_cast<double>(num_batches_) : 1.0;
  out.replicas.push_back(ReplicaRecord{replica_, num_blocks, num_requests_, num_batches_,
                                       static_cast<double>(batch_requests_) / batches,
                                       static_cast<double>(batch_tokens_) / batches,
                                       memory_sum_ / static_cast<double>(memory_samples_), memory_peak_});
  for (int op = 0; op < kNumOps; ++op) {
    for (int source = 0; source < kNumSources; ++source) {
      const double ms = operator_ms_[static_cast<std::size_t>(op)][static_cast<std::size_t>(source)];
      if (ms != 0) out.operator_times.push_back(OperatorTimeRecord{replica_, op, source, 0, ms});
    }
  }
  append_rows(out.batches, batches_);
  append_rows(out.batch_stages, batch_stages_);
  append_rows(out.tokens, tokens_);
  append_rows(out.time_series, time_series_);
}

}  // namespace llmsim::llm
