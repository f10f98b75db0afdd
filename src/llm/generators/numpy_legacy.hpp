// SPDX-License-Identifier: MIT
// NumpyLegacyRng: the draws of numpy's legacy RandomState that Vidur's workloads use (gamma, zipf, shuffle).
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm::detail {

/// numpy legacy-distributions.c semantics on an MT19937 seeded like RandomState(seed).
class NumpyLegacyRng {
 public:
  explicit NumpyLegacyRng(std::uint32_t seed) : mt_(Mt19937::numpy_seeded(seed)) {}

  double random_sample() { return mt_.random(); }
  double standard_exponential();
  /// Polar Box-Muller that caches its second value (legacy_gauss).
  double gauss();
  /// Marsaglia-Tsang for shape >= 1, Johnk-like rejection for shape < 1, exponential for shape == 1.
  double standard_gamma(double shape);
  /// RandomState.permutation(n): legacy Fisher-Yates with masked rejection (random_interval).
  std::vector<std::size_t> permutation(std::size_t n);

 private:
  std::uint64_t random_interval(std::uint64_t max);

  Mt19937 mt_;
  bool has_gauss_ = false;
  double gauss_ = 0;
};

}  // namespace llmsim::llm::detail
