// SPDX-License-Identifier: MIT
// Orca policy: running requests first, then new prompts while max_tokens-sized reservations fit (spec 4.5).
#include "replica_schedulers.hpp"

namespace llmsim::llm::detail {

void OrcaReplicaScheduler::do_on_batch_end(const Batch& batch) { free_completed_or_keep(batch, running_); }

std::optional<Batch> OrcaReplicaScheduler::get_next_batch() {
  std::vector<RequestId> ids;
  std::vector<std::int64_t> tokens;
  while (!running_.empty() && static_cast<std::int64_t>(ids.size()) < max_batch_size()) {
    ids.push_back(running_.front());
    tokens.push_back(next_tokens(request(running_.front())));
    running_.pop_front();
  }
  admit_with_full_reservation(ids, tokens);
  if (ids.empty()) return std::nullopt;
  return make_batch(std::move(ids), std::move(tokens));
}

}  // namespace llmsim::llm::detail
