// SPDX-License-Identifier: MIT
// Zipf-distributed system-prompt families over a dedicated stream.
#include "shared_prefix.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm::detail {

std::uint64_t family_key(std::int64_t f) {
  std::uint64_t z = static_cast<std::uint64_t>(f) + 0x53797374656d5031ULL;  // "SystemP1"
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return z == 0 ? 1 : z;
}

void assign_shared_prefixes(std::vector<RequestSpec>& requests, const SharedPrefixConfig& config, std::uint64_t seed) {
  if (config.num_families == 0) return;
  std::vector<double> cdf(static_cast<std::size_t>(config.num_families));
  double total = 0;
  for (std::size_t f = 0; f < cdf.size(); ++f) {
    total += 1.0 / std::pow(static_cast<double>(f + 1), config.zipf_theta);
    cdf[f] = total;
  }
  const std::array<std::uint32_t, 3> key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                                         0x70726678};  // "prfx": a stream of its own
  Mt19937 rng = Mt19937::from_key(key);
  for (RequestSpec& r : requests) {
    const double u = rng.random() * total;
    const auto f = std::min<std::size_t>(
        static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()), cdf.size() - 1);
    r.content.prefix_key = family_key(static_cast<std::int64_t>(f));
    r.content.prefix_tokens = std::min(config.tokens, r.num_prefill_tokens);
  }
}

}  // namespace llmsim::llm::detail
