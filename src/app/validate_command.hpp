// SPDX-License-Identifier: MIT
// `llmsim validate`: llmsim's predictions against measurements made on real GPUs (docs/validation.md).
#pragma once

#include <string>
#include <vector>

namespace llmsim::app {

struct ValidateOptions {
  std::vector<std::string> suites{"configs/validation/suites"};  ///< suite files or directories of them
  std::string output_path = "out/validation.h5";
  std::string bounds_path;             ///< --check: fail (exit 4) when a group's error exceeds its bound
  std::vector<std::string> overrides;  ///< applied to every case's config
  bool print_cases = false;
};

/// Exit code of a check that found an error past its bound.
inline constexpr int kBoundExceededExit = 4;

/// Runs the suites, prints the summary (and the cases), writes the HDF5 file; 0, 2 (bad input) or 4.
int validate_command(const ValidateOptions& options);

}  // namespace llmsim::app
