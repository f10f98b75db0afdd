// SPDX-License-Identifier: MIT
// Request: one inference request and its life-cycle bookkeeping (Vidur `Request`, spec section 3.2).
#pragma once

#include <cstdint>

#include "llmsim/util/sim_time.hpp"

namespace llmsim::llm {

using RequestId = std::int64_t;
using ReplicaId = std::int32_t;

/// What a request's tokens are, as far as KV-cache reuse can tell: position i < prefix_tokens holds token i of
/// the shared prefix `prefix_key` (a system prompt family); the rest, prompt then output, holds token
/// i - prefix_tokens of the stream `stream_key` (a session: each turn's prompt is the history of the previous
/// ones). Key 0 means "unique to this request". Equal keys and positions mean equal tokens (docs/prefix-caching.md).
struct TokenContent {
  std::uint64_t prefix_key = 0;
  std::int64_t prefix_tokens = 0;
  std::uint64_t stream_key = 0;

  bool operator==(const TokenContent&) const = default;
};

/// A request's arrival and size, as produced by a request generator.
struct RequestSpec {
  RequestSpec() = default;
  RequestSpec(SimTime arrived, std::int64_t prefill, std::int64_t decode, TokenContent tokens = {})
      : arrived_at(arrived), num_prefill_tokens(prefill), num_decode_tokens(decode), content(tokens) {}

  SimTime arrived_at = 0;
  std::int64_t num_prefill_tokens = 0;
  std::int64_t num_decode_tokens = 0;
  TokenContent content;
};

/// What a request carries from the replica that ran its prefill to the one that decodes it (disaggregated pools):
/// the state its decode iterations and its metrics continue from.
struct PrefillHandoff {
  std::int64_t num_prefill_tokens = 0;  ///< after restarts (Vidur's restart moves the prefill/decode split)
  std::int64_t num_restarts = 0;
  std::int64_t num_cached_tokens = 0;
  SimTime scheduled_at = 0;
  SimTime execution_time = 0;
  SimTime model_execution_time = 0;
  SimTime preempted_time = 0;
  SimTime prefill_completed_at = 0;

  bool operator==(const PrefillHandoff&) const = default;
};

/// Mutable state of one request. Transition functions follow Vidur's exactly, including restart() rewriting
/// the prefill/decode split. All times are SimTime (ns).
class Request {
 public:
  Request(RequestId id, const RequestSpec& spec);

  void on_batch_schedule(SimTime t);
  void on_batch_stage_schedule(SimTime t);
  void on_batch_stage_end(SimTime t, SimTime execution_time, SimTime model_execution_time);
  /// `tokens`: tokens processed for this request in the finished batch.
  void on_batch_end(SimTime t, std::int64_t tokens);
  /// Preemption by recompute, Vidur's rule: all tokens seen so far become the new prompt (also in the middle of
  /// a chunked prefill, where that shortens the prompt: Vidur's behaviour, kept for its schedulers).
  void restart();
  /// Preemption by recompute, vLLM v1's rule: after the prefill as restart(); during it, the prompt stays.
  void recompute_from_scratch();
  /// The state a decode replica continues from, once the prefill is complete (and the request is not).
  PrefillHandoff prefill_handoff() const;
  /// Continues on this copy of the request from another replica's prefill: as if this copy had run it.
  void resume_after_prefill(const PrefillHandoff& h);
  /// The first `tokens` prompt tokens are already in the KV cache (a prefix-cache hit at admission): they count as
  /// processed without being computed. Only before the request's prefill has started.
  void skip_cached_tokens(std::int64_t tokens);

  RequestId id() const { return id_; }
  SimTime arrived_at() const { return arrived_at_; }
  std::int64_t num_prefill_tokens() const { return num_prefill_tokens_; }
  std::int64_t num_decode_tokens() const { return num_decode_tokens_; }
  std::int64_t num_original_prefill_tokens() const { return original_prefill_tokens_; }
  std::int64_t num_original_decode_tokens() const { return original_decode_tokens_; }
  std::int64_t num_processed_tokens() const { return num_processed_tokens_; }
  /// Tokens whose keys and values are in the KV cache (the token produced by the last iteration is not yet).
  std::int64_t num_kv_tokens() const { return num_processed_tokens_ - (is_prefill_complete_ ? 1 : 0); }
  const TokenContent& content() const { return content_; }
  /// Prompt tokens found in a prefix cache over all admissions (first and after restarts).
  std::int64_t num_cached_tokens() const { return num_cached_tokens_; }
  std::int64_t num_total_tokens() const { return num_prefill_tokens_ + num_decode_tokens_; }
  bool is_prefill_complete() const { return is_prefill_complete_; }
  bool completed() const { return completed_; }
  bool scheduled() const { return scheduled_; }
  int num_restarts() const { return num_restarts_; }
  SimTime scheduled_at() const { return scheduled_at_; }
  SimTime scheduling_delay() const { return scheduling_delay_; }
  SimTime prefill_completed_at() const { return prefill_completed_at_; }
  SimTime completed_at() const { return completed_at_; }
  SimTime execution_time() const { return execution_time_; }
  SimTime model_execution_time() const { return model_execution_time_; }
  SimTime preempted_time() const { return preempted_time_; }
  SimTime latest_iteration_scheduling_delay() const { return latest_iteration_scheduling_delay_; }

 private:
  void reset_progress();

  RequestId id_;
  SimTime arrived_at_;
  std::int64_t num_prefill_tokens_;
  std::int64_t num_decode_tokens_;
  std::int64_t original_prefill_tokens_;
  std::int64_t original_decode_tokens_;
  TokenContent content_;
  std::int64_t num_processed_tokens_ = 0;
  std::int64_t num_cached_tokens_ = 0;
  SimTime scheduled_at_ = 0;
  SimTime execution_time_ = 0;
  SimTime model_execution_time_ = 0;
  SimTime scheduling_delay_ = 0;
  SimTime preempted_time_ = 0;
  SimTime completed_at_ = 0;
  SimTime prefill_completed_at_ = 0;
  SimTime latest_stage_completed_at_ = 0;
  SimTime latest_iteration_completed_at_ = 0;
  SimTime latest_iteration_scheduling_delay_ = 0;
  bool scheduled_ = false;
  bool completed_ = false;
  bool is_prefill_complete_ = false;
  bool has_completed_stage_ = false;
  bool has_completed_prefill_ = false;
  int num_restarts_ = 0;
};

}  // namespace llmsim::llm
