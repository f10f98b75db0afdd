// SPDX-License-Identifier: MIT
// Common replica-scheduler bookkeeping (Vidur base_replica_scheduler.py; spec 4.1).
#include "llmsim/llm/replica_scheduler.hpp"

#include <algorithm>
#include <cstdlib>

#include "llmsim/llm/memory_planner.hpp"
#include "llmsim/util/assert.hpp"

namespace llmsim::llm {

ReplicaScheduler::ReplicaScheduler(const ReplicaSchedulerConfig& config, const ReplicaConfig& replica,
                                   std::int64_t max_request_tokens, RequestStore& requests)
    : config_(config),
      requests_(requests),
      num_stages_(replica.num_pipeline_stages),
      plan_(plan_replica(replica, config, max_request_tokens)) {}

std::vector<Batch> ReplicaScheduler::on_schedule() {
  std::vector<Batch> batches;
  while (num_running_batches_ < num_stages_) {
    std::optional<Batch> batch = get_next_batch();
    if (!batch) break;
    batches.push_back(std::move(*batch));
    ++num_running_batches_;
  }
  return batches;
}

void ReplicaScheduler::on_batch_end(const Batch& batch) {
  --num_running_batches_;
  LLMSIM_ASSERT(num_running_batches_ >= 0, "batch ended that was never scheduled");
  do_on_batch_end(batch);
}

double ReplicaScheduler::memory_usage_percent() const {
  return static_cast<double>(num_allocated_blocks()) * 100.0 / static_cast<double>(plan_.num_blocks);
}

void ReplicaScheduler::allocate(RequestId id, std::int64_t num_blocks) {
  num_allocated_blocks_ += num_blocks;
  allocation_map_[id] += num_blocks;
  LLMSIM_ASSERT(num_allocated_blocks_ <= plan_.num_blocks, "allocated more KV blocks than exist");
}

void ReplicaScheduler::free(RequestId id) {
  const auto it = allocation_map_.find(id);
  LLMSIM_ASSERT(it != allocation_map_.end(), "freeing a request that holds no blocks");
  num_allocated_blocks_ -= it->second;
  allocation_map_.erase(it);
  LLMSIM_ASSERT(num_allocated_blocks_ >= 0, "negative allocated block count");
}

std::int64_t ReplicaScheduler::allocated_blocks(RequestId id) const {
  const auto it = allocation_map_.find(id);
  return it == allocation_map_.end() ? 0 : it->second;
}

void ReplicaScheduler::free_completed_or_keep(const Batch& batch, std::deque<RequestId>& running) {
  for (RequestId id : batch.requests) {
    if (request(id).completed()) {
      free(id);
    } else {
      running.push_back(id);
    }
  }
}

void ReplicaScheduler::admit_with_full_reservation(std::vector<RequestId>& ids, std::vector<std::int64_t>& tokens) {
  while (!request_queue_.empty() && static_cast<std::int64_t>(ids.size()) < max_batch_size() &&
         can_allocate(max_blocks_per_sequence())) {
    const RequestId id = request_queue_.front();
    request_queue_.pop_front();
    allocate(id, max_blocks_per_sequence());
    ids.push_back(id);
    tokens.push_back(next_tokens(request(id)));
  }
}

namespace {
// The config loader lets only vllm, sarathi and vllm_v1 serve prefill and decode pools.
[[noreturn]] void no_disaggregation() {
  LLMSIM_ASSERT(false, "this replica scheduler cannot serve a prefill or decode pool");
  std::abort();
}
}  // namespace

void ReplicaScheduler::do_hand_off(RequestId) { no_disaggregation(); }
void ReplicaScheduler::do_release_handed_off(RequestId) { no_disaggregation(); }
bool ReplicaScheduler::do_reserve_transfer(RequestId) { no_disaggregation(); }
void ReplicaScheduler::do_add_transferred(RequestId) { no_disaggregation(); }

std::int64_t ReplicaScheduler::next_tokens(const Request& r) const {
  LLMSIM_ASSERT(!r.completed(), "asked for the next tokens of a completed request");
  return r.is_prefill_complete() ? 1 : r.num_prefill_tokens();
}

}  // namespace llmsim::llm
