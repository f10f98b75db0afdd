// SPDX-License-Identifier: MIT
// poisson, gamma, static and trace inter-arrival generators (Vidur spec 7.2 table, 11 items 26-28).
#include <algorithm>
#include <cmath>

#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"
#include "trace_time.hpp"
#include "workload_generators.hpp"

namespace llmsim::llm::detail {

namespace {

/// Exponential gaps capped at 3/qps (Vidur's cap makes the real rate about 1.052 x qps).
class PoissonIntervals final : public IntervalGenerator {
 public:
  PoissonIntervals(double qps, Mt19937& rng) : qps_(qps), rng_(rng) {}
  std::optional<double> next() override { return std::min(-std::log(1.0 - rng_.random()) / qps_, 3.0 / qps_); }

 private:
  double qps_;
  Mt19937& rng_;
};

/// scipy gamma.rvs(k, scale) = numpy global standard_gamma(k) * scale, with k = 1/cv^2, scale = 1/(qps k).
class GammaIntervals final : public IntervalGenerator {
 public:
  GammaIntervals(double qps, double cv, NumpyLegacyRng& rng)
      : shape_(1.0 / (cv * cv)), scale_(1.0 / (qps * shape_)), rng_(rng) {}
  std::optional<double> next() override { return rng_.standard_gamma(shape_) * scale_; }

 private:
  double shape_;
  double scale_;
  NumpyLegacyRng& rng_;
};

class StaticIntervals final : public IntervalGenerator {
 public:
  std::optional<double> next() override { return 0.0; }
};

/// Gaps between whole-second arrival offsets of a datetime trace, starting at its second row.
class TraceIntervals final : public IntervalGenerator {
 public:
  explicit TraceIntervals(const IntervalGeneratorConfig& c);
  std::optional<double> next() override {
    if (next_ >= arrivals_.size()) return std::nullopt;
    const double gap = arrivals_[next_] - arrivals_[next_ - 1];
    ++next_;
    return gap;
  }

 private:
  std::vector<double> arrivals_;
  std::size_t next_ = 1;
};

TraceIntervals::TraceIntervals(const IntervalGeneratorConfig& c) {
  const CsvTable t = CsvTable::read(c.trace_file);
  const double start = parse_datetime_seconds(c.start_time, "request_generator.interval_generator.start_time");
  const double end = parse_datetime_seconds(c.end_time, "request_generator.interval_generator.end_time");
  const std::vector<std::string_view> cells = t.text_column("arrival_time");
  std::vector<double> kept;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    const std::string where = t.path() + ":" + std::to_string(t.line_of(r)) + ": column 'arrival_time'";
    const double s = parse_datetime_seconds(cells[r], where);
    if (s > start && s < end) kept.push_back(s);
  }
  if (kept.empty()) throw InputError(t.path() + ": no arrival_time strictly between start_time and end_time");
  const double first = *std::min_element(kept.begin(), kept.end());
  for (double s : kept) arrivals_.push_back(std::floor(s - first) * c.time_scale_factor);
  for (std::size_t i = 1; i < arrivals_.size(); ++i) {
    if (arrivals_[i] < arrivals_[i - 1]) throw InputError(t.path() + ": arrival_time values must be sorted");
  }
}

}  // namespace

const std::vector<IntervalGeneratorPlugin>& interval_generators() {
  static const std::vector<IntervalGeneratorPlugin> all{
      {{"poisson", {"qps", "seed"}, "exponential gaps at qps (Python's random.expovariate stream)"},
       [](const IntervalGeneratorConfig& c, GlobalStreams& s) -> std::unique_ptr<IntervalGenerator> {
         return std::make_unique<PoissonIntervals>(c.qps, s.python);
       }},
      {{"gamma", {"qps", "cv", "seed"}, "gamma-distributed gaps with mean 1/qps and coefficient of variation cv"},
       [](const IntervalGeneratorConfig& c, GlobalStreams& s) -> std::unique_ptr<IntervalGenerator> {
         return std::make_unique<GammaIntervals>(c.qps, c.cv, s.numpy);
       }},
      {{"static", {"seed"}, "every request arrives at t = 0"},
       [](const IntervalGeneratorConfig&, GlobalStreams&) -> std::unique_ptr<IntervalGenerator> {
         return std::make_unique<StaticIntervals>();
       }},
      {{"trace", {"trace_file", "start_time", "end_time", "time_scale_factor", "seed"},
        "gaps between the arrival_time datetimes of a trace between start_time and end_time"},
       [](const IntervalGeneratorConfig& c, GlobalStreams&) -> std::unique_ptr<IntervalGenerator> {
         return std::make_unique<TraceIntervals>(c);
       }},
  };
  return all;
}

}  // namespace llmsim::llm::detail
