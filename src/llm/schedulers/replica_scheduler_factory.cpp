// SPDX-License-Identifier: MIT
// The registry of built-in batching policies.
#include <initializer_list>
#include <memory>

#include "llmsim/util/error.hpp"
#include "replica_schedulers.hpp"

namespace llmsim::llm {

namespace {

template <typename Policy>
std::unique_ptr<ReplicaScheduler> make(const ReplicaSchedulerConfig& config, const ReplicaConfig& replica,
                                       std::int64_t max_request_tokens, RequestStore& requests) {
  return std::make_unique<Policy>(config, replica, max_request_tokens, requests);
}

std::unique_ptr<ReplicaScheduler> make_lightllm(const ReplicaSchedulerConfig& config, const ReplicaConfig& replica,
                                                std::int64_t max_request_tokens, RequestStore& requests) {
  if (config.block_size != 1) {
    throw ConfigError("cluster.replica_scheduler.block_size: lightllm needs 1 (token-level KV slots), got " +
                      std::to_string(config.block_size));
  }
  if (replica.num_pipeline_stages != 1) {
    throw ConfigError("cluster.replica.num_pipeline_stages: lightllm supports only 1, got " +
                      std::to_string(replica.num_pipeline_stages));
  }
  return make<detail::LightLlmReplicaScheduler>(config, replica, max_request_tokens, requests);
}

// Every policy's keys: the common ones plus its own.
std::vector<const char*> keys(std::initializer_list<const char*> own) {
  std::vector<const char*> all{"batch_size_cap", "block_size", "watermark_blocks_fraction", "num_blocks"};
  all.insert(all.end(), own);
  return all;
}

}  // namespace

const std::vector<ReplicaSchedulerPlugin>& replica_schedulers() {
  static const std::vector<ReplicaSchedulerPlugin> all{
      {{"vllm", keys({"max_tokens_in_batch"}),
        "vLLM (2023): whole prefills first, up to max_tokens_in_batch; decode otherwise; preempts the newest"},
       make<detail::VllmReplicaScheduler>},
      {{"sarathi", keys({"chunk_size"}),
        "Sarathi-Serve: decodes first, then prefill chunks filling chunk_size tokens per batch"},
       make<detail::SarathiReplicaScheduler>},
      {{"orca", keys({}), "Orca: iteration-level batching of whole prefills and decodes"},
       make<detail::OrcaReplicaScheduler>},
      {{"faster_transformer", keys({}),
        "FasterTransformer: static batches that run to completion before the next is formed"},
       make<detail::FasterTransformerReplicaScheduler>},
      {{"lightllm", keys({"max_tokens_in_batch", "max_waiting_iters"}),
        "LightLLM: token-level KV slots (block_size 1), prefills admitted after max_waiting_iters decodes"},
       make_lightllm},
      {{"vllm_v1",
        {"block_size", "num_blocks", "max_num_batched_tokens", "max_num_seqs", "enable_prefix_caching"},
        "vLLM v1: one token budget per step, running requests then chunked prefills, prefix caching, preempts "
        "the newest"},
       make<detail::VllmV1ReplicaScheduler>},
  };
  return all;
}

std::unique_ptr<ReplicaScheduler> make_replica_scheduler(const ReplicaSchedulerConfig& config,
                                                         const ReplicaConfig& replica,
                                                         std::int64_t max_request_tokens, RequestStore& requests) {
  return find_plugin(replica_schedulers(), config.name, "cluster.replica_scheduler.name")
      .make(config, replica, max_request_tokens, requests);
}

}  // namespace llmsim::llm
