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

TEST(RequestStore, ReleasingInIdOrderFreesChunksAndKeepsTheRestAndTheSize) {
  RequestStore store = filled(3 * kChunk + 10);
  Request& later = store[2 * kChunk + 4];
  later.on_batch_schedule(123);
  for (std::size_t id = 0; id < 2 * kChunk + 1; ++id) store.release(id);  // frees chunks 0 and 1
  EXPECT_EQ(store.size(), 3 * kChunk + 10);
  EXPECT_EQ(&later, &store[2 * kChunk + 4]);
  EXPECT_EQ(store[2 * kChunk + 4].scheduled_at(), 123);
  EXPECT_EQ(store[2 * kChunk].id(), static_cast<RequestId>(2 * kChunk));
  EXPECT_EQ(store[3 * kChunk + 9].num_prefill_tokens(), static_cast<std::int64_t>(1 + (3 * kChunk + 9) % 7));
  for (std::size_t id = 2 * kChunk + 1; id < store.size(); ++id) store.release(id);  // incl. the partial last chunk
  EXPECT_EQ(store.size(), 3 * kChunk + 10);
}

TEST(RequestStore, ASparseStoreCreatesStateOnFirstUseAndAnswersRoutingForEveryRequest) {
  std::vector<RequestSpec> specs;
  for (std::size_t i = 0; i < kChunk + 5; ++i) {
    specs.emplace_back(static_cast<SimTime>(10 * i), static_cast<std::int64_t>(3 + i % 5), 2, TokenContent{0, 0, i});
  }
  RequestStore store(specs);
  EXPECT_EQ(store.size(), kChunk + 5);
  EXPECT_FALSE(store.holds(7));
  EXPECT_EQ(store.arrived_at(kChunk + 4), static_cast<SimTime>(10 * (kChunk + 4)));
  EXPECT_EQ(store.content(9).stream_key, 9u);
  EXPECT_EQ(store.prompt_tokens(7), 5);  // from the spec
  // Created out of id order, as replicas receive them; a second materialize returns the same state.
  Request& seven = store.materialize(7);
  Request& late = store.materialize(kChunk + 4);
  EXPECT_EQ(&seven, &store.materialize(7));
  EXPECT_TRUE(store.holds(7));
  EXPECT_FALSE(store.holds(8));
  EXPECT_EQ(late.id(), static_cast<RequestId>(kChunk + 4));
  EXPECT_EQ(store[kChunk + 4].arrived_at(), static_cast<SimTime>(10 * (kChunk + 4)));
  // A restart changes the prompt routing reads (Vidur's restart: processed tokens become the prompt).
  seven.on_batch_schedule(0);
  seven.on_batch_end(1, 5);
  seven.restart();
  EXPECT_EQ(store.prompt_tokens(7), 6);
  EXPECT_EQ(store.unstarted(7).num_prefill_tokens(), 5);
  for (std::size_t id = 0; id < kChunk; ++id) store.release(id);  // the first chunk of specs
  EXPECT_EQ(store[kChunk + 4].id(), static_cast<RequestId>(kChunk + 4));  // its state still lives
  EXPECT_EQ(store.arrived_at(kChunk + 1), static_cast<SimTime>(10 * (kChunk + 1)));  // the specs of the next chunk too
  for (std::size_t id = kChunk; id < store.size(); ++id) store.release(id);
  EXPECT_EQ(store.size(), kChunk + 5);
}

}  // namespace
}  // namespace llmsim::llm
