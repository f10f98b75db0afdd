// SPDX-License-Identifier: MIT
// Batch construction (Vidur vidur/entities/batch.py).
#include "llmsim/llm/batch.hpp"

#include "llmsim/util/assert.hpp"

namespace llmsim::llm {

Batch::Batch(std::vector<RequestId> request_ids, std::vector<std::int64_t> tokens, const RequestStore& store)
    : requests(std::move(request_ids)), num_tokens(std::move(tokens)) {
  LLMSIM_ASSERT(requests.size() == num_tokens.size(), "batch requests and token counts differ in length");
  for (std::size_t i = 0; i < requests.size(); ++i) {
    total_num_tokens += num_tokens[i];
    if (!store[static_cast<std::size_t>(requests[i])].is_prefill_complete()) num_prefill_tokens += num_tokens[i];
  }
  num_decode_tokens = total_num_tokens - num_prefill_tokens;
}

}  // namespace llmsim::llm
