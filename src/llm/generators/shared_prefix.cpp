// SPDX-License-Identifier: MIT
// Zipf-distributed system-prompt families over a dedicated stream.
#include "shared_prefix.hpp"

#include <algorithm>
#include <cmath>

#include "llmsim/llm/rng_purposes.hpp"
#include "llmsim/util/hashing.hpp"
#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm::detail {

std::uint64_t family_key(std::int64_t f) {
  const std::uint64_t z = splitmix64_mix(static_cast<std::uint64_t>(f) + 0x53797374656d5031ULL);  // "SystemP1"
  return z == 0 ? 1 : z;
}

std::uint64_t session_key(std::string_view id) {
  const std::uint64_t h = fnv1a64(id);
  return h == 0 ? 1 : h;
}

FamilyPicker::FamilyPicker(const SharedPrefixConfig& config) : cdf_(static_cast<std::size_t>(config.num_families)) {
  double total = 0;
  for (std::size_t f = 0; f < cdf_.size(); ++f) {
    total += 1.0 / std::pow(static_cast<double>(f + 1), config.zipf_theta);
    cdf_[f] = total;
  }
}

std::uint64_t FamilyPicker::pick(Mt19937& rng) const {
  const double u = rng.random() * cdf_.back();
  const auto f = std::min<std::size_t>(
      static_cast<std::size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()), cdf_.size() - 1);
  return family_key(static_cast<std::int64_t>(f));
}

void assign_shared_prefixes(std::vector<RequestSpec>& requests, const SharedPrefixConfig& config, std::uint64_t seed) {
  if (config.num_families == 0) return;
  const FamilyPicker families(config);
  Mt19937 rng = make_rng_stream(seed, 0, purpose(RngPurpose::shared_prefix));
  for (RequestSpec& r : requests) {
    r.content.prefix_key = families.pick(rng);
    r.content.prefix_tokens = std::min(config.tokens, r.num_prefill_tokens);
  }
}

}  // namespace llmsim::llm::detail
