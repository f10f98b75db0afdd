// SPDX-License-Identifier: MIT
// Roofline operator costs and their calibration (docs/predictor.md, "Roofline").
#include "roofline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "llmsim/util/error.hpp"
#include "cross_validation.hpp"

namespace llmsim::llm::detail {

namespace {

constexpr double kBytesPerValue = 2;  // fp16
constexpr int kGridSteps = 48;        // efficiencies on a geometric grid from kMinEfficiency to 1
constexpr double kMinEfficiency = 0.005;
constexpr std::size_t kMaxCalibrationRows = 1000;
constexpr int kCausalGridSteps = 24;  // causal efficiency on a geometric grid from kMinCausalEfficiency to 1
constexpr double kMinCausalEfficiency = 0.1;

std::vector<double> geometric_grid(double from, int steps) {
  std::vector<double> grid(static_cast<std::size_t>(steps));
  for (int i = 0; i < steps; ++i) grid[static_cast<std::size_t>(i)] = std::pow(from, 1.0 - i / (steps - 1.0));
  return grid;
}

// A GEMM of `tokens` x `in` by `in` x `out`: 2 flops per multiply-add; weights, input and output read/written once.
Cost gemm(double tokens, double in, double out) {
  return {2 * tokens * in * out, kBytesPerValue * (in * out + tokens * in + tokens * out)};
}

// An elementwise kernel touching `values` values `passes` times with `flops_per_value` flops each.
Cost elementwise(double values, double passes, double flops_per_value) {
  return {values * flops_per_value, kBytesPerValue * values * passes};
}

// The overhead minimising the MAPE for fixed efficiencies: sum |residual_i - o| / ms_i is minimised by the median
// of the residuals weighted by 1 / ms_i. Never negative.
double best_overhead(const std::vector<CostSample>& rows, const std::vector<double>& residual,
                     std::vector<std::size_t>& order) {
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return residual[a] < residual[b]; });
  double total = 0;
  for (const CostSample& r : rows) total += 1.0 / r.ms;
  double acc = 0;
  for (std::size_t i : order) {
    acc += 1.0 / rows[i].ms;
    if (acc >= total / 2) return std::max(0.0, residual[i]);
  }
  return 0;
}

}  // namespace

ShardShape shard_shape(int q_heads, int kv_heads, int embedding_dim, int mlp_hidden_dim, bool gated, int tp) {
  ShardShape s;
  s.hidden = embedding_dim;
  s.q_heads = static_cast<double>(q_heads / tp);
  s.kv_heads = static_cast<double>(std::max(1, kv_heads / tp));
  s.head_dim = static_cast<double>(embedding_dim / q_heads);
  s.mlp_hidden = static_cast<double>(mlp_hidden_dim / tp);
  s.gated = gated;
  s.tensor_parallel = tp;
  return s;
}

Cost op_cost(Op op, const ShardShape& s, double a, double b) {
  const double h = s.hidden;
  const double qd = s.q_heads * s.head_dim;
  const double kvd = s.kv_heads * s.head_dim;
  switch (op) {
    case Op::attn_pre_proj: return gemm(a, h, qd + 2 * kvd);
    case Op::attn_post_proj: return gemm(a, qd, h);
    case Op::mlp_up_proj: return gemm(a, h, (s.gated ? 2 : 1) * s.mlp_hidden);
    case Op::mlp_down_proj: return gemm(a, s.mlp_hidden, h);
    case Op::mlp_act: return elementwise(a * s.mlp_hidden, s.gated ? 3 : 2, s.gated ? 6 : 8);
    case Op::attn_rope: return elementwise(a * (qd + kvd), 2, 6);
    case Op::input_layernorm:
    case Op::post_attention_layernorm: return elementwise(a * h, 2, 5);
    case Op::add: return elementwise(a * h, 3, 1);
    case Op::attn_kv_cache_save: return elementwise(a * 2 * kvd, 2, 0);
    case Op::attn_decode:  // a = batch size, b = KV tokens per request: read the whole KV cache once
      return {4 * a * qd * b, kBytesPerValue * (2 * a * kvd * b + 2 * a * qd)};
    case Op::attn_prefill:  // a = KV tokens already cached, b = chunk: QK^T and AV over (a + b) keys, causal
      return {4 * qd * b * (a + b / 2), kBytesPerValue * (2 * kvd * (a + b) + 2 * qd * b), 2 * qd * b * b};
    case Op::all_reduce: {  // ring all-reduce of the hidden state: 2 (n - 1) / n of the message per GPU
      const double n = s.tensor_parallel;
      return {0, kBytesPerValue * a * h * 2 * (n - 1) / n};
    }
    case Op::send_recv: return {0, kBytesPerValue * a * h};
  }
  return {};
}

double RooflineFit::time_ms(const Cost& cost, const Peak& peak) const {
  const double flops = cost.flops - cost.causal_flops + cost.causal_flops / causal_efficiency;
  const double compute = peak.flops_per_s > 0 ? flops / (flops_efficiency * peak.flops_per_s) : 0;
  const double memory = peak.bytes_per_s > 0 ? cost.bytes / (bytes_efficiency * peak.bytes_per_s) : 0;
  return overhead_ms + 1e3 * std::max(compute, memory);
}

RooflineFit calibrate_roofline(const std::vector<CostSample>& all, const Peak& peak) {
  if (all.empty()) throw InputError("roofline calibration: no profiled rows to calibrate on");
  // Every k-th row keeps the fit fast and deterministic on large profiles.
  std::vector<CostSample> rows;
  const std::size_t step = (all.size() + kMaxCalibrationRows - 1) / kMaxCalibrationRows;
  for (std::size_t i = 0; i < all.size(); i += step) rows.push_back(all[i]);
  const std::vector<double> grid = geometric_grid(kMinEfficiency, kGridSteps);
  const bool has_flops = peak.flops_per_s > 0 && std::any_of(rows.begin(), rows.end(), [](const CostSample& r) {
                           return r.cost.flops > 0;
                         });
  const bool causal = has_flops && std::any_of(rows.begin(), rows.end(), [](const CostSample& r) {
                        return r.cost.causal_flops > 0;
                      });
  const std::vector<double> causal_grid =
      causal ? geometric_grid(kMinCausalEfficiency, kCausalGridSteps) : std::vector<double>{1.0};
  RooflineFit best;
  best.mape_percent = std::numeric_limits<double>::infinity();
  std::vector<double> bound(rows.size());
  std::vector<double> residual(rows.size());
  std::vector<std::size_t> order(rows.size());
  for (double ce : causal_grid) {
    for (double fe : has_flops ? grid : std::vector<double>{1.0}) {
      for (double be : grid) {
        RooflineFit f{fe, be, 0, 0, static_cast<std::int64_t>(rows.size()), ce};
        for (std::size_t i = 0; i < rows.size(); ++i) {
          bound[i] = f.time_ms(rows[i].cost, peak);
          residual[i] = rows[i].ms - bound[i];
        }
        f.overhead_ms = best_overhead(rows, residual, order);
        double err = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) err += ape_percent(rows[i].ms, f.overhead_ms + bound[i]);
        f.mape_percent = err / static_cast<double>(rows.size());
        if (f.mape_percent < best.mape_percent) best = f;
      }
    }
  }
  best.samples = static_cast<std::int64_t>(all.size());
  return best;
}

}  // namespace llmsim::llm::detail
