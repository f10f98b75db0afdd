// SPDX-License-Identifier: MIT
// Capacity search: Vidur-Search's binary search on QPS, with two of its defects fixed (docs/sweeps.md).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "llmsim/io/sweep_definition.hpp"

namespace llmsim::sweep {

struct CapacityProbe {
  double qps = 0;
  double metric_value = 0;  ///< the spec's quantile of its metric (s); goodput: the fraction of requests missing
  bool under_slo = false;   ///< metric_value <= the spec's threshold()
};

struct CapacityResult {
  std::vector<CapacityProbe> probes;  ///< in probing order
  std::optional<double> capacity_qps;  ///< highest probed QPS under the SLO; none if no probe met it
};

/// Measures one QPS: the quantile of the metric (goodput: the fraction of requests missing an SLO), or nullopt
/// when the run measured nothing (no completed request).
using ProbeFn = std::function<std::optional<double>(double qps)>;

/// Vidur's loop (spec 5.4): bracket [0, 2 * start_qps], probe the midpoint; under the SLO moves the lower bound
/// up (and widens the upper bound by 4x/2x when the metric is far below the SLO), over it moves the upper bound
/// down (to half the QPS when the metric exceeds 500 s). Stops after max_iterations probes, when the bracket is
/// narrower than min_search_granularity_percent of the last QPS, or when a probe measured nothing.
/// Fixes: the capacity is the maximum passing QPS (Vidur keeps the last one), and the upper bound never drops
/// below a QPS known to pass (Vidur's qps/2 can; here the halving applies only while it stays above it).
CapacityResult search_capacity(const io::CapacitySearchSpec& spec, double start_qps, const ProbeFn& probe);

}  // namespace llmsim::sweep
