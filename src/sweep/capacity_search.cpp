// SPDX-License-Identifier: MIT
// Binary search on QPS (Vidur-Search, spec 5.4).
#include "llmsim/sweep/capacity_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmsim::sweep {

CapacityResult search_capacity(const io::CapacitySearchSpec& spec, double start_qps, const ProbeFn& probe) {
  CapacityResult out;
  double left = 0;
  double right = 2 * start_qps;
  double qps = 0;
  double min_over = std::numeric_limits<double>::infinity();
  const double slo = spec.threshold();
  for (int i = 0; i < spec.max_iterations; ++i) {
    if (std::abs(left - right) < spec.min_search_granularity_percent * qps / 100) break;
    qps = (left + right) / 2;
    const std::optional<double> d = probe(qps);
    if (!d || std::isnan(*d)) break;
    const bool ok = *d <= slo;
    out.probes.push_back({qps, *d, ok});
    if (ok) {
      out.capacity_qps = std::max(out.capacity_qps.value_or(0), qps);
      if (*d < slo / 8) {
        right = std::min(4 * right, min_over);
      } else if (*d < slo / 4) {
        right = std::min(2 * right, min_over);
      } else if (qps > 0.8 * right) {
        right = std::min(2 * right, min_over);
      }
      left = qps;
    } else {
      right = *d > 500 && qps / 2 > left ? qps / 2 : qps;
      min_over = std::min(min_over, qps);
    }
  }
  return out;
}

}  // namespace llmsim::sweep
