// SPDX-License-Identifier: MIT
// The operators whose times make up a batch stage (Vidur's ExecutionTime fields) and where a prediction came from.
#pragma once

#include <array>
#include <cstdint>

namespace llmsim::llm {

/// Predicted operators, in the order of predictor spec 1.2. All are per transformer layer except send_recv.
enum class Op : std::uint8_t {
  attn_pre_proj,
  attn_post_proj,
  attn_rope,
  attn_kv_cache_save,
  attn_decode,
  attn_prefill,
  mlp_up_proj,
  mlp_down_proj,
  mlp_act,
  input_layernorm,
  post_attention_layernorm,
  add,
  all_reduce,
  send_recv,
};
inline constexpr int kNumOps = 14;
/// Largest operator time a table or profile may hold (ms, ~2.8 hours); anything above is a broken input.
inline constexpr double kMaxOperatorMs = 1e7;

/// Where one prediction came from: Vidur's precomputed `table`; a model trained on a `profile`, inside the
/// profiled domain; the same model `extrapolated` beyond it; or the analytic `roofline` (no profile at all).
enum class Source : std::uint8_t { table, profile, extrapolated, roofline };
inline constexpr int kNumSources = 4;

/// Vidur's operator name (`attn_pre_proj`, ...).
const char* op_name(Op op);
const char* source_name(Source source);

template <typename T>
using PerOp = std::array<T, kNumOps>;

inline constexpr int index_of(Op op) { return static_cast<int>(op); }

}  // namespace llmsim::llm
