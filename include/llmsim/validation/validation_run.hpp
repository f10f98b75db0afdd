// SPDX-License-Identifier: MIT
// Running validation suites: every case predicted by llmsim, compared with its measurement, summarised per group
// and checked against regression bounds (docs/validation.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "llmsim/io/validation_suite.hpp"
#include "llmsim/sweep/point_runner.hpp"

namespace llmsim::validation {

/// One metric of one case: measured, predicted (ms) and the signed relative error 100 (predicted - measured) /
/// measured.
struct CaseError {
  std::string suite;
  const io::ValidationCase* c = nullptr;  ///< in the suite it was run from
  std::string metric;
  double measured_ms = 0;
  double predicted_ms = 0;
  double error_percent = 0;
  std::int64_t repeats = 0;
};

/// |error| statistics of one (suite, GPU, model, predictor, metric, role) group; percentiles interpolate linearly
/// between order statistics (numpy's default).
struct SummaryRow {
  std::string suite, gpu, model, predictor, metric, role;
  std::int64_t cases = 0;
  double median_abs_percent = 0;
  double p90_abs_percent = 0;
  double max_abs_percent = 0;
  double mean_signed_percent = 0;  ///< > 0: llmsim predicts slower than measured
};

class SuiteRunner {
 public:
  /// Called after each case with (cases done, cases in the suite).
  using ProgressFn = std::function<void(std::size_t, std::size_t)>;
  void set_progress(ProgressFn progress) { progress_ = std::move(progress); }

  /// Predicts every case of `suite` (a simulation of its resolved config) and returns one CaseError per measured
  /// metric, in case order. Throws InputError naming the case if a simulated request does not complete.
  std::vector<CaseError> run(const io::ValidationSuite& suite);

 private:
  sweep::PointRunner runner_;  // shares predictors between the cases of a deployment
  ProgressFn progress_;
};

/// One row per group, in order of first appearance.
std::vector<SummaryRow> summarise(const std::vector<CaseError>& errors);

/// The groups whose median, P90 or maximum |error| exceeds its bound, and the groups without a bound, as
/// messages (empty: every group is within its bound).
std::vector<std::string> check_bounds(const std::vector<SummaryRow>& summary, const std::vector<io::ErrorBound>& bounds);

}  // namespace llmsim::validation
