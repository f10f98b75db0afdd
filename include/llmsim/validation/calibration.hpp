// SPDX-License-Identifier: MIT
// Calibration: the CPU-overhead terms of a user's serving stack fitted to their own per-request measurements,
// with cross-validated error before and after (docs/validation.md, "Calibration").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "llmsim/io/serving_measurements.hpp"
#include "llmsim/llm/config.hpp"

namespace llmsim::validation {

/// Median |error| (percent) of the two per-request metrics the fit weighs equally: TTFT, and TPOT ((e2e - TTFT) /
/// (output tokens - 1), requests of more than one output token); and of the request latency, reported only.
struct RequestErrors {
  double ttft = 0;
  double tpot = 0;
  double e2e = 0;
  std::int64_t requests = 0;
};

/// One fold of the cross-validation: the terms fitted without its requests, and their error on them.
struct CalibrationFold {
  std::string held_out;  ///< a run's file (leave-one-run-out) or "requests i mod k = j"
  llm::CpuOverheadConfig terms;
  RequestErrors before;  ///< with the config's own terms
  RequestErrors after;
};

struct CalibrationResult {
  llm::CpuOverheadConfig before_terms;  ///< the config's own
  llm::CpuOverheadConfig terms;         ///< fitted on every request
  RequestErrors fit_before;             ///< every request, the config's terms (nothing fitted: also held out)
  RequestErrors fit_after;              ///< every request, the fitted terms (in-sample)
  std::vector<CalibrationFold> folds;
  RequestErrors held_out_after;  ///< pooled over the folds' held-out requests
  std::int64_t simulations = 0;
};

/// The grids the fit searches (ms; 0 and 1-1.5-2-3-5-7 steps per decade), exposed for the docs and tests.
const std::vector<double>& launch_per_layer_grid();
const std::vector<double>& per_iteration_grid();
const std::vector<double>& per_request_grid();

/// Fits execution_time_predictor.cpu_overhead (launch_per_layer_ms, per_iteration_ms, per_request_ms) of `config`
/// to the measured requests of `runs`, each run simulated as its own arrivals on the config's cluster: the best
/// point of a coarse grid (0, 1 and 3 x 10^e), then coordinate descent over the fine grids, minimising
/// median |TTFT error| + median |TPOT error| (deterministic). Cross-validation leaves out one run at a time when there are several, else `folds` interleaved
/// folds of the requests. Throws InputError if a simulated request does not complete.
CalibrationResult calibrate_cpu_overhead(const llm::SimulationConfig& config, const std::vector<io::ServingRun>& runs,
                                         int folds, const std::function<void(std::int64_t)>& progress = {});

}  // namespace llmsim::validation
