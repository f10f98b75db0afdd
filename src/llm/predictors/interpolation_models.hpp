// SPDX-License-Identifier: MIT
// Models trained on profiles: piecewise-linear interpolation through the profiled points inside the profiled
// domain, fitted extrapolation outside it. Deterministic: the same samples give bit-identical models.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llmsim::llm::detail {

/// A value and whether it came from inside the profiled domain.
struct Estimate {
  double ms = 0;
  bool in_domain = true;
};

/// How knots are smoothed before interpolation: each interior knot replaced by the least-squares line through, or
/// the median of, its 2 x width + 1 neighbouring knots (fewer at the ends). Medians resist outlying timings.
struct Smoothing {
  enum class Kind : std::uint8_t { none, line, median };
  Kind kind = Kind::none;
  int width = 0;
};

/// y(x) through knots (x sorted, duplicates averaged), optionally smoothed (Smoothing); constant
/// below the first knot; above the last, a straight line from the last knot with the least-squares slope of the
/// upper half of the knots (never negative).
/// Between knots the interpolation is linear in x and y, or geometric (`log_y`: linear in log y; `log_x`: in
/// log x too), which suits times that grow multiplicatively.
struct Curve {
  std::vector<double> xs;
  std::vector<double> ys;
  double tail_slope = 0;
  bool log_x = false;
  bool log_y = false;

  static Curve fit(const std::vector<double>& x, const std::vector<double>& y, Smoothing smoothing = {},
                   bool log_x = false, bool log_y = false);
  Estimate eval(double x) const;
};

/// y(g, c) for profiles laid out as rows of a group feature g (decode: batch size; prefill: chunk), each with a
/// curve over c (KV-cache size). Inside [first group, last group] and the lower group's c range, interpolates
/// between the two neighbouring group curves, linearly in g or (squared) in g^2. Outside, a least-squares fit of
/// y = b0 + b1 g + b2 g^2 + b3 c + b4 g c weighted for relative error (attention cost is linear in the KV size
/// and at most quadratic in the chunk).
struct Surface {
  std::vector<double> keys;
  std::vector<Curve> groups;
  std::vector<double> beta;
  bool squared = false;

  static Surface fit(const std::vector<double>& g, const std::vector<double>& c, const std::vector<double>& y,
                     bool squared, Smoothing smoothing);
  Estimate eval(double g, double c) const;
  /// The profiled domain in words, e.g. "batch_size 1..128 x kv_cache_size 32..4032".
  std::string domain(const char* g_name, const char* c_name) const;
};

}  // namespace llmsim::llm::detail
