// SPDX-License-Identifier: MIT
// KV-cache transfer size and time between pools (docs/disaggregation.md).
#include "llmsim/llm/kv_transfer.hpp"

#include <algorithm>
#include <cmath>

namespace llmsim::llm {

KvTransferModel::KvTransferModel(const ClusterConfig& cluster) : config_(cluster.kv_transfer) {
  const ModelSpec& m = cluster.pools.front().replica.model;  // one model in a disaggregated cluster
  const double head_size = static_cast<double>(m.embedding_dim) / m.num_q_heads;
  bytes_per_token_ = 2.0 * m.num_layers * m.num_kv_heads * head_size * config_.bytes_per_element;
  for (const PoolConfig& p : cluster.pools) shards_.push_back(shards(p));
}

int KvTransferModel::shards(const PoolConfig& pool) {
  return std::min(pool.replica.tensor_parallel_size, pool.replica.model.num_kv_heads) *
         pool.replica.num_pipeline_stages;
}

int KvTransferModel::streams(int from_pool, int to_pool) const {
  return std::min(shards_[static_cast<std::size_t>(from_pool)], shards_[static_cast<std::size_t>(to_pool)]);
}

SimTime KvTransferModel::time(int from_pool, int to_pool, std::int64_t tokens) const {
  if (config_.bandwidth_bytes_per_s <= 0) return config_.latency;
  const double rate = streams(from_pool, to_pool) * config_.bandwidth_bytes_per_s;
  return config_.latency + static_cast<SimTime>(std::ceil(bytes(tokens) * 1e9 / rate));
}

}  // namespace llmsim::llm
