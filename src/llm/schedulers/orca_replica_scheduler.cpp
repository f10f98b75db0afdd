// SPDX-License-Identifier: MIT
// Orca policy: running requests first, then new prompts while max_tokens-sized reservations fit (spec 4.5).
#include "replica_schedulers.hpp"

namespace llmsim::llm::detail {

void OrcaReplicaScheduler::do_on_batch_end(const Batch& batch) {
  for (RequestId id : batch.requests) {
    if (request(id).completed()) {
      free(id);
    } else {
      running_.push_back(id);
    }
  }
}

std::optional<Batch> OrcaReplicaScheduler::get_next_batch() {
  std::vector<RequestId> ids;
  std::vector<std::int64_t> tokens;
  while (!running_.empty() && static_cast<std::int64_t>(ids.size()) < max_batch_size()) {
    ids.push_back(running_.front());
    tokens.push_back(next_tokens(request(running_.front())));
    running_.pop_front();
  }
  while (!request_queue_.empty() && static_cast<std::int64_t>(ids.size()) < max_batch_size() &&
         can_allocate(max_blocks_per_sequence())) {
    const RequestId id = request_queue_.front();
    request_queue_.pop_front();
    allocate(id, max_blocks_per_sequence());
    ids.push_back(id);
    tokens.push_back(next_tokens(request(id)));
  }
  if (ids.empty()) return std::nullopt;
  return make_batch(std::move(ids), std::move(tokens));
}

}  // namespace llmsim::llm::detail
