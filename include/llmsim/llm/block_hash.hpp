// SPDX-License-Identifier: MIT
// Content hashes of KV-cache blocks: each block's hash covers its tokens and, through its parent's hash, every
// token before it (the vLLM v1 / SGLang scheme), so equal hashes mean equal prefixes.
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/llm/request.hpp"

namespace llmsim::llm {

/// Hash of full block `index` (tokens [index x block_size, (index + 1) x block_size)) of request `id` with
/// content `content`, given the hash of block index - 1 (`parent`; kRootBlockHash for block 0). Tokens are named
/// by (key, position) pairs as TokenContent defines; a 0 stream key stands for one unique to `id`.
inline constexpr std::uint64_t kRootBlockHash = 0x6c6c6d73696d2d31ULL;  // "llmsim-1"
std::uint64_t block_hash(std::uint64_t parent, const TokenContent& content, RequestId id, std::int64_t index,
                         std::int64_t block_size);

/// Appends to `hashes` the hashes of the request's full blocks among its first `tokens` tokens that are not
/// hashed yet (hashes.size() of them already are).
void extend_block_hashes(std::vector<std::uint64_t>& hashes, const TokenContent& content, RequestId id,
                         std::int64_t tokens, std::int64_t block_size);

}  // namespace llmsim::llm
