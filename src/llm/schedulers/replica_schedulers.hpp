// SPDX-License-Identifier: MIT
// The five batching policies (Vidur spec 4.3-4.7); private to llmsim_schedulers, built by the factory.
#pragma once

#include <deque>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "llmsim/llm/kv_block_pool.hpp"
#include "llmsim/llm/replica_scheduler.hpp"

namespace llmsim::llm::detail {

/// Shared by vLLM and Sarathi: per-prompt block reservation with a watermark, +1 block as decodes grow,
/// and preemption by recompute of the latest-arrived running request (spec 4.3).
class PagedReplicaScheduler : public ReplicaScheduler {
 public:
  using ReplicaScheduler::ReplicaScheduler;

 protected:
  bool can_allocate_request(const Request& r) const;
  void allocate_request(const Request& r);
  /// Makes room for running request `id` by restarting victims (last of running_); if none is left, `id`
  /// itself is restarted and false is returned. On success its blocks are allocated.
  bool admit_running(RequestId id);
  void do_on_batch_end(const Batch& batch) override;
  void do_hand_off(RequestId id) override;
  void do_release_handed_off(RequestId id) override { free(id); }
  bool do_reserve_transfer(RequestId id) override;
  void do_add_transferred(RequestId id) override { running_.push_back(id); }
  void sort_running_by_arrival();

  std::deque<RequestId> running_;  // Vidur's preempted_requests: running, waiting for their next iteration

 private:
  void restart(RequestId id);
};

class VllmReplicaScheduler final : public PagedReplicaScheduler {
 public:
  using PagedReplicaScheduler::PagedReplicaScheduler;

 protected:
  std::optional<Batch> get_next_batch() override;
};

class SarathiReplicaScheduler final : public PagedReplicaScheduler {
 public:
  using PagedReplicaScheduler::PagedReplicaScheduler;

 protected:
  std::optional<Batch> get_next_batch() override;

 private:
  std::int64_t next_tokens(const Request& r, std::int64_t batch_tokens) const;
};

/// vLLM v1 (FCFS): one token budget per step, running requests first (decodes and prefill chunks), preemption
/// by recompute of the newest running request, then waiting requests with prefix-cache hits; reference-counted
/// blocks with LRU eviction of cached content (docs/vllm-v1.md, rule by rule with vLLM's source).
class VllmV1ReplicaScheduler final : public ReplicaScheduler {
 public:
  VllmV1ReplicaScheduler(const ReplicaSchedulerConfig& config, const ReplicaConfig& replica,
                         std::int64_t max_request_tokens, RequestStore& requests);

  bool is_empty() const override { return request_queue_.empty() && running_.empty() && held_.empty(); }
  std::int64_t num_allocated_blocks() const override { return pool_.num_used(); }
  std::optional<PrefixCacheStats> prefix_cache_stats() const override;

 protected:
  std::optional<Batch> get_next_batch() override;
  void do_on_batch_end(const Batch& batch) override;
  void do_hand_off(RequestId id) override;
  void do_release_handed_off(RequestId id) override { free_request(id); }
  bool do_reserve_transfer(RequestId id) override;
  void do_add_transferred(RequestId id) override;

 private:
  struct Held {  // a request's blocks (in token order) and the hashes of its full blocks
    std::vector<BlockId> blocks;
    std::vector<std::uint64_t> hashes;
    std::size_t num_cached = 0;  // leading blocks registered in the cache
  };
  /// Allocates what `id` needs to hold `tokens` tokens after taking `hits` cached blocks; false (nothing
  /// changed) when the free blocks do not suffice.
  bool allocate_slots(RequestId id, std::int64_t tokens, const std::vector<BlockId>& hits);
  void cache_full_blocks(RequestId id, std::int64_t tokens);
  void free_request(RequestId id);
  void preempt(RequestId id);
  std::vector<BlockId> lookup(RequestId id);

  std::int64_t max_num_batched_tokens_;
  std::int64_t max_num_seqs_;
  KvBlockPool pool_;
  std::vector<RequestId> running_;  // admission order; includes requests of batches in flight
  std::unordered_map<RequestId, Held> held_;
  std::unordered_set<RequestId> in_flight_;
  std::int64_t num_reserved_ = 0;  // decode side: requests whose KV cache is on its way
  PrefixCacheStats stats_;
};

/// Orca: iteration-level batching, max_tokens // block_size blocks reserved per request (spec 4.5).
class OrcaReplicaScheduler final : public ReplicaScheduler {
 public:
  using ReplicaScheduler::ReplicaScheduler;

 protected:
  std::optional<Batch> get_next_batch() override;
  void do_on_batch_end(const Batch& batch) override;

 private:
  std::deque<RequestId> running_;
};

/// FasterTransformer: static batches that run until all their members finish (spec 4.6).
class FasterTransformerReplicaScheduler final : public ReplicaScheduler {
 public:
  using ReplicaScheduler::ReplicaScheduler;

 protected:
  std::optional<Batch> get_next_batch() override;
  void do_on_batch_end(const Batch& batch) override;

 private:
  std::deque<std::vector<RequestId>> running_batches_;
};

/// LightLLM: token-granular memory (block_size 1), admission by worst-case future footprint (spec 4.7).
class LightLlmReplicaScheduler final : public ReplicaScheduler {
 public:
  using ReplicaScheduler::ReplicaScheduler;

 protected:
  std::optional<Batch> get_next_batch() override;
  void do_on_batch_end(const Batch& batch) override;

 private:
  std::optional<Batch> prefill_batch();
  Batch decode_batch();
  bool can_allocate_request(const Request& r);
  std::pair<std::int64_t, std::int64_t> footprint(const Request& r) const;

  std::deque<RequestId> running_;
  std::vector<std::pair<std::int64_t, std::int64_t>> working_;
  int num_waiting_iters_ = 0;
};

}  // namespace llmsim::llm::detail
