// SPDX-License-Identifier: MIT
// vLLM policy: prefill-only batches of new prompts under a padded token budget, else decodes (spec 4.3).
#include <algorithm>

#include "replica_schedulers.hpp"

namespace llmsim::llm::detail {

std::optional<Batch> VllmReplicaScheduler::get_next_batch() {
  std::vector<RequestId> ids;
  std::vector<std::int64_t> tokens;
  std::int64_t max_tokens = 0;
  while (!request_queue_.empty()) {
    const Request& r = request(request_queue_.front());
    const std::int64_t n = ReplicaScheduler::next_tokens(r);
    if (!can_allocate_request(r)) break;
    const std::int64_t padded = static_cast<std::int64_t>(ids.size() + 1) * std::max(max_tokens, n);
    if (padded > config().max_tokens_in_batch) break;
    if (static_cast<std::int64_t>(num_allocated_requests()) == config().batch_size_cap) break;
    if (static_cast<std::int64_t>(ids.size()) == max_micro_batch_size()) break;
    request_queue_.pop_front();
    allocate_request(r);
    ids.push_back(r.id());
    tokens.push_back(n);
    max_tokens = std::max(max_tokens, n);
  }
  if (!ids.empty()) return make_batch(std::move(ids), std::move(tokens));

  sort_running_by_arrival();
  while (!running_.empty()) {
    if (static_cast<std::int64_t>(ids.size()) == max_micro_batch_size()) break;
    const RequestId id = running_.front();
    running_.pop_front();
    if (admit_running(id)) {
      ids.push_back(id);
      tokens.push_back(ReplicaScheduler::next_tokens(request(id)));
    }
  }
  if (ids.empty()) return std::nullopt;
  return make_batch(std::move(ids), std::move(tokens));
}

}  // namespace llmsim::llm::detail
