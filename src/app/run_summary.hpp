// SPDX-License-Identifier: MIT
// End-of-run summary: latency percentiles and throughput, printed for people (the HDF5 file has everything).
#pragma once

#include <string>
#include <vector>

#include "llmsim/llm/results.hpp"

namespace llmsim::app {

/// Multi-line text: P50/P90/P99 of TTFT, TBT, e2e and scheduling delay, makespan, restarts, events/s.
/// Ends with format_provenance().
std::string format_summary(const llm::SimulationResults& results, double wall_seconds);

/// One line: the share of simulated GPU time per prediction source; plus a warning line when more than 5 % came
/// from outside the profiles (extrapolated or roofline).
std::string format_provenance(const llm::SimulationResults& results);

}  // namespace llmsim::app
