// SPDX-License-Identifier: MIT
// Test doubles for simulation tests: a predictor with a fixed stage time and a small cluster config.
#pragma once

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/execution_time.hpp"

namespace llmsim::testing {

/// Every batch stage takes `ms` milliseconds, whatever the batch.
class FixedPredictor final : public llm::ExecutionTimePredictor {
 public:
  explicit FixedPredictor(double ms) : ms_(ms) {}
  llm::ExecutionTime predict(const llm::Batch&, const llm::RequestStore&, int) const override {
    llm::ExecutionTime t;
    t.num_layers = 1;
    t.add = ms_;
    return t;
  }
  std::vector<llm::OperatorInfo> describe() const override { return {}; }
  llm::OperatorTime operator_time(llm::Op op, std::int64_t, std::int64_t) const override {
    return {op == llm::Op::add ? ms_ : 0.0, llm::Source::table};
  }

 private:
  double ms_;
};

/// Llama-2-7B on an 80 GB A100 (TP1), `replicas` replicas, `stages` pipeline stages, the given policies,
/// per-batch rows recorded.
inline llm::SimulationConfig small_cluster(int replicas, int stages, const char* replica_scheduler,
                                           const char* global_scheduler) {
  llm::SimulationConfig c;
  c.cluster.pools[0].num_replicas = replicas;
  c.cluster.pools[0].replica.model = llm::ModelSpec{"meta-llama/Llama-2-7b-hf", 32, 32, 32, 4096, 11008, 4096, true, 32768,
                                           true};
  c.cluster.pools[0].replica.device = llm::DeviceSpec{"a100", 312, 80, 2.21};
  c.cluster.pools[0].replica.node = llm::NodeSpec{"a100_pairwise_nvlink", 4};
  c.cluster.pools[0].replica.num_pipeline_stages = stages;
  c.cluster.pools[0].replica_scheduler.name = replica_scheduler;
  c.cluster.global_scheduler.name = global_scheduler;
  c.metrics.store_batch_metrics = true;
  return c;
}

}  // namespace llmsim::testing
