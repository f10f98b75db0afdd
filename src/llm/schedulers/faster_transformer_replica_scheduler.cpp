// SPDX-License-Identifier: MIT
// FasterTransformer policy: static batches iterate until every member finishes (spec 4.6).
#include <algorithm>

#include "replica_schedulers.hpp"

namespace llmsim::llm::detail {

void FasterTransformerReplicaScheduler::do_on_batch_end(const Batch& batch) {
  // Deliberate fix of spec 11 item 18: Vidur frees only when the whole static batch is done, and never frees
  // members that finished earlier (they were dropped from follow-up batches), leaking their blocks.
  std::vector<RequestId> unfinished;
  for (RequestId id : batch.requests) {
    if (request(id).completed()) {
      free(id);
    } else {
      unfinished.push_back(id);
    }
  }
  if (!unfinished.empty()) running_batches_.push_back(std::move(unfinished));
}

std::optional<Batch> FasterTransformerReplicaScheduler::get_next_batch() {
  std::vector<RequestId> ids;
  std::vector<std::int64_t> tokens;
  if (!running_batches_.empty()) {
    ids = std::move(running_batches_.front());
    running_batches_.pop_front();
    for (RequestId id : ids) tokens.push_back(next_tokens(request(id)));
    return make_batch(std::move(ids), std::move(tokens));
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
