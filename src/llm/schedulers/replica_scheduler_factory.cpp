// SPDX-License-Identifier: MIT
// make_replica_scheduler: the one list of built-in batching policies.
#include <memory>

#include "llmsim/util/error.hpp"
#include "replica_schedulers.hpp"

namespace llmsim::llm {

const std::vector<std::string>& replica_scheduler_names() {
  static const std::vector<std::string> names{"vllm", "sarathi", "orca", "faster_transformer", "lightllm"};
  return names;
}

std::unique_ptr<ReplicaScheduler> make_replica_scheduler(const ReplicaSchedulerConfig& config,
                                                         const ReplicaConfig& replica,
                                                         std::int64_t max_request_tokens, RequestStore& requests) {
  const std::string& n = config.name;
  if (n == "vllm") return std::make_unique<detail::VllmReplicaScheduler>(config, replica, max_request_tokens, requests);
  if (n == "sarathi") {
    return std::make_unique<detail::SarathiReplicaScheduler>(config, replica, max_request_tokens, requests);
  }
  if (n == "orca") return std::make_unique<detail::OrcaReplicaScheduler>(config, replica, max_request_tokens, requests);
  if (n == "faster_transformer") {
    return std::make_unique<detail::FasterTransformerReplicaScheduler>(config, replica, max_request_tokens, requests);
  }
  if (n == "lightllm") {
    if (config.block_size != 1) {
      throw ConfigError("cluster.replica_scheduler.block_size: lightllm needs 1 (token-level KV slots), got " +
                        std::to_string(config.block_size));
    }
    if (replica.num_pipeline_stages != 1) {
      throw ConfigError("cluster.replica.num_pipeline_stages: lightllm supports only 1, got " +
                        std::to_string(replica.num_pipeline_stages));
    }
    return std::make_unique<detail::LightLlmReplicaScheduler>(config, replica, max_request_tokens, requests);
  }
  throw ConfigError("cluster.replica_scheduler.name: unknown value '" + n +
                    "'; valid: vllm, sarathi, orca, faster_transformer, lightllm");
}

}  // namespace llmsim::llm
