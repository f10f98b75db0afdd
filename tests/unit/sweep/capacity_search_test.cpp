// SPDX-License-Identifier: MIT
// search_capacity on synthetic monotone metrics: converges to the SLO threshold, follows Vidur's bracket rules,
// keeps the maximum passing QPS and stops on failed probes, the iteration limit and the granularity.
#include "llmsim/sweep/capacity_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace llmsim::sweep {
namespace {

io::CapacitySearchSpec spec(double slo, int iterations = 20) {
  io::CapacitySearchSpec s;
  s.slo_s = slo;
  s.max_iterations = iterations;
  return s;
}

TEST(CapacitySearch, ConvergesToTheThresholdWithinTheGranularity) {
  // Delay grows linearly with QPS and crosses the 5 s SLO at 7 QPS.
  const CapacityResult r = search_capacity(spec(5.0), 2.0, [](double q) { return std::optional(q * 5.0 / 7.0); });
  ASSERT_TRUE(r.capacity_qps);
  EXPECT_LE(*r.capacity_qps, 7.0);
  EXPECT_GT(*r.capacity_qps, 7.0 * (1 - 0.05));
  EXPECT_DOUBLE_EQ(r.probes.front().qps, 2.0);  // first probe: middle of [0, 2 * start_qps]
  for (const CapacityProbe& p : r.probes) EXPECT_EQ(p.under_slo, p.qps * 5.0 / 7.0 <= 5.0);
}

TEST(CapacitySearch, WidensTheBracketWhenFarBelowTheSlo) {
  // 0.1 s at the first probe (< SLO / 8): the upper bound quadruples, so the search reaches 1000 QPS quickly.
  const CapacityResult r = search_capacity(spec(5.0), 1.0, [](double q) { return std::optional(q / 200.0); });
  ASSERT_TRUE(r.capacity_qps);
  EXPECT_GT(*r.capacity_qps, 900.0);
  EXPECT_DOUBLE_EQ(r.probes[1].qps, (1.0 + 8.0) / 2);  // right = min(4 * 2, inf) = 8 after passing at 1
}

TEST(CapacitySearch, CapacityIsTheMaximumPassingQpsAndNeverProbesBelowAKnownGoodOne) {
  // A step: fine up to 3 QPS, then a huge delay (> 500 s), which makes Vidur halve the QPS.
  const CapacityResult r =
      search_capacity(spec(5.0), 4.0, [](double q) { return std::optional(q <= 3.0 ? 1.0 : 1000.0); });
  ASSERT_TRUE(r.capacity_qps);
  double best_passing = 0;
  double lowest_after_pass = 1e9;
  bool passed = false;
  for (const CapacityProbe& p : r.probes) {
    if (passed) lowest_after_pass = std::min(lowest_after_pass, p.qps);
    if (p.under_slo) {
      best_passing = std::max(best_passing, p.qps);
      passed = true;
    }
  }
  EXPECT_DOUBLE_EQ(*r.capacity_qps, best_passing);
  EXPECT_LE(*r.capacity_qps, 3.0);
  EXPECT_GT(*r.capacity_qps, 3.0 * 0.95);
  const double first_pass = [&] {
    for (const CapacityProbe& p : r.probes) {
      if (p.under_slo) return p.qps;
    }
    return 0.0;
  }();
  EXPECT_GE(lowest_after_pass, first_pass);
}

TEST(CapacitySearch, GoodputSearchesTheHighestQpsThatKeepsTheAttainment) {
  // DistServe's goodput: at least 90 % of requests within their SLOs; the share missing grows by 1 % per QPS
  // above 5 QPS, so 15 QPS is the highest rate that keeps 90 %.
  io::CapacitySearchSpec goodput;
  goodput.metric = "goodput";
  goodput.slos = {{"ttft", 2.0}, {"tpot", 0.1}};
  goodput.attainment = 0.9;
  EXPECT_DOUBLE_EQ(goodput.threshold(), 1 - 0.9);
  const auto missing = [](double q) { return std::optional(std::max(0.0, (q - 5) / 100)); };
  const CapacityResult r = search_capacity(goodput, 4.0, missing);
  ASSERT_TRUE(r.capacity_qps);
  EXPECT_LE(*r.capacity_qps, 15.0);
  EXPECT_GT(*r.capacity_qps, 15.0 * (1 - 0.05));
  for (const CapacityProbe& p : r.probes) EXPECT_EQ(p.under_slo, *missing(p.qps) <= 1 - 0.9) << p.qps;
}

TEST(CapacitySearch, NoPassingProbeMeansNoCapacity) {
  const CapacityResult r = search_capacity(spec(1.0, 6), 1.0, [](double) { return std::optional(2.0); });
  EXPECT_FALSE(r.capacity_qps);
  EXPECT_EQ(r.probes.size(), 6u);  // the bracket halves towards 0 until the iteration limit
  EXPECT_LT(r.probes.back().qps, r.probes.front().qps);
}

TEST(CapacitySearch, StopsWhenAProbeMeasuresNothing) {
  int calls = 0;
  const CapacityResult r = search_capacity(spec(5.0), 1.0, [&](double q) -> std::optional<double> {
    ++calls;
    if (calls == 3) return std::nullopt;
    return q / 100;
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(r.probes.size(), 2u);
}

}  // namespace
}  // namespace llmsim::sweep
