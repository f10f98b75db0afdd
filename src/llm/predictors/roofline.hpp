// SPDX-License-Identifier: MIT
// Analytic roofline model of operator times: FLOPs and bytes per operator from the model shape, and the
// efficiencies (fraction of peak FLOP/s and bandwidth) plus a fixed overhead calibrated on profiled rows.
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/llm/operators.hpp"

namespace llmsim::llm::detail {

/// The per-GPU shard of a transformer layer under tensor parallelism (Megatron layout, fp16).
struct ShardShape {
  double hidden = 0;      ///< embedding dim h (replicated)
  double q_heads = 0;     ///< query heads per GPU
  double kv_heads = 0;    ///< KV heads per GPU (at least 1)
  double head_dim = 0;
  double mlp_hidden = 0;  ///< MLP hidden size per GPU
  bool gated = true;
  int tensor_parallel = 1;
};

ShardShape shard_shape(int q_heads, int kv_heads, int embedding_dim, int mlp_hidden_dim, bool gated, int tp);

/// Work of one operator call: floating-point operations and bytes moved (memory, or link for communication).
struct Cost {
  double flops = 0;
  double bytes = 0;
  double causal_flops = 0;  ///< the part of `flops` inside a prefill chunk's causal triangle
};

/// Cost of `op` with Vidur's features: tokens for the token-keyed operators (all_reduce, send_recv included),
/// (batch_size, kv_cache_size) for attn_decode, (kv_cache_size, chunk) for attn_prefill.
Cost op_cost(Op op, const ShardShape& shape, double a, double b);

/// Peak throughput the efficiencies are relative to: FLOP/s and bytes/s (HBM, or the link for communication).
struct Peak {
  double flops_per_s = 0;
  double bytes_per_s = 0;
};

/// time_ms = overhead_ms + max(compute, bytes / (bytes_eff x peak)), compute = (flops - causal_flops) /
/// (flops_eff x peak) + causal_flops / (causal_eff x flops_eff x peak): attention kernels run the masked
/// diagonal of a causal chunk at a lower rate than the keys already cached (docs/predictor.md, "Roofline").
struct RooflineFit {
  double flops_efficiency = 1;
  double bytes_efficiency = 1;
  double overhead_ms = 0;
  double mape_percent = 0;  ///< on the calibration rows
  std::int64_t samples = 0;
  double causal_efficiency = 1;  ///< relative to flops_efficiency; 1 unless calibrated on causal rows

  double time_ms(const Cost& cost, const Peak& peak) const;
};

struct CostSample {
  Cost cost;
  double ms = 0;
};

/// Efficiencies and overhead that minimise the MAPE on `samples` measured on hardware with `peak`
/// (deterministic grid search; efficiencies in [0.005, 1], the causal one in [0.1, 1] when any sample has causal
/// flops). Throws InputError if `samples` is empty.
RooflineFit calibrate_roofline(const std::vector<CostSample>& samples, const Peak& peak);

}  // namespace llmsim::llm::detail
