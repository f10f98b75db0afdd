// SPDX-License-Identifier: MIT
// Block hashes from (key, position range) pieces, mixed with SplitMix64's finaliser.
#include "llmsim/llm/block_hash.hpp"

#include <algorithm>

#include "llmsim/util/hashing.hpp"

namespace llmsim::llm {

namespace {

constexpr std::uint64_t kUniqueStreamSalt = 0x9e3779b97f4a7c15ULL;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  return splitmix64_mix(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

// Tokens [lo, hi) of the stream `key`.
std::uint64_t piece(std::uint64_t h, std::uint64_t key, std::int64_t lo, std::int64_t hi) {
  return mix(mix(mix(h, key), static_cast<std::uint64_t>(lo)), static_cast<std::uint64_t>(hi));
}

}  // namespace

std::uint64_t block_hash(std::uint64_t parent, const TokenContent& content, RequestId id, std::int64_t index,
                         std::int64_t block_size) {
  const std::int64_t lo = index * block_size;
  const std::int64_t hi = lo + block_size;
  const std::int64_t p = content.prefix_tokens;
  std::uint64_t h = parent;
  const std::uint64_t unique = mix(kUniqueStreamSalt, static_cast<std::uint64_t>(id));
  if (lo < p) h = piece(h, content.prefix_key == 0 ? unique : content.prefix_key, lo, std::min(hi, p));
  if (hi > p) h = piece(h, content.stream_key == 0 ? unique : content.stream_key, std::max(lo, p) - p, hi - p);
  return h;
}

void extend_block_hashes(std::vector<std::uint64_t>& hashes, const TokenContent& content, RequestId id,
                         std::int64_t tokens, std::int64_t block_size) {
  const auto full = static_cast<std::size_t>(tokens / block_size);
  while (hashes.size() < full) {
    const std::uint64_t parent = hashes.empty() ? kRootBlockHash : hashes.back();
    hashes.push_back(block_hash(parent, content, id, static_cast<std::int64_t>(hashes.size()), block_size));
  }
}

}  // namespace llmsim::llm
