// SPDX-License-Identifier: MIT
// LightLLM policy: token-level KV slots, admission by the worst-case future footprint (spec 4.7, 11 item 23).
#include <algorithm>

#include "llmsim/util/error.hpp"
#include "replica_schedulers.hpp"

namespace llmsim::llm::detail {

void LightLlmReplicaScheduler::do_on_batch_end(const Batch& batch) { free_completed_or_keep(batch, running_); }

// (tokens held now, tokens still to be generated) as LightLLM estimates them.
std::pair<std::int64_t, std::int64_t> LightLlmReplicaScheduler::footprint(const Request& r) const {
  if (r.scheduled()) {
    const std::int64_t decoded = std::max<std::int64_t>(0, r.num_processed_tokens() - r.num_prefill_tokens());
    return {r.num_processed_tokens(), std::max<std::int64_t>(0, r.num_decode_tokens() - decoded - 1)};
  }
  return {r.num_prefill_tokens() + 1, std::max<std::int64_t>(0, r.num_decode_tokens() - 2)};
}

bool LightLlmReplicaScheduler::can_allocate_request(const Request& r) {
  working_.push_back(footprint(r));  // kept even when rejected, as in Vidur
  std::stable_sort(working_.begin(), working_.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::int64_t cumulative = 0;
  std::int64_t need = 0;
  for (std::size_t i = 0; i < working_.size(); ++i) {
    cumulative += working_[i].first;
    need = std::max(need, working_[i].second * static_cast<std::int64_t>(i + 1) + cumulative);
  }
  return need < num_blocks();
}

std::optional<Batch> LightLlmReplicaScheduler::prefill_batch() {
  working_.clear();
  for (RequestId id : running_) working_.push_back(footprint(request(id)));
  std::vector<RequestId> ids;
  std::vector<std::int64_t> tokens;
  std::int64_t batch_tokens = 0;
  while (!request_queue_.empty()) {
    const Request& r = request(request_queue_.front());
    const std::int64_t n = r.num_prefill_tokens();
    if (batch_tokens + n > config().max_tokens_in_batch) break;
    if (static_cast<std::int64_t>(num_allocated_requests()) == config().batch_size_cap) break;
    if (static_cast<std::int64_t>(ids.size()) == max_micro_batch_size()) break;
    if (!can_allocate_request(r)) break;
    request_queue_.pop_front();
    allocate(r.id(), n);
    ids.push_back(r.id());
    tokens.push_back(n);
    batch_tokens += n;
  }
  if (ids.empty()) return std::nullopt;
  return make_batch(std::move(ids), std::move(tokens));
}

Batch LightLlmReplicaScheduler::decode_batch() {
  if (static_cast<std::int64_t>(running_.size()) > max_micro_batch_size()) {
    throw Error("lightllm: " + std::to_string(running_.size()) + " running requests exceed the micro-batch size " +
                std::to_string(max_micro_batch_size()) + " (Vidur asserts here); raise batch_size_cap");
  }
  std::vector<RequestId> ids(running_.begin(), running_.end());
  running_.clear();
  for (RequestId id : ids) allocate(id, 1);
  return make_batch(ids, std::vector<std::int64_t>(ids.size(), 1));
}

std::optional<Batch> LightLlmReplicaScheduler::get_next_batch() {
  if (running_.empty()) {
    std::optional<Batch> batch = prefill_batch();
    if (batch) num_waiting_iters_ = 0;
    return batch;
  }
  if (num_waiting_iters_ >= config().max_waiting_iters) {
    num_waiting_iters_ = 0;
    if (std::optional<Batch> batch = prefill_batch()) return batch;
  }
  if (can_allocate(static_cast<std::int64_t>(running_.size()))) {
    ++num_waiting_iters_;
    return decode_batch();
  }
  throw Error("lightllm: out of KV-cache slots with " + std::to_string(running_.size()) +
              " running requests; LightLLM (and Vidur) have no preemption for this case");
}

}  // namespace llmsim::llm::detail
