// SPDX-License-Identifier: MIT
// The memory budget of a run (--max-memory) and the check of a run's estimate against it.
#pragma once

#include <optional>

#include "llmsim/llm/memory_estimate.hpp"

namespace llmsim::app {

/// Throws ConfigError (before anything large is allocated) if `estimate` exceeds the budget: `max_memory_gib` when
/// given (0 = no limit), else the machine's available memory (MemAvailable in /proc/meminfo; no limit if unknown).
void require_memory(const llm::MemoryEstimate& estimate, std::optional<double> max_memory_gib);

}  // namespace llmsim::app
