// SPDX-License-Identifier: MIT
// Sarathi-Serve policy: hybrid batches of decodes, ongoing prefill chunks, then new prompts (spec 4.4).
#include <algorithm>

#include "replica_schedulers.hpp"

namespace llmsim::llm::detail {

std::int64_t SarathiReplicaScheduler::next_tokens(const Request& r, std::int64_t batch_tokens) const {
  if (r.is_prefill_complete()) return 1;
  return std::max<std::int64_t>(
      0, std::min<std::int64_t>(r.num_prefill_tokens() - r.num_processed_tokens(), config().chunk_size - batch_tokens));
}

std::optional<Batch> SarathiReplicaScheduler::get_next_batch() {
  std::vector<RequestId> ids;
  std::vector<std::int64_t> tokens;
  // Room for every running and queued request up to the cap: one allocation each instead of a growth series.
  const std::size_t most = std::min(running_.size() + request_queue_.size(),
                                    static_cast<std::size_t>(std::max<std::int64_t>(max_micro_batch_size(), 1)));
  ids.reserve(most);
  tokens.reserve(most);
  std::int64_t batch_tokens = 0;
  const auto add = [&](RequestId id, std::int64_t n) {
    ids.push_back(id);
    tokens.push_back(n);
    batch_tokens += n;
  };
  // 1. Running decodes in current list order (not re-sorted here); decodes ignore the chunk budget.
  std::vector<RequestId> running_prefills;
  while (!running_.empty()) {
    if (static_cast<std::int64_t>(ids.size()) == max_micro_batch_size()) break;
    const RequestId id = running_.front();
    running_.pop_front();
    if (!request(id).is_prefill_complete()) {
      running_prefills.push_back(id);
    } else if (admit_running(id)) {
      add(id, 1);
    }
  }
  // 2. Ongoing prefills already hold their blocks; the micro-batch cap is not checked here (spec 11 item 20).
  std::vector<RequestId> skipped;
  for (RequestId id : running_prefills) {
    const std::int64_t n = next_tokens(request(id), batch_tokens);
    if (n == 0) {
      skipped.push_back(id);
    } else {
      add(id, n);
    }
  }
  running_.insert(running_.begin(), skipped.begin(), skipped.end());
  sort_running_by_arrival();
  // 3. New or restarted requests from the head of the queue.
  while (!request_queue_.empty()) {
    if (static_cast<std::int64_t>(num_allocated_requests()) == config().batch_size_cap) break;
    if (static_cast<std::int64_t>(ids.size()) == max_micro_batch_size()) break;
    const Request& r = request(request_queue_.front());
    if (!can_allocate_request(r)) break;
    const std::int64_t n = next_tokens(r, batch_tokens);
    if (n == 0) break;
    request_queue_.pop_front();
    allocate_request(r);
    add(r.id(), n);
  }
  if (ids.empty()) return std::nullopt;
  return make_batch(std::move(ids), std::move(tokens));
}

}  // namespace llmsim::llm::detail
