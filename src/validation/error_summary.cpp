// SPDX-License-Identifier: MIT
// summarise and check_bounds.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <tuple>

#include "llmsim/validation/validation_run.hpp"

namespace llmsim::validation {

namespace {

// numpy.percentile's default (linear between the order statistics of sorted `v`).
double percentile(const std::vector<double>& v, double q) {
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

std::vector<SummaryRow> summarise(const std::vector<CaseError>& errors) {
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;
  std::vector<Key> order;
  std::map<Key, std::vector<double>> signed_errors;
  for (const CaseError& e : errors) {
    const Key k{e.suite, e.c->gpu, e.c->model, e.c->predictor, e.metric, e.c->role};
    auto [it, added] = signed_errors.try_emplace(k);
    if (added) order.push_back(k);
    it->second.push_back(e.error_percent);
  }
  std::vector<SummaryRow> out;
  for (const Key& k : order) {
    const std::vector<double>& v = signed_errors[k];
    std::vector<double> abs_v(v.size());
    std::transform(v.begin(), v.end(), abs_v.begin(), [](double x) { return std::abs(x); });
    std::sort(abs_v.begin(), abs_v.end());
    double sum = 0;
    for (double x : v) sum += x;
    const auto& [suite, gpu, model, predictor, metric, role] = k;
    out.push_back({suite, gpu, model, predictor, metric, role, static_cast<std::int64_t>(v.size()),
                   percentile(abs_v, 0.5), percentile(abs_v, 0.9), abs_v.back(), sum / static_cast<double>(v.size())});
  }
  return out;
}

std::vector<std::string> check_bounds(const std::vector<SummaryRow>& summary, const std::vector<io::ErrorBound>& bounds) {
  std::vector<std::string> out;
  for (const SummaryRow& s : summary) {
    const std::string group = s.suite + " " + s.gpu + " " + s.model + " " + s.predictor + " " + s.metric;
    const auto b = std::find_if(bounds.begin(), bounds.end(), [&](const io::ErrorBound& x) {
      return x.suite == s.suite && x.gpu == s.gpu && x.model == s.model && x.predictor == s.predictor &&
             x.metric == s.metric;
    });
    if (b == bounds.end()) {
      out.push_back(group + ": no bound (add one to the bounds file)");
      continue;
    }
    for (auto [what, value, bound] : {std::tuple{"median", s.median_abs_percent, b->median_percent},
                                      {"P90", s.p90_abs_percent, b->p90_percent},
                                      {"max", s.max_abs_percent, b->max_percent}}) {
      if (value > bound) out.push_back(fmt::format("{}: {} |error| {:.3f} % exceeds its bound {:.3f} %", group, what, value, bound));
    }
  }
  return out;
}

}  // namespace llmsim::validation
