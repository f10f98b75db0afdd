// SPDX-License-Identifier: MIT
// ReplicaScheduler: per-replica batching policy and paged KV-cache bookkeeping (Vidur spec section 4).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "llmsim/llm/batch.hpp"
#include "llmsim/llm/memory_planner.hpp"
#include "llmsim/llm/config.hpp"
#include "llmsim/util/plugin_registry.hpp"

namespace llmsim::llm {

/// What a replica's prefix cache did over a run.
struct PrefixCacheStats {
  std::int64_t lookups = 0;        ///< first admissions of a request, each looking up its prompt
  std::int64_t lookup_tokens = 0;  ///< their prompt tokens
  std::int64_t hit_tokens = 0;     ///< of which found in the cache (not computed)
  std::int64_t resumed_lookup_tokens = 0;  ///< the same for admissions after a preemption (vLLM counts them apart)
  std::int64_t resumed_hit_tokens = 0;
  std::int64_t evictions = 0;      ///< cached blocks whose content was dropped to hold new content
};

/// Base of the batching policies. Non-virtual interface: on_schedule()/on_batch_end() keep the common
/// bookkeeping (in-flight batch count, memory map); policies implement get_next_batch()/do_on_batch_end().
///
/// How to add a policy: derive, implement the two hooks with the memory primitives below, and add it to
/// make_replica_scheduler() in replica_scheduler_factory.cpp.
class ReplicaScheduler {
 public:
  /// `max_request_tokens` is the request generator's max_tokens (MT); it sizes the KV plan.
  ReplicaScheduler(const ReplicaSchedulerConfig& config, const ReplicaConfig& replica,
                   std::int64_t max_request_tokens, RequestStore& requests);
  virtual ~ReplicaScheduler() = default;
  ReplicaScheduler(const ReplicaScheduler&) = delete;
  ReplicaScheduler& operator=(const ReplicaScheduler&) = delete;

  /// A request routed to this replica joins the pending queue.
  void add_request(RequestId id) { request_queue_.push_back(id); }
  /// Creates batches while fewer than P batches are in flight (Vidur on_schedule).
  std::vector<Batch> on_schedule();
  /// Called once the batch's last stage has finished and its requests were updated.
  void on_batch_end(const Batch& batch);

  // Disaggregated pools (docs/disaggregation.md); vllm, sarathi and vllm_v1 implement the hooks below.
  /// Prefill replica: request `id`'s prefill completed in the batch that just ended (after on_batch_end): it leaves
  /// the running requests but keeps its KV blocks until release_handed_off(id).
  void hand_off(RequestId id) { do_hand_off(id); }
  /// Prefill replica: the KV cache of handed-off request `id` has been copied; its blocks are freed.
  void release_handed_off(RequestId id) { do_release_handed_off(id); }
  /// Decode replica: reserves the KV blocks of prefilled request `id` before its KV cache is copied here; false
  /// (nothing changed) when they do not fit now.
  bool reserve_transfer(RequestId id) { return do_reserve_transfer(id); }
  /// Decode replica: `id`'s KV cache has arrived; it joins the running requests.
  void add_transferred(RequestId id) { do_add_transferred(id); }

  std::size_t num_pending_requests() const { return request_queue_.size(); }
  /// True when nothing is pending and no request holds memory.
  virtual bool is_empty() const { return request_queue_.empty() && allocation_map_.empty(); }
  double memory_usage_percent() const;
  std::int64_t num_blocks() const { return plan_.num_blocks; }
  /// KV blocks some request holds (blocks that only keep cached content count as free).
  virtual std::int64_t num_allocated_blocks() const { return num_allocated_blocks_; }
  /// KV blocks no request holds.
  std::int64_t num_free_blocks() const { return num_blocks() - num_allocated_blocks(); }
  int num_running_batches() const { return num_running_batches_; }
  /// Prefix-cache counters; nullopt for a policy without a prefix cache.
  virtual std::optional<PrefixCacheStats> prefix_cache_stats() const { return std::nullopt; }

