// SPDX-License-Identifier: MIT
// SchedulerHarness: drives a ReplicaScheduler the way the Replica entity does, without an engine.
#pragma once

#include <memory>
#include <vector>

#include "llmsim/llm/replica_scheduler.hpp"

namespace llmsim::testing {

/// Llama-2-7B on one 80 GB A100 (TP1); with max_tokens 4096 and block 16 the planner gives 7424 blocks.
inline llm::ReplicaConfig llama7b_replica(int stages = 1) {
  llm::ReplicaConfig r;
  r.model = llm::ModelSpec{"meta-llama/Llama-2-7b-hf", 32, 32, 32, 4096, 11008, 4096, true, 32768, true};
  r.device = llm::DeviceSpec{"a100", 312, 80, 2.21};
  r.node = llm::NodeSpec{"a100_pairwise_nvlink", 4};
  r.num_pipeline_stages = stages;
  return r;
}

class SchedulerHarness {
 public:
  /// `specs` become requests 0..n-1; none is routed to the scheduler until add().
  SchedulerHarness(const llm::ReplicaSchedulerConfig& config, const std::vector<llm::RequestSpec>& specs,
                   int stages = 1, std::int64_t max_tokens = 4096) {
    for (const llm::RequestSpec& s : specs) store.emplace_back(static_cast<llm::RequestId>(store.size()), s);
    scheduler = llm::make_replica_scheduler(config, llama7b_replica(stages), max_tokens, store);
  }

  void add(llm::RequestId id) { scheduler->add_request(id); }
  /// One scheduling round; requests are marked scheduled at the current time.
  std::vector<llm::Batch> schedule() {
    std::vector<llm::Batch> batches = scheduler->on_schedule();
    for (const llm::Batch& b : batches) {
      for (llm::RequestId r : b.requests) store[static_cast<std::size_t>(r)].on_batch_schedule(now);
    }
    return batches;
  }
  /// Ends `batch` one time unit later: requests advance, then the scheduler frees or re-queues them.
  void finish(const llm::Batch& batch) {
    ++now;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      store[static_cast<std::size_t>(batch.requests[i])].on_batch_end(now, batch.num_tokens[i]);
    }
    scheduler->on_batch_end(batch);
  }
  /// schedule() expecting exactly one batch.
  llm::Batch one() {
    std::vector<llm::Batch> b = schedule();
    if (b.size() != 1) throw std::runtime_error("expected exactly one batch, got " + std::to_string(b.size()));
    return b.front();
  }
  const llm::Request& request(llm::RequestId id) const { return store[static_cast<std::size_t>(id)]; }

  llm::RequestStore store;
  std::unique_ptr<llm::ReplicaScheduler> scheduler;
  SimTime now = 0;
};

inline llm::ReplicaSchedulerConfig policy(const char* name) {
  llm::ReplicaSchedulerConfig c;
  c.name = name;
  return c;
}

inline std::vector<llm::RequestSpec> prompts(std::initializer_list<std::pair<std::int64_t, std::int64_t>> pd) {
  std::vector<llm::RequestSpec> out;
  SimTime t = 0;
  for (const auto& [p, d] : pd) out.push_back(llm::RequestSpec{t++, p, d});
  return out;
}

}  // namespace llmsim::testing
