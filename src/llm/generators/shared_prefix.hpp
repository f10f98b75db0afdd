// SPDX-License-Identifier: MIT
// Shared prompt prefixes: which system-prompt family each generated request starts with.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/request.hpp"
#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm::detail {

/// Key of family `f` (never 0, which means "unique").
std::uint64_t family_key(std::int64_t f);

/// Stream key of the session named `id` in a trace (FNV-1a of the text, never 0).
std::uint64_t session_key(std::string_view id);

/// Draws a family key, P(f) proportional to 1 / (f + 1)^theta (needs num_families >= 1).
class FamilyPicker {
 public:
  explicit FamilyPicker(const SharedPrefixConfig& config);
  std::uint64_t pick(Mt19937& rng) const;

 private:
  std::vector<double> cdf_;
};

/// Gives each request a family drawn from its own MT19937 stream (seeded from `seed`, so the arrival and length
/// streams stay Vidur's): P(f) proportional to 1 / (f + 1)^theta; the prompt's first min(tokens, prompt) tokens
/// are the family's. Nothing changes with 0 families.
void assign_shared_prefixes(std::vector<RequestSpec>& requests, const SharedPrefixConfig& config, std::uint64_t seed);

}  // namespace llmsim::llm::detail
