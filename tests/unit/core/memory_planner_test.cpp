// SPDX-License-Identifier: MIT
// MemoryPlanner against the reference table of vidur-simulation-core.md section 5.4 (MT 4096, margin 0.1).
#include "llmsim/llm/memory_planner.hpp"

#include <gtest/gtest.h>

#include "llmsim/util/error.hpp"

namespace llmsim::llm {
namespace {

ReplicaConfig replica(ModelSpec model, double memory_gb, int tp, int pp) {
  ReplicaConfig r;
  r.model = std::move(model);
  r.device = DeviceSpec{"a100", 312, memory_gb, 2.21};
  r.node = NodeSpec{"a100_dgx", 8};
  r.tensor_parallel_size = tp;
  r.num_pipeline_stages = pp;
  return r;
}

ModelSpec llama2_7b() { return ModelSpec{"meta-llama/Llama-2-7b-hf", 32, 32, 32, 4096, 11008, 4096, true, 32768, true}; }
ModelSpec llama2_70b() { return ModelSpec{"meta-llama/Llama-2-70b-hf", 80, 64, 8, 8192, 28672, 4096, true, 32768, true}; }
ModelSpec phi2() { return ModelSpec{"microsoft/phi-2", 32, 32, 32, 2560, 10240, 2048, false, 51200, false}; }

struct Row {
  ModelSpec model;
  double gb;
  int tp;
  int pp;
  std::int64_t params_per_layer;
  std::int64_t max_batch;
};

TEST(MemoryPlanner, MatchesVidurReferenceTable) {
  const Row rows[] = {
      {llama2_7b(), 80, 1, 1, 202375168, 29},  {llama2_7b(), 80, 2, 2, 101187584, 68},
      {llama2_70b(), 80, 4, 2, 213909504, 179}, {llama2_70b(), 80, 2, 1, 427819008, 13},
      {phi2(), 80, 4, 1, 19660800, 226},        {llama2_7b(), 45, 1, 1, 202375168, 14},
  };
  for (const Row& row : rows) {
    const ReplicaConfig r = replica(row.model, row.gb, row.tp, row.pp);
    EXPECT_EQ(params_per_device(r), row.params_per_layer * (row.model.num_layers / row.pp)) << row.model.name;
    const MemoryPlanner planner(r, 4096);
    EXPECT_EQ(planner.max_batch_size(), row.max_batch) << row.model.name << " TP" << row.tp << " PP" << row.pp;
    EXPECT_EQ(planner.max_request_slots(), row.max_batch * row.pp);
  }
}

TEST(MemoryPlanner, ModelThatDoesNotFitIsAConfigError) {
  EXPECT_THROW(MemoryPlanner(replica(llama2_70b(), 80, 1, 1), 4096), ConfigError);
}

TEST(MfuCalculator, CountsLinearAndAttentionFlops) {
  const ReplicaConfig r = replica(llama2_7b(), 80, 1, 1);
  RequestStore store;
  store.emplace_back(0, RequestSpec{0, 100, 10});
  const Batch batch({0}, {100}, store);
  // mlp: 2 x 100 tokens x (202375168 x 32 params); attention: 4 x 32 layers x 32 heads x 128 x 100 x (100 + 0).
  const double flops = 2.0 * 100 * 202375168.0 * 32 + 4.0 * 32 * 32 * 128 * 100 * 100;
  const double expected = flops / 0.5 * 100 / (312 * 1099511627776.0);
  EXPECT_DOUBLE_EQ(MfuCalculator(r).mfu_percent(batch, store, 0.5), expected);
}

}  // namespace
}  // namespace llmsim::llm
