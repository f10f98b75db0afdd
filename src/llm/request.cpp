// SPDX-License-Identifier: MIT
// Request transitions (Vidur vidur/entities/request.py; spec section 3.2).
#include "llmsim/llm/request.hpp"

#include "llmsim/util/assert.hpp"

namespace llmsim::llm {

Request::Request(RequestId id, const RequestSpec& spec)
    : id_(id),
      arrived_at_(spec.arrived_at),
      num_prefill_tokens_(spec.num_prefill_tokens),
      num_decode_tokens_(spec.num_decode_tokens),
      original_prefill_tokens_(spec.num_prefill_tokens),
      original_decode_tokens_(spec.num_decode_tokens),
      content_(spec.content) {
  LLMSIM_ASSERT(spec.num_prefill_tokens > 0 && spec.num_decode_tokens > 0, "request needs p > 0 and d > 0");
}

void Request::on_batch_schedule(SimTime t) {
  latest_iteration_scheduling_delay_ = t - latest_iteration_completed_at_;
  if (scheduled_) return;
  scheduled_ = true;
  if (num_restarts_ > 0) return;  // keep the first attempt's scheduled_at / scheduling_delay
  scheduled_at_ = t;
  scheduling_delay_ = t - arrived_at_;
}

void Request::on_batch_stage_schedule(SimTime t) {
  if (has_completed_stage_) {
    preempted_time_ += t - latest_stage_completed_at_;
  } else {
    preempted_time_ = 0;
  }
}

void Request::on_batch_stage_end(SimTime t, SimTime execution_time, SimTime model_execution_time) {
  execution_time_ += execution_time;
  model_execution_time_ += model_execution_time;
  latest_stage_completed_at_ = t;
  has_completed_stage_ = true;
}

void Request::on_batch_end(SimTime t, std::int64_t tokens) {
  num_processed_tokens_ += tokens;
  latest_iteration_completed_at_ = t;
  LLMSIM_ASSERT(num_processed_tokens_ <= num_total_tokens(), "request processed more tokens than it has");
  if (num_processed_tokens_ == num_prefill_tokens_) {
    is_prefill_complete_ = true;
    num_processed_tokens_ += 1;  // the prefill iteration also produces the first output token
    if (!has_completed_prefill_) {
      has_completed_prefill_ = true;
      prefill_completed_at_ = t;
    }
  }
  if (num_processed_tokens_ == num_total_tokens()) {
    completed_at_ = t;
    completed_ = true;
  }
}

void Request::restart() {
  const std::int64_t total = num_total_tokens();
  num_prefill_tokens_ = num_processed_tokens_;
  num_decode_tokens_ = total - num_prefill_tokens_;
  reset_progress();
}

void Request::recompute_from_scratch() {
  if (is_prefill_complete_) {
    restart();
    return;
  }
  reset_progress();  // its prompt stays its prompt
}

void Request::reset_progress() {
  num_processed_tokens_ = 0;
  scheduled_ = false;
  completed_ = false;
  is_prefill_complete_ = false;
  ++num_restarts_;
}

PrefillHandoff Request::prefill_handoff() const {
  LLMSIM_ASSERT(is_prefill_complete_ && !completed_, "a request hands over after its prefill, before completing");
  return PrefillHandoff{num_prefill_tokens_,  num_restarts_,        num_cached_tokens_, scheduled_at_,
                        execution_time_,      model_execution_time_, preempted_time_,    prefill_completed_at_};
}

void Request::resume_after_prefill(const PrefillHandoff& h) {
  const std::int64_t total = num_total_tokens();
  LLMSIM_ASSERT(h.num_prefill_tokens > 0 && h.num_prefill_tokens < total, "handoff with an impossible prompt");
  num_prefill_tokens_ = h.num_prefill_tokens;
  num_decode_tokens_ = total - h.num_prefill_tokens;
  num_processed_tokens_ = h.num_prefill_tokens + 1;  // the prefill produced the first output token
  num_restarts_ = static_cast<int>(h.num_restarts);
  num_cached_tokens_ = h.num_cached_tokens;
  scheduled_at_ = h.scheduled_at;
  scheduling_delay_ = h.scheduled_at - arrived_at_;
  execution_time_ = h.execution_time;
  model_execution_time_ = h.model_execution_time;
  preempted_time_ = h.preempted_time;
  prefill_completed_at_ = h.prefill_completed_at;
  latest_stage_completed_at_ = h.prefill_completed_at;
  latest_iteration_completed_at_ = h.prefill_completed_at;
  scheduled_ = true;
  completed_ = false;
  is_prefill_complete_ = true;
  has_completed_stage_ = true;
  has_completed_prefill_ = true;
}

void Request::skip_cached_tokens(std::int64_t tokens) {
  LLMSIM_ASSERT(num_processed_tokens_ == 0 && tokens >= 0 && tokens < num_prefill_tokens_,
                "cached tokens skip part of a prompt that has not started");
  num_processed_tokens_ = tokens;
  num_cached_tokens_ += tokens;
}

}  // namespace llmsim::llm
