// SPDX-License-Identifier: MIT
// Memory admission and preemption shared by vLLM and Sarathi (Vidur vllm_replica_scheduler.py; spec 4.3, 11.21-22).
#include <algorithm>

#include "llmsim/util/assert.hpp"
#include "replica_schedulers.hpp"

namespace llmsim::llm::detail {

bool PagedReplicaScheduler::can_allocate_request(const Request& r) const {
  if (!is_allocated(r.id())) {
    const std::int64_t needed = (r.num_prefill_tokens() + config().block_size - 1) / config().block_size;
    return num_blocks() - num_allocated_blocks() - needed >= watermark_blocks();
  }
  // A running request needs one free block even when it needs no new block this iteration (spec 11 item 21).
  return can_allocate(1);
}

void PagedReplicaScheduler::allocate_request(const Request& r) {
  if (!is_allocated(r.id())) {
    allocate(r.id(), (r.num_prefill_tokens() + config().block_size - 1) / config().block_size);
    return;
  }
  const std::int64_t reserved = allocated_blocks(r.id()) * config().block_size;
  const std::int64_t need = std::max<std::int64_t>(0, r.num_processed_tokens() - reserved);
  LLMSIM_ASSERT(need <= 1, "a running request outgrew its blocks by more than one token");
  if (need == 1) allocate(r.id(), 1);
}

void PagedReplicaScheduler::restart(RequestId id) {
  request(id).restart();
  free(id);
  request_queue_.push_front(id);
}

bool PagedReplicaScheduler::admit_running(RequestId id) {
  while (!can_allocate_request(request(id))) {
    if (running_.empty()) {
      restart(id);
      return false;
    }
    const RequestId victim = running_.back();
    running_.pop_back();
    restart(victim);
  }
  allocate_request(request(id));
  return true;
}

void PagedReplicaScheduler::do_on_batch_end(const Batch& batch) { free_completed_or_keep(batch, running_); }

void PagedReplicaScheduler::do_hand_off(RequestId id) {
  const auto it = std::find(running_.begin(), running_.end(), id);
  LLMSIM_ASSERT(it != running_.end(), "handing off a request that is not running");
  running_.erase(it);
}

bool PagedReplicaScheduler::do_reserve_transfer(RequestId id) {
  // The admission rule of a new prompt (its blocks plus the watermark); decodes then grow it block by block.
  if (!can_allocate_request(request(id))) return false;
  allocate_request(request(id));
  return true;
}

void PagedReplicaScheduler::sort_running_by_arrival() {
  const auto earlier = [this](RequestId a, RequestId b) { return request(a).arrived_at() < request(b).arrived_at(); };
  // Usually in order already; a stable sort leaves a sorted list as it is, without allocating its buffer.
  if (!std::is_sorted(running_.begin(), running_.end(), earlier)) {
    std::stable_sort(running_.begin(), running_.end(), earlier);
  }
}

}  // namespace llmsim::llm::detail
