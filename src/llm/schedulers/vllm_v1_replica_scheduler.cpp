// SPDX-License-Identifier: MIT
// vLLM v1's FCFS scheduling step and prefix caching (vllm/v1/core/sched/scheduler.py schedule(),
// vllm/v1/core/kv_cache_manager.py, block_pool.py; rule by rule in docs/vllm-v1.md).
#include <algorithm>
#include <cctype>

#include "llmsim/llm/block_hash.hpp"
#include "llmsim/util/assert.hpp"
#include "replica_schedulers.hpp"

namespace llmsim::llm {

VllmV1Limits vllm_v1_default_limits(const DeviceSpec& device) {
  std::string name = device.name;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool large = device.total_memory_gb >= 70 && name.find("a100") == std::string::npos;
  return large ? VllmV1Limits{8192, 1024} : VllmV1Limits{2048, 256};
}

}  // namespace llmsim::llm

namespace llmsim::llm::detail {

VllmV1ReplicaScheduler::VllmV1ReplicaScheduler(const ReplicaSchedulerConfig& config, const ReplicaConfig& replica,
                                               std::int64_t max_request_tokens, RequestStore& requests)
    : ReplicaScheduler(config, replica, max_request_tokens, requests),
      max_num_batched_tokens_(
          config.max_num_batched_tokens.value_or(vllm_v1_default_limits(replica.device).max_num_batched_tokens)),
      max_num_seqs_(config.max_num_seqs.value_or(vllm_v1_default_limits(replica.device).max_num_seqs)),
      pool_(num_blocks(), config.enable_prefix_caching) {}

std::optional<PrefixCacheStats> VllmV1ReplicaScheduler::prefix_cache_stats() const {
  if (!config().enable_prefix_caching) return std::nullopt;
  PrefixCacheStats s = stats_;
  s.evictions = pool_.num_evictions();
  return s;
}

std::optional<Batch> VllmV1ReplicaScheduler::get_next_batch() {
  std::int64_t budget = max_num_batched_tokens_;
  std::vector<RequestId> ids;
  std::vector<std::int64_t> tokens;
  const auto add = [&](RequestId id, std::int64_t n) {
    ids.push_back(id);
    tokens.push_back(n);
    budget -= n;
  };
  // 1. Running requests in admission order: a decode token or the next prefill chunk each. When blocks run out,
  //    the newest running request is preempted (recomputed later), possibly the one being scheduled.
  bool preempted = false;
  for (std::size_t i = 0; i < running_.size() && budget > 0; ++i) {
    const RequestId id = running_[i];
    if (in_flight_.contains(id)) continue;
    const Request& r = request(id);
    const std::int64_t n =
        r.is_prefill_complete() ? 1 : std::min(r.num_prefill_tokens() - r.num_processed_tokens(), budget);
    bool self = false;
    while (!allocate_slots(id, r.num_kv_tokens() + n, {})) {
      auto victim = std::find_if(running_.rbegin(), running_.rend(),
                                 [this](RequestId v) { return !in_flight_.contains(v); });
      LLMSIM_ASSERT(victim != running_.rend(), "no running request to preempt");
      const RequestId v = *victim;
      preempt(v);
      preempted = true;
      if (v == id) {
        self = true;
        break;
      }
    }
    if (self) break;
    cache_full_blocks(id, r.num_kv_tokens() + n);
    add(id, n);
  }
  // 2. Waiting requests, first come first served, only in a step without preemption: each takes its cached prefix
  //    and as much of the rest as the budget allows; admission stops at the first that does not fit.
  while (!preempted && !request_queue_.empty() && budget > 0 &&
         static_cast<std::int64_t>(running_.size()) < max_num_seqs_) {
    const RequestId id = request_queue_.front();
    Request& r = request(id);
    const std::vector<BlockId> hits = lookup(id);
    const std::int64_t cached = static_cast<std::int64_t>(hits.size()) * config().block_size;
    const std::int64_t n = std::min(r.num_prefill_tokens() - cached, budget);
    if (!allocate_slots(id, cached + n, hits)) break;
    request_queue_.pop_front();
    running_.push_back(id);
    if (r.num_restarts() == 0) {
      ++stats_.lookups;
      stats_.lookup_tokens += r.num_prefill_tokens();
      stats_.hit_tokens += cached;
    } else {
      stats_.resumed_lookup_tokens += r.num_prefill_tokens();
      stats_.resumed_hit_tokens += cached;
    }
    if (cached > 0) r.skip_cached_tokens(cached);
    cache_full_blocks(id, cached + n);
    add(id, n);
  }
  if (ids.empty()) return std::nullopt;
  in_flight_.insert(ids.begin(), ids.end());
  return make_batch(std::move(ids), std::move(tokens));
}

std::vector<BlockId> VllmV1ReplicaScheduler::lookup(RequestId id) {
  std::vector<BlockId> hits;
  if (!config().enable_prefix_caching) return hits;
  const Request& r = request(id);
  Held& h = held_[id];
  extend_block_hashes(h.hashes, r.content(), id, r.num_prefill_tokens(), config().block_size);
  // At least the prompt's last token is computed, so at most (L - 1) / B blocks can hit.
  const auto max_hits = static_cast<std::size_t>((r.num_prefill_tokens() - 1) / config().block_size);
  for (std::size_t b = 0; b < max_hits; ++b) {
    const BlockId block = pool_.find(h.hashes[b]);
    if (block < 0) break;
    hits.push_back(block);
  }
  return hits;
}

bool VllmV1ReplicaScheduler::allocate_slots(RequestId id, std::int64_t tokens, const std::vector<BlockId>& hits) {
  Held& h = held_[id];
  const std::int64_t block = config().block_size;
  const std::int64_t held = static_cast<std::int64_t>(h.blocks.size() + hits.size());
  const std::int64_t fresh = std::max<std::int64_t>(0, (tokens + block - 1) / block - held);
  // Hits on unreferenced cached blocks take them out of the free queue, so they count against it too.
  const auto revived = std::count_if(hits.begin(), hits.end(), [this](BlockId b) { return pool_.is_free(b); });
  if (fresh + revived > pool_.num_free()) return false;
  for (BlockId b : hits) {
    pool_.touch(b);
    h.blocks.push_back(b);
  }
  h.num_cached = std::max(h.num_cached, hits.size());
  for (std::int64_t i = 0; i < fresh; ++i) h.blocks.push_back(pool_.allocate());
  return true;
}

void VllmV1ReplicaScheduler::cache_full_blocks(RequestId id, std::int64_t tokens) {
  if (!config().enable_prefix_caching) return;
  Held& h = held_[id];
  const Request& r = request(id);
  extend_block_hashes(h.hashes, r.content(), id, tokens, config().block_size);
  const auto full = static_cast<std::size_t>(tokens / config().block_size);
  for (; h.num_cached < full; ++h.num_cached) pool_.cache(h.blocks[h.num_cached], h.hashes[h.num_cached]);
}

void VllmV1ReplicaScheduler::free_request(RequestId id) {
  const auto it = held_.find(id);
  if (it == held_.end()) return;
  // The tail first, so that a prefix outlives the blocks after it in the LRU order.
  for (auto b = it->second.blocks.rbegin(); b != it->second.blocks.rend(); ++b) pool_.release(*b);
  held_.erase(it);
}

void VllmV1ReplicaScheduler::preempt(RequestId id) {
  running_.erase(std::find(running_.begin(), running_.end(), id));
  free_request(id);
  request(id).recompute_from_scratch();
  request_queue_.push_front(id);
}

void VllmV1ReplicaScheduler::do_on_batch_end(const Batch& batch) {
  for (RequestId id : batch.requests) {
    in_flight_.erase(id);
    if (!request(id).completed()) continue;
    running_.erase(std::find(running_.begin(), running_.end(), id));
    free_request(id);
  }
}

void VllmV1ReplicaScheduler::do_hand_off(RequestId id) {
  const auto it = std::find(running_.begin(), running_.end(), id);
  LLMSIM_ASSERT(it != running_.end(), "handing off a request that is not running");
  running_.erase(it);
}

bool VllmV1ReplicaScheduler::do_reserve_transfer(RequestId id) {
  // A request waiting for its KV cache counts against max_num_seqs, as vLLM's WAITING_FOR_REMOTE_KVS requests do.
  if (static_cast<std::int64_t>(running_.size()) + num_reserved_ >= max_num_seqs_) return false;
  if (!allocate_slots(id, request(id).num_kv_tokens(), {})) return false;
  ++num_reserved_;
  return true;
}

void VllmV1ReplicaScheduler::do_add_transferred(RequestId id) {
  --num_reserved_;
  cache_full_blocks(id, request(id).num_kv_tokens());
  running_.push_back(id);
}

}  // namespace llmsim::llm::detail
