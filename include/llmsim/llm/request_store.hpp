// SPDX-License-Identifier: MIT
// RequestStore: the requests of a simulation, indexed by id, in fixed-size chunks that are released once their
// result rows are built (so requests and their rows never both exist in full). One rank of a partitioned run
// creates a request's state only where its replicas receive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "llmsim/llm/request.hpp"

namespace llmsim::llm {

/// Requests indexed by id (ids are 0..N-1 in generation order). Storage comes in chunks of kChunk requests, so
/// growing never copies and `release` returns memory while other requests stay in place.
///
/// Two kinds: a complete store (default-constructed, filled with emplace_back in id order: one process) holds
/// every request; a sparse store (constructed from the specs: one rank of a partitioned run) keeps every
/// request's spec (48 B) and a 4-byte slot per id, and creates a request's state (184 B) on first use
/// (`materialize`), so a rank holds the state of the requests its replicas (or its router) touch.
class RequestStore {
 public:
  static constexpr std::size_t kChunkBits = 14;
  static constexpr std::size_t kChunk = std::size_t{1} << kChunkBits;  ///< 16,384 requests (3 MiB)

  /// A complete store: fill it with emplace_back.
  RequestStore() = default;
  /// A sparse store of the requests `specs` (ids = positions; copied into chunks and freed); no state exists
  /// until materialize.
  explicit RequestStore(std::vector<RequestSpec> specs);

  /// Requests (ids), whether or not their state exists here.
  std::size_t size() const { return sparse_ ? slot_.size() : stored_; }
  bool empty() const { return size() == 0; }
  /// Requests whose state was created here (all of them in a complete store).
  std::size_t num_states() const { return stored_; }

  /// The state of request `id`, which must exist here (complete store, or materialized).
  Request& operator[](std::size_t id) { return at(slot(id)); }
  const Request& operator[](std::size_t id) const { return at(slot(id)); }
  const Request& front() const { return (*this)[0]; }

  /// Appends request `size()` to a complete store.
  template <typename... Args>
  Request& emplace_back(Args&&... args) {
    return store(std::forward<Args>(args)...);
  }
  /// The state of request `id`, created from its spec if it does not exist yet (a complete store holds all).
  Request& materialize(std::size_t id);
  /// Whether request `id`'s state exists here.
  bool holds(std::size_t id) const { return !sparse_ || slot_[id] != kNoSlot; }
  /// Request `id` as generated, from its spec (sparse stores; a complete store holds every request).
  Request unstarted(std::size_t id) const { return Request(static_cast<RequestId>(id), spec(id)); }

  /// What routing reads, known for every id: the arrival, the token content, and the prompt length (the
  /// state's where it exists here, as restarts and prefill handoffs change it; else the spec's).
  SimTime arrived_at(std::size_t id) const { return sparse_ ? spec(id).arrived_at : (*this)[id].arrived_at(); }
  const TokenContent& content(std::size_t id) const { return sparse_ ? spec(id).content : (*this)[id].content(); }
  std::int64_t prompt_tokens(std::size_t id) const {
    return holds(id) ? (*this)[id].num_prefill_tokens() : spec(id).num_prefill_tokens;
  }

  /// After the run, once per id in id order: request `id` is no longer needed. A chunk of states or specs is
  /// freed (and its pages returned to the system) once all of its requests are released; reading a released
  /// request is an error, and nothing may be stored after the first release.
  void release(std::size_t id);

 private:
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;

  std::size_t slot(std::size_t id) const { return sparse_ ? slot_[id] : id; }
  const RequestSpec& spec(std::size_t id) const { return spec_chunks_[id >> kChunkBits][id & (kChunk - 1)]; }
  /// Frees chunk `c` of `chunks`, returning its pages to the system.
  template <typename T>
  static void free_chunk(std::vector<std::vector<T>>& chunks, std::size_t c);
  Request& at(std::size_t s) { return chunks_[s >> kChunkBits][s & (kChunk - 1)]; }
  const Request& at(std::size_t s) const { return chunks_[s >> kChunkBits][s & (kChunk - 1)]; }

  template <typename... Args>
  Request& store(Args&&... args) {
    if ((stored_ & (kChunk - 1)) == 0) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);
    }
    ++stored_;
    return chunks_.back().emplace_back(std::forward<Args>(args)...);
  }

  bool sparse_ = false;
  std::vector<std::vector<RequestSpec>> spec_chunks_;  // sparse only: the specs by id, in chunks of kChunk
  std::vector<std::uint32_t> slot_;    // sparse only: id -> position in the chunks, kNoSlot if not held
  std::vector<std::vector<Request>> chunks_;
  std::size_t stored_ = 0;             // requests stored in the chunks
  std::vector<std::uint32_t> released_;  // per chunk: requests released; empty until the first release
};

}  // namespace llmsim::llm
