// SPDX-License-Identifier: MIT
// RequestStore: indexing across chunks, stable references while growing, releasing leading chunks.
#include "llmsim/llm/request_store.hpp"

#include <gtest/gtest.h>

namespace llmsim::llm {
namespace {

constexpr std::size_t kChunk = RequestStore::kChunk;

RequestStore filled(std::size_t n) {
  RequestStore store;
  for (std::size_t i = 0; i < n; ++i) {
    const auto prompt = static_cast<std::int64_t>(1 + i % 7);
    store.emplace_back(static_cast<RequestId>(i), RequestSpec{static_cast<SimTime>(10 * i), prompt, 2});
  }
  return store;
}

TEST(RequestStore, IndexesAcrossChunksAndKeepsReferencesWhileGrowing) {
  RequestStore store;
  EXPECT_TRUE(store.empty());
  const Request& first = store.emplace_back(0, RequestSpec{0, 5, 2});
  for (std::size_t i = 1; i < 2 * kChunk + 3; ++i) {
    store.emplace_back(static_cast<RequestId>(i), RequestSpec{static_cast<SimTime>(i), 5, 2});
  }
  EXPECT_EQ(&first, &store[0]);  // no reallocation moved it
  EXPECT_EQ(store.size(), 2 * kChunk + 3);
  for (std::size_t i : {kChunk - 1, kChunk, kChunk + 1, 2 * kChunk, 2 * kChunk + 2}) {
    EXPECT_EQ(store[i].id(), static_cast<RequestId>(i));
    EXPECT_EQ(store[i].arrived_at(), static_cast<SimTime>(i));
  }
  EXPECT_EQ(store.front().id(), 0);
}

TEST(RequestStore, ReleasingLeadingChunksKeepsTheRestAndTheSize) {
  RequestStore store = filled(3 * kChunk + 10);
  Request& later = store[2 * kChunk + 4];
  later.on_batch_schedule(123);
  store.release_chunks_before(kChunk - 1);  // chunk 0 still holds request kChunk - 1: nothing freed
  EXPECT_EQ(store[0].id(), 0);
  store.release_chunks_before(2 * kChunk + 1);  // frees chunks 0 and 1
  EXPECT_EQ(store.size(), 3 * kChunk + 10);
  EXPECT_EQ(&later, &store[2 * kChunk + 4]);
  EXPECT_EQ(store[2 * kChunk + 4].scheduled_at(), 123);
  EXPECT_EQ(store[2 * kChunk].id(), static_cast<RequestId>(2 * kChunk));
  EXPECT_EQ(store[3 * kChunk + 9].num_prefill_tokens(), static_cast<std::int64_t>(1 + (3 * kChunk + 9) % 7));
  store.release_chunks_before(kChunk);  // already released: no effect
  EXPECT_EQ(store[3 * kChunk].id(), static_cast<RequestId>(3 * kChunk));
}

}  // namespace
}  // namespace llmsim::llm
