// SPDX-License-Identifier: MIT
// RequestStore: releasing leading chunks and returning their pages to the system.
#include "llmsim/llm/request_store.hpp"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define LLMSIM_TRIM_MALLOC 1
#include <malloc.h>
#endif

namespace llmsim::llm {

void RequestStore::release_chunks_before(std::size_t id) {
  const std::size_t end = id >= size_ ? chunks_.size() : id >> kChunkBits;
  if (released_ == end) return;
  for (; released_ < end; ++released_) std::vector<Request>().swap(chunks_[released_]);
#ifdef LLMSIM_TRIM_MALLOC  // not under AddressSanitizer: its allocator replaces glibc's, whose arenas it would walk
  // glibc keeps freed blocks of a few MiB in its heap (its mmap threshold rises as large blocks are freed while
  // configs and tables are read); return the pages, so that what is resident is the requests left plus the rows.
  malloc_trim(0);
#endif
}

}  // namespace llmsim::llm