 protected:
  /// The policy's next batch, or nullopt when it has nothing to run now.
  virtual std::optional<Batch> get_next_batch() = 0;
  /// Policy-specific handling of a finished batch (free completed requests, re-queue running ones).
  virtual void do_on_batch_end(const Batch& batch) = 0;
  /// The disaggregation hooks; a policy that does not implement them is refused by the config loader.
  virtual void do_hand_off(RequestId id);
  virtual void do_release_handed_off(RequestId id);
  virtual bool do_reserve_transfer(RequestId id);
  virtual void do_add_transferred(RequestId id);

  bool can_allocate(std::int64_t num_blocks) const { return plan_.num_blocks - num_allocated_blocks_ >= num_blocks; }
  void allocate(RequestId id, std::int64_t num_blocks);
  void free(RequestId id);
  bool is_allocated(RequestId id) const { return allocation_map_.contains(id); }
  std::int64_t allocated_blocks(RequestId id) const;
  std::size_t num_allocated_requests() const { return allocation_map_.size(); }
  /// Frees the batch's completed requests and appends the others to `running` (batch order).
  void free_completed_or_keep(const Batch& batch, std::deque<RequestId>& running);
  /// Admits queued requests, each reserving max_blocks_per_sequence() blocks, while the batch has fewer than
  /// max_batch_size() requests and the reservation fits (Orca and FasterTransformer admission).
  void admit_with_full_reservation(std::vector<RequestId>& ids, std::vector<std::int64_t>& tokens);
  /// Base token rule: 1 after prefill, else the whole (current) prompt.
  std::int64_t next_tokens(const Request& r) const;
  Batch make_batch(std::vector<RequestId> ids, std::vector<std::int64_t> tokens) const {
    return Batch(std::move(ids), std::move(tokens), requests_);
  }

  Request& request(RequestId id) { return requests_[static_cast<std::size_t>(id)]; }
  const Request& request(RequestId id) const { return requests_[static_cast<std::size_t>(id)]; }

  const ReplicaSchedulerConfig& config() const { return config_; }
  int num_stages() const { return num_stages_; }
  std::int64_t max_blocks_per_sequence() const { return plan_.max_blocks_per_sequence; }
  /// min(planner max batch size, batch_size_cap): Orca and FasterTransformer's batch limit.
  std::int64_t max_batch_size() const { return plan_.max_batch_size; }
  /// batch_size_cap // P: vLLM, Sarathi and LightLLM's per-batch limit.
  std::int64_t max_micro_batch_size() const { return plan_.micro_batch_cap; }
  /// int(watermark_blocks_fraction x num_blocks): free blocks vLLM/Sarathi keep when admitting.
  std::int64_t watermark_blocks() const { return plan_.watermark_blocks; }

  std::deque<RequestId> request_queue_;

 private:
  ReplicaSchedulerConfig config_;
  RequestStore& requests_;
  int num_stages_;
  ReplicaPlan plan_;
  std::int64_t num_allocated_blocks_ = 0;
  int num_running_batches_ = 0;
  std::unordered_map<RequestId, std::int64_t> allocation_map_;
};

using ReplicaSchedulerPlugin = Plugin<std::unique_ptr<ReplicaScheduler> (*)(
    const ReplicaSchedulerConfig&, const ReplicaConfig&, std::int64_t max_request_tokens, RequestStore&)>;

/// The registry of batching policies: `cluster.replica_scheduler.name` values, their keys and factories.
const std::vector<ReplicaSchedulerPlugin>& replica_schedulers();

/// vLLM's defaults for its OpenAI-compatible server (vllm/engine/arg_utils.py): GPUs of at least 70 GiB other
/// than the A100 get 8192 tokens and 1024 sequences per step, others 2048 and 256.
struct VllmV1Limits {
  std::int64_t max_num_batched_tokens;
  std::int64_t max_num_seqs;
};
VllmV1Limits vllm_v1_default_limits(const DeviceSpec& device);

/// Creates the policy named `config.name`; throws ConfigError listing valid names if unknown.
std::unique_ptr<ReplicaScheduler> make_replica_scheduler(const ReplicaSchedulerConfig& config,
                                                         const ReplicaConfig& replica,
                                                         std::int64_t max_request_tokens, RequestStore& requests);

}  // namespace llmsim::llm
