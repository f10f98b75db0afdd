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
  admit_with_full_reservation(ids, tokens);
  if (ids.empty()) return std::nullopt;
  return make_batch(std::move(ids), std::move(tokens));
}

}  // namespace llmsim::llm::detail
