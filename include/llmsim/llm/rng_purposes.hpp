// SPDX-License-Identifier: MIT
// The `purpose` of every make_rng_stream() stream in the LLM model, in one place so that no two collide.
#pragma once

#include <cstdint>

namespace llmsim::llm {

enum class RngPurpose : std::uint32_t {
  random_router = 1,  ///< the random global scheduler (entity 0)
  shared_prefix = 2,  ///< system-prompt family of each request (entity 0)
  conversation = 3,   ///< turns, think times and family of one session (entity = session index)
  random_decode_router = 4,  ///< the random policy choosing decode replicas (entity 0)
};

inline constexpr std::uint32_t purpose(RngPurpose p) { return static_cast<std::uint32_t>(p); }

}  // namespace llmsim::llm
