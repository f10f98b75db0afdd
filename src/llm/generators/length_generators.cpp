// SPDX-License-Identifier: MIT
// fixed, uniform, zipf and trace request-length generators (Vidur spec 7.2).
#include <cmath>

#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"
#include "trace_columns.hpp"
#include "workload_generators.hpp"

namespace llmsim::llm::detail {

namespace {

class FixedLengths final : public LengthGenerator {
 public:
  FixedLengths(double p, double d) : p_(p), d_(d) {}
  std::optional<std::pair<double, double>> next() override { return std::pair{p_, d_}; }

 private:
  double p_;
  double d_;
};

/// total = random.uniform(min, max); decode = ceil(total / (1 + ratio)); prefill = total - decode.
class UniformLengths final : public LengthGenerator {
 public:
  UniformLengths(const LengthGeneratorConfig& c, Mt19937& rng) : c_(c), rng_(rng) {}
  std::optional<std::pair<double, double>> next() override {
    const auto lo = static_cast<double>(c_.min_tokens);
    const double total = lo + (static_cast<double>(c_.max_tokens) - lo) * rng_.random();
    const double decode = std::ceil(total / (1.0 + c_.prefill_to_decode_ratio));
    return std::pair{total - decode, decode};
  }

 private:
  LengthGeneratorConfig c_;
  Mt19937& rng_;
};

/// YCSB-style Zipf on its own RandomState(seed); Vidur's zeta() sums to n - 1 (spec 7.2, 11 item 30).
class ZipfLengths final : public LengthGenerator {
 public:
  explicit ZipfLengths(const LengthGeneratorConfig& c);
  std::optional<std::pair<double, double>> next() override;

 private:
  static double zeta(std::int64_t n, double theta) {
    double sum = 0;
    for (std::int64_t i = 1; i < n; ++i) sum += std::pow(static_cast<double>(i), -theta);
    return sum;
  }

  LengthGeneratorConfig c_;
  NumpyLegacyRng rng_;
  std::int64_t items_;
  double zetan_;
  double alpha_;
  double eta_;
};

ZipfLengths::ZipfLengths(const LengthGeneratorConfig& c)
    : c_(c), rng_(static_cast<std::uint32_t>(c.seed)), items_(c.max_tokens - c.min_tokens + 1) {
  const double zeta2 = zeta(2, c.theta);
  zetan_ = zeta(items_, c.theta);
  alpha_ = 1.0 / (1.0 - c.theta);
  eta_ = (1.0 - std::pow(2.0 / static_cast<double>(items_), 1.0 - c.theta)) / (1.0 - zeta2 / (zetan_ + 1e-8));
}

std::optional<std::pair<double, double>> ZipfLengths::next() {
  const double u = rng_.random_sample();
  const double uz = u * zetan_;
  std::int64_t total = c_.min_tokens;
  if (uz >= 1.0 && uz < 1.0 + std::pow(0.5, c_.theta)) {
    total = c_.min_tokens + 1;
  } else if (uz >= 1.0) {
    total = c_.min_tokens +
            static_cast<std::int64_t>(static_cast<double>(items_) * std::pow(eta_ * u - eta_ + 1.0, alpha_));
  }
  const double decode = static_cast<double>(total) / (1.0 + c_.prefill_to_decode_ratio);
  return std::pair{static_cast<double>(total) - decode, decode};
}

/// Rows of a length trace, scaled, clamped to max_tokens and shuffled once (pandas sample(frac=1, seed)).
class TraceLengths final : public LengthGenerator {
 public:
  explicit TraceLengths(const LengthGeneratorConfig& c);
  std::optional<std::pair<double, double>> next() override {
    if (next_ >= rows_.size()) return std::nullopt;
    return rows_[order_[next_++]];
  }

 private:
  std::vector<std::pair<double, double>> rows_;
  std::vector<std::size_t> order_;
  std::size_t next_ = 0;
};

TraceLengths::TraceLengths(const LengthGeneratorConfig& c) {
  const CsvTable t = CsvTable::read(c.trace_file);
  const std::vector<std::int64_t> ps = scaled_token_counts(t, "num_prefill_tokens", c.prefill_scale_factor);
  const std::vector<std::int64_t> ds = scaled_token_counts(t, "num_decode_tokens", c.decode_scale_factor);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    std::int64_t p = ps[r];
    std::int64_t d = ds[r];
    const std::int64_t total = p + d;
    const auto diff = static_cast<double>(std::max<std::int64_t>(0, total - c.max_tokens));
    const double p_ratio = static_cast<double>(p) / static_cast<double>(total);
    const double d_ratio = static_cast<double>(d) / static_cast<double>(total);
    p = std::max<std::int64_t>(1, p - static_cast<std::int64_t>(std::ceil(diff * p_ratio)));
    d = std::max<std::int64_t>(1, d - static_cast<std::int64_t>(std::ceil(diff * d_ratio)));
    if (total <= 0 || p + d > c.max_tokens) {
      throw InputError(t.path() + ":" + std::to_string(t.line_of(r)) + ": request of " + std::to_string(total) +
                       " tokens cannot be clamped to max_tokens " + std::to_string(c.max_tokens));
    }
    rows_.emplace_back(static_cast<double>(p), static_cast<double>(d));
  }
  order_ = NumpyLegacyRng(static_cast<std::uint32_t>(c.seed)).permutation(rows_.size());
}

}  // namespace

const std::vector<LengthGeneratorPlugin>& length_generators() {
  static const std::vector<LengthGeneratorPlugin> all{
      {{"fixed", {"prefill_tokens", "decode_tokens", "max_tokens", "seed"}, "the same prompt and output length for all"},
       [](const LengthGeneratorConfig& c, GlobalStreams&) -> std::unique_ptr<LengthGenerator> {
         return std::make_unique<FixedLengths>(static_cast<double>(c.prefill_tokens),
                                               static_cast<double>(c.decode_tokens));
       }},
      {{"uniform", {"min_tokens", "max_tokens", "prefill_to_decode_ratio", "seed"},
        "total tokens uniform in [min_tokens, max_tokens], split by prefill_to_decode_ratio"},
       [](const LengthGeneratorConfig& c, GlobalStreams& s) -> std::unique_ptr<LengthGenerator> {
         return std::make_unique<UniformLengths>(c, s.python);
       }},
      {{"zipf", {"min_tokens", "max_tokens", "prefill_to_decode_ratio", "theta", "scramble", "seed"},
        "total tokens Zipf(theta)-distributed over [min_tokens, max_tokens], split by prefill_to_decode_ratio"},
       [](const LengthGeneratorConfig& c, GlobalStreams&) -> std::unique_ptr<LengthGenerator> {
         if (c.scramble) {
           throw ConfigError("request_generator.length_generator.scramble: true is not supported: Vidur's scramble "
                             "uses Python's randomised string hash and is not reproducible; valid: false");
         }
         return std::make_unique<ZipfLengths>(c);
       }},
      {{"trace", {"trace_file", "prefill_scale_factor", "decode_scale_factor", "max_tokens", "seed"},
        "prompt and output lengths of a trace's rows, in an order shuffled by the seed"},
       [](const LengthGeneratorConfig& c, GlobalStreams&) -> std::unique_ptr<LengthGenerator> {
         return std::make_unique<TraceLengths>(c);
       }},
  };
  return all;
}

}  // namespace llmsim::llm::detail
