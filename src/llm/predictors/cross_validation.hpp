// SPDX-License-Identifier: MIT
// Vidur's MAPE scoring (predictor spec 2.2) and the k-fold held-out error that picks each operator's model.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace llmsim::llm::detail {

/// Absolute percentage error of `predicted` against `actual`; for actual == 0, 0 if predicted == 0, else 100.
inline double ape_percent(double actual, double predicted) {
  if (actual == 0) return predicted == 0 ? 0.0 : 100.0;
  return 100.0 * std::abs(actual - predicted) / std::abs(actual);
}

/// Mean absolute percentage error of k-fold held-out predictions, the fold of row i being i mod k (k = 2 when
/// there are fewer rows than folds): the contract with scripts/predictor_accuracy_sklearn.py.
/// `fit_predict(train_rows, test_rows)` fits on `train_rows` and returns the predictions for `test_rows`.
template <typename FitPredict>
double kfold_mape(std::size_t rows, const std::vector<double>& y, int folds, FitPredict fit_predict) {
  const std::size_t k = rows < static_cast<std::size_t>(folds) ? 2 : static_cast<std::size_t>(folds);
  double sum = 0;
  for (std::size_t f = 0; f < k; ++f) {
    std::vector<std::size_t> train;
    std::vector<std::size_t> test;
    for (std::size_t i = 0; i < rows; ++i) (i % k == f ? test : train).push_back(i);
    if (test.empty() || train.empty()) continue;
    const std::vector<double> predicted = fit_predict(train, test);
    for (std::size_t j = 0; j < test.size(); ++j) sum += ape_percent(y[test[j]], predicted[j]);
  }
  return sum / static_cast<double>(rows);
}

}  // namespace llmsim::llm::detail
