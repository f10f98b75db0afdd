// SPDX-License-Identifier: MIT
// RequestStore: every request of a simulation, indexed by id, in fixed-size chunks that can be released in id
// order once their result rows are built (so requests and their rows never both exist in full).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "llmsim/llm/request.hpp"

namespace llmsim::llm {

/// Requests indexed by id (ids are 0..N-1 in generation order). Storage comes in chunks of kChunk requests, so
/// growing never copies and `release_chunks_before` returns memory while later requests stay in place.
class RequestStore {
 public:
  static constexpr std::size_t kChunkBits = 14;
  static constexpr std::size_t kChunk = std::size_t{1} << kChunkBits;  ///< 16,384 requests (3 MiB)

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  Request& operator[](std::size_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  const Request& operator[](std::size_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  const Request& front() const { return (*this)[0]; }

  template <typename... Args>
  Request& emplace_back(Args&&... args) {
    if ((size_ & (kChunk - 1)) == 0) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);
    }
    ++size_;
    return chunks_.back().emplace_back(std::forward<Args>(args)...);
  }

  /// Frees the chunks that hold only requests below `id` (all of them once `id` >= size()); reading a freed
  /// request is an error. size() is unchanged.
  void release_chunks_before(std::size_t id);

 private:
  std::vector<std::vector<Request>> chunks_;
  std::size_t size_ = 0;
  std::size_t released_ = 0;
};

}  // namespace llmsim::llm
