// SPDX-License-Identifier: MIT
// RequestStore: sparse stores, materializing requests, releasing chunks and returning their pages to the system.
#include "llmsim/llm/request_store.hpp"

#include "llmsim/util/assert.hpp"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define LLMSIM_TRIM_MALLOC 1
#include <malloc.h>
#endif

namespace llmsim::llm {

RequestStore::RequestStore(std::vector<RequestSpec> specs) : sparse_(true), slot_(specs.size(), kNoSlot) {
  LLMSIM_ASSERT(specs.size() < kNoSlot, "more than 2^32 - 1 requests");
  for (std::size_t begin = 0; begin < specs.size(); begin += kChunk) {
    const auto first = specs.begin() + static_cast<std::ptrdiff_t>(begin);
    spec_chunks_.emplace_back(first, first + static_cast<std::ptrdiff_t>(std::min(kChunk, specs.size() - begin)));
  }
}

Request& RequestStore::materialize(std::size_t id) {
  if (!sparse_) return (*this)[id];
  std::uint32_t& s = slot_[id];
  if (s != kNoSlot) return at(s);
  LLMSIM_ASSERT(released_.empty(), "a request created after the store started releasing");
  s = static_cast<std::uint32_t>(stored_);
  return store(static_cast<RequestId>(id), spec(id));
}

template <typename T>
void RequestStore::free_chunk(std::vector<std::vector<T>>& chunks, std::size_t c) {
  std::vector<T>().swap(chunks[c]);
#ifdef LLMSIM_TRIM_MALLOC  // not under AddressSanitizer: its allocator replaces glibc's, whose arenas it would walk
  // glibc keeps freed blocks of a few MiB in its heap (its mmap threshold rises as large blocks are freed while
  // configs and tables are read); return the pages, so that what is resident is the requests left plus the rows.
  malloc_trim(0);
#endif
}

void RequestStore::release(std::size_t id) {
  if (released_.empty()) released_.assign(chunks_.size(), 0);
  if (holds(id)) {
    const std::size_t chunk = slot(id) >> kChunkBits;
    if (++released_[chunk] == chunks_[chunk].size()) free_chunk(chunks_, chunk);
  }
  if (sparse_ && ((id + 1) % kChunk == 0 || id + 1 == size())) free_chunk(spec_chunks_, id >> kChunkBits);
}

}  // namespace llmsim::llm
