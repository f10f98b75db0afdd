// SPDX-License-Identifier: MIT
// `llmsim calibrate`: the CPU-overhead terms of a serving stack fitted to its own measurements (docs/validation.md).
#pragma once

#include <string>
#include <vector>

namespace llmsim::app {

struct CalibrateOptions {
  std::string config_path;                ///< the llmsim config of the measured server's settings
  std::vector<std::string> overrides;     ///< --set
  std::vector<std::string> measurements;  ///< vLLM bench serve result JSON files and per-request CSV files
  int folds = 5;                          ///< cross-validation folds when there is one measurement file
  std::string output_path = "out/cpu_overhead.yaml";
};

/// Fits, prints the errors before and after (in-sample and held-out) and writes the terms as a cpu_overhead file;
/// 0 or 2 (bad input).
int calibrate_command(const CalibrateOptions& options);

}  // namespace llmsim::app
