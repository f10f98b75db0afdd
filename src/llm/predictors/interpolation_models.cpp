// SPDX-License-Identifier: MIT
// Curve and Surface fitting and evaluation (docs/predictor.md, "Models").
#include "interpolation_models.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <spdlog/fmt/fmt.h>
#include <cmath>
#include <map>
#include <numeric>

#include "llmsim/util/assert.hpp"

namespace llmsim::llm::detail {

namespace {

constexpr int kBasisSize = 5;

std::array<double, kBasisSize> basis(double g, double c) { return {1.0, g, g * g, c, g * c}; }

// Index of the last key <= v (keys sorted ascending, v within [front, back]).
std::size_t lower_index(const std::vector<double>& keys, double v) {
  const auto it = std::upper_bound(keys.begin(), keys.end(), v);
  return static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, it - keys.begin() - 1));
}

// The least-squares line through knots first..last, evaluated at x (unbiased for a linear trend even where the
// knot spacing changes, unlike a moving mean).
double local_line(const std::vector<double>& xs, const std::vector<double>& ys, std::size_t first, std::size_t last,
                  double x) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const auto n = static_cast<double>(last - first + 1);
  for (std::size_t j = first; j <= last; ++j) {
    sx += xs[j];
    sy += ys[j];
    sxx += xs[j] * xs[j];
    sxy += xs[j] * ys[j];
  }
  const double denom = n * sxx - sx * sx;
  const double slope = denom > 0 ? (n * sxy - sx * sy) / denom : 0.0;
  return sy / n + slope * (x - sx / n);
}

}  // namespace

Curve Curve::fit(const std::vector<double>& x, const std::vector<double>& y, Smoothing smoothing, bool log_x,
                 bool log_y) {
  LLMSIM_ASSERT(!x.empty() && x.size() == y.size(), "curve fitted on no samples");
  std::map<double, std::pair<double, int>> by_x;  // x -> (sum, count): sorted, duplicates averaged
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto& [sum, count] = by_x[x[i]];
    sum += y[i];
    ++count;
  }
  Curve c;
  c.log_x = log_x && by_x.begin()->first > 0;
  c.log_y = log_y && std::all_of(y.begin(), y.end(), [](double v) { return v > 0; });
  for (const auto& [key, acc] : by_x) {
    c.xs.push_back(key);
    c.ys.push_back(acc.first / acc.second);
  }
  if (smoothing.kind != Smoothing::Kind::none && c.ys.size() > 2) {
    const auto w = static_cast<std::size_t>(smoothing.width);
    std::vector<double> s = c.ys;
    for (std::size_t i = 1; i + 1 < c.ys.size(); ++i) {
      const std::size_t half = std::min({w, i, c.ys.size() - 1 - i});  // symmetric window, shrunk at the ends
      if (smoothing.kind == Smoothing::Kind::line) {
        s[i] = local_line(c.xs, c.ys, i - half, i + half, c.xs[i]);
      } else {
        std::vector<double> window(c.ys.begin() + static_cast<std::ptrdiff_t>(i - half),
                                   c.ys.begin() + static_cast<std::ptrdiff_t>(i + half + 1));
        std::nth_element(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(half), window.end());
        s[i] = window[half];
      }
    }
    c.ys = std::move(s);
  }
  // Least-squares slope over the upper half of the knots (by x), for extrapolation beyond the last one.
  const double half = c.xs.back() / 2;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (std::size_t i = 0; i < c.xs.size(); ++i) {
    if (c.xs[i] < half && c.xs.size() - i > 2) continue;
    sx += c.xs[i];
    sy += c.ys[i];
    sxx += c.xs[i] * c.xs[i];
    sxy += c.xs[i] * c.ys[i];
    ++n;
  }
  const double denom = n * sxx - sx * sx;
  c.tail_slope = n >= 2 && denom > 0 ? std::max(0.0, (n * sxy - sx * sy) / denom) : 0.0;
  return c;
}

Estimate Curve::eval(double x) const {
  if (x <= xs.front()) return {ys.front(), x == xs.front()};
  if (x >= xs.back()) return {ys.back() + tail_slope * (x - xs.back()), x == xs.back()};
  const std::size_t i = lower_index(xs, x);
  const double t = log_x ? std::log(x / xs[i]) / std::log(xs[i + 1] / xs[i]) : (x - xs[i]) / (xs[i + 1] - xs[i]);
  return {log_y ? ys[i] * std::pow(ys[i + 1] / ys[i], t) : ys[i] + t * (ys[i + 1] - ys[i]), true};
}

Surface Surface::fit(const std::vector<double>& g, const std::vector<double>& c, const std::vector<double>& y,
                     bool squared, Smoothing smoothing) {
  LLMSIM_ASSERT(!g.empty() && g.size() == c.size() && g.size() == y.size(), "surface fitted on no samples");
  std::map<double, std::pair<std::vector<double>, std::vector<double>>> rows;
  for (std::size_t i = 0; i < g.size(); ++i) {
    rows[g[i]].first.push_back(c[i]);
    rows[g[i]].second.push_back(y[i]);
  }
  Surface s;
  s.squared = squared;
  for (const auto& [key, xy] : rows) {
    s.keys.push_back(key);
    s.groups.push_back(Curve::fit(xy.first, xy.second, smoothing));
  }
  // Weighted least squares (weights 1/y, i.e. relative error) for the region outside the profiles.
  Eigen::MatrixXd a(static_cast<Eigen::Index>(g.size()), kBasisSize);
  Eigen::VectorXd b(static_cast<Eigen::Index>(g.size()));
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double w = y[i] > 0 ? 1.0 / y[i] : 1.0;
    const auto phi = basis(g[i], c[i]);
    for (int j = 0; j < kBasisSize; ++j) a(static_cast<Eigen::Index>(i), j) = w * phi[static_cast<std::size_t>(j)];
    b(static_cast<Eigen::Index>(i)) = w * y[i];
  }
  const Eigen::VectorXd beta = a.colPivHouseholderQr().solve(b);
  s.beta.assign(beta.data(), beta.data() + beta.size());
  return s;
}

Estimate Surface::eval(double g, double c) const {
  const bool inside_g = g >= keys.front() && g <= keys.back();
  if (inside_g) {
    const std::size_t i = lower_index(keys, g);
    const Estimate lo = groups[i].eval(c);
    if (lo.in_domain) {
      if (keys[i] == g || i + 1 == keys.size()) return lo;
      const Estimate hi = groups[i + 1].eval(c);
      const auto tr = [&](double v) { return squared ? v * v : v; };
      const double t = (tr(g) - tr(keys[i])) / (tr(keys[i + 1]) - tr(keys[i]));
      return {lo.ms + t * (hi.ms - lo.ms), true};
    }
  }
  const auto phi = basis(g, c);
  double v = 0;
  for (int j = 0; j < kBasisSize; ++j) v += beta[static_cast<std::size_t>(j)] * phi[static_cast<std::size_t>(j)];
  return {std::max(v, 0.0), false};
}

std::string Surface::domain(const char* g_name, const char* c_name) const {
  double c_lo = groups.front().xs.front();
  double c_hi = groups.front().xs.back();
  for (const Curve& k : groups) {
    c_lo = std::min(c_lo, k.xs.front());
    c_hi = std::max(c_hi, k.xs.back());
  }
  return fmt::format("{0} {1:g}..{2:g} x {3} {4:g}..{5:g} ({6} {0} values)", g_name, keys.front(), keys.back(), c_name,
                     c_lo, c_hi, keys.size());
}

}  // namespace llmsim::llm::detail
