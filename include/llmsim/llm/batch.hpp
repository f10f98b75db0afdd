// SPDX-License-Identifier: MIT
// Batch: the requests of one iteration on one replica and how many tokens each processes (Vidur `Batch`).
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/llm/request_store.hpp"

namespace llmsim::llm {

/// One scheduler iteration. `requests` and `num_tokens` are parallel and keep the scheduler's order.
/// Batch ids are per replica (`replica`, `index`), so they do not depend on how replicas interleave.
struct Batch {
  Batch() = default;
  /// Builds a batch and its token counts; prefill tokens are those of requests whose prefill is incomplete now.
  Batch(std::vector<RequestId> request_ids, std::vector<std::int64_t> tokens, const RequestStore& store);

  ReplicaId replica = 0;
  std::int64_t index = 0;
  std::vector<RequestId> requests;
  std::vector<std::int64_t> num_tokens;
  std::int64_t total_num_tokens = 0;
  std::int64_t num_prefill_tokens = 0;
  std::int64_t num_decode_tokens = 0;
  SimTime scheduled_at = 0;

  std::size_t size() const { return requests.size(); }
  /// Token count rounded up to a multiple of 8, the key of the linear-operator tables.
  std::int64_t total_num_tokens_rounded() const { return (total_num_tokens + 7) / 8 * 8; }
};

}  // namespace llmsim::llm
