// SPDX-License-Identifier: MIT
// KvTransferModel: size and duration of moving a request's KV cache from a prefill to a decode replica.
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/llm/config.hpp"

namespace llmsim::llm {

/// The transfer cost of disaggregated serving (docs/disaggregation.md). A KV cache of T tokens holds
/// bytes(T) = 2 (K and V) x layers x KV heads x head size x bytes per element. Each replica splits it into
/// shards(pool) = min(TP, KV heads) x PP distinct pieces (tensor parallelism splits the KV heads, replicating them
/// when TP exceeds their number; pipeline parallelism splits the layers), one per GPU; the transfer runs over
/// streams = min(shards(prefill pool), shards(decode pool)) GPU-to-GPU links in parallel and takes
/// latency + bytes(T) / (streams x bandwidth), rounded up to whole ns (latency alone at unlimited bandwidth).
class KvTransferModel {
 public:
  explicit KvTransferModel(const ClusterConfig& cluster);

  double bytes(std::int64_t tokens) const { return bytes_per_token_ * static_cast<double>(tokens); }
  static int shards(const PoolConfig& pool);
  int streams(int from_pool, int to_pool) const;
  SimTime time(int from_pool, int to_pool, std::int64_t tokens) const;

 private:
  double bytes_per_token_ = 0;
  KvTransferConfig config_;
  std::vector<int> shards_;  // per pool
};

}  // namespace llmsim::llm
