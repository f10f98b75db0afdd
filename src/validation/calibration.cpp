// SPDX-License-Identifier: MIT
// Fitting the CPU-overhead terms to a user's per-request measurements (coordinate descent, cross-validated).
#include "llmsim/validation/calibration.hpp"

#include <spdlog/fmt/fmt.h>

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/llm/result_stats.hpp"
#include "llmsim/llm/simulation.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::validation {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxCycles = 6;
constexpr int kNumTerms = 3;

// 0, then 1, 1.5, 2, 3, 5, 7 x 10^e for e in [first, last], up to `top`; parsed from text so that the value
// written to the calibration file reads back as the same double.
std::vector<double> nice_grid(int first, int last, double top) {
  std::vector<double> g{0.0};
  for (int e = first; e <= last; ++e) {
    for (const char* m : {"1", "1.5", "2", "3", "5", "7"}) {
      const double v = std::stod(fmt::format("{}e{}", m, e));
      if (v <= top) g.push_back(v);
    }
  }
  return g;
}

// A predictor whose stage times are another's with the CPU terms replaced.
class OverheadPredictor final : public llm::ExecutionTimePredictor {
 public:
  OverheadPredictor(const llm::ExecutionTimePredictor& base, llm::CpuOverheadConfig terms) : base_(base), terms_(terms) {}
  llm::ExecutionTime predict(const llm::Batch& batch, const llm::RequestStore& store, int stage) const override {
    llm::ExecutionTime e = base_.predict(batch, store, stage);
    e.set_cpu_overhead(terms_, batch.size());
    return e;
  }
  std::vector<llm::OperatorInfo> describe() const override { return base_.describe(); }
  llm::OperatorTime operator_time(llm::Op op, std::int64_t a, std::int64_t b) const override {
    return base_.operator_time(op, a, b);
  }

 private:
  const llm::ExecutionTimePredictor& base_;
  llm::CpuOverheadConfig terms_;
};

struct Predictions {
  std::vector<double> ttft_ms, tpot_ms, e2e_ms;  // per request over all runs, in run and arrival order
};

double median_abs(std::vector<double> v) {
  if (v.empty()) return kNaN;
  for (double& x : v) x = std::abs(x);
  return llm::percentile(std::move(v), 50);
}

class Fitter {
 public:
  Fitter(const llm::SimulationConfig& config, const std::vector<io::ServingRun>& runs,
         const std::function<void(std::int64_t)>& progress)
      : config_(config), runs_(runs), progress_(progress) {
    for (const llm::PoolConfig& pool : config.cluster.pools) {
      llm::PredictorConfig p = pool.predictor;
      p.cpu_overhead = {};
      base_.push_back(llm::make_execution_time_predictor(p, pool));
    }
    for (const io::ServingRun& r : runs) {
      for (const io::MeasuredRequest& m : r.requests) {
        measured_.ttft_ms.push_back(m.ttft_ms);
        measured_.e2e_ms.push_back(m.e2e_ms);
        measured_.tpot_ms.push_back(m.output_tokens > 1 ? (m.e2e_ms - m.ttft_ms) / static_cast<double>(m.output_tokens - 1)
                                                        : kNaN);
      }
    }
  }

  std::size_t num_requests() const { return measured_.ttft_ms.size(); }
  std::int64_t simulations() const { return simulations_; }

  const Predictions& predict(const llm::CpuOverheadConfig& terms) {
    const std::array<double, kNumTerms> key{terms.launch_per_layer_ms, terms.per_iteration_ms, terms.per_request_ms};
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    std::vector<std::unique_ptr<OverheadPredictor>> wrapped;
    std::vector<const llm::ExecutionTimePredictor*> predictors;
    for (const auto& b : base_) {
      wrapped.push_back(std::make_unique<OverheadPredictor>(*b, terms));
      predictors.push_back(wrapped.back().get());
    }
    Predictions out;
    for (const io::ServingRun& run : runs_) {
      std::vector<llm::RequestSpec> requests;
      for (const io::MeasuredRequest& m : run.requests) requests.emplace_back(m.arrived_at, m.prompt_tokens, m.output_tokens);
      llm::Simulation sim(config_, std::move(requests), predictors);
      const llm::SimulationResults r = sim.run();
      for (const llm::RequestRecord& q : r.requests) {
        if (!q.completed) {
          throw InputError(fmt::format("{}: request {} ({} prompt, {} output tokens) did not complete in the "
                                       "simulation of this config (does it fit the replica's memory and batch "
                                       "limits? llmsim plan -c <config>)",
                                       run.file, q.request_id, q.num_prefill_tokens, q.num_decode_tokens));
        }
        const double ttft = simtime_to_seconds(q.prefill_e2e_time) * 1e3;
        const double e2e = simtime_to_seconds(q.e2e_time) * 1e3;
        out.ttft_ms.push_back(ttft);
        out.e2e_ms.push_back(e2e);
        out.tpot_ms.push_back(q.num_decode_tokens > 1 ? (e2e - ttft) / static_cast<double>(q.num_decode_tokens - 1) : kNaN);
      }
    }
    ++simulations_;
    if (progress_) progress_(simulations_);
    return memo_.emplace(key, std::move(out)).first->second;
  }

  // Median |error| of the requests `take` selects.
  template <typename Take>
  RequestErrors errors(const Predictions& p, Take take) const {
    std::vector<double> ttft, tpot, e2e;
    for (std::size_t i = 0; i < num_requests(); ++i) {
      if (!take(i)) continue;
      ttft.push_back(100 * (p.ttft_ms[i] - measured_.ttft_ms[i]) / measured_.ttft_ms[i]);
      e2e.push_back(100 * (p.e2e_ms[i] - measured_.e2e_ms[i]) / measured_.e2e_ms[i]);
      if (!std::isnan(measured_.tpot_ms[i]) && measured_.tpot_ms[i] > 0) {
        tpot.push_back(100 * (p.tpot_ms[i] - measured_.tpot_ms[i]) / measured_.tpot_ms[i]);
      }
    }
    return {median_abs(ttft), median_abs(tpot), median_abs(e2e), static_cast<std::int64_t>(ttft.size())};
  }

  // The coarse grid, then coordinate descent over the three fine grids, on the requests `take` selects.
  template <typename Take>
  llm::CpuOverheadConfig fit(Take take) {
    const std::array<const std::vector<double>*, kNumTerms> grids{&launch_per_layer_grid(), &per_iteration_grid(),
                                                                   &per_request_grid()};
    // Start from the best point of the coarse grid (0, 1 and 3 x 10^e of each term): the launch floor is a max(),
    // so a descent from zero alone would let it absorb what the per-iteration and per-request terms explain.
    std::array<std::vector<std::size_t>, kNumTerms> coarse;
    for (std::size_t t = 0; t < kNumTerms; ++t) {
      for (std::size_t v = 0; v < grids[t]->size(); ++v) {
        const double x = (*grids[t])[v];
        const double mantissa = x == 0 ? 1 : x / std::pow(10.0, std::floor(std::log10(x) + 1e-9));
        if (std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 3) < 1e-9) coarse[t].push_back(v);
      }
    }
    std::array<std::size_t, kNumTerms> at{0, 0, 0};
    const auto terms_of = [&](const std::array<std::size_t, kNumTerms>& i) {
      llm::CpuOverheadConfig c;
      c.launch_per_layer_ms = (*grids[0])[i[0]];
      c.per_iteration_ms = (*grids[1])[i[1]];
      c.per_request_ms = (*grids[2])[i[2]];
      return c;
    };
    const auto objective = [&](const std::array<std::size_t, kNumTerms>& i) {
      const RequestErrors e = errors(predict(terms_of(i)), take);
      return (std::isnan(e.ttft) ? 0 : e.ttft) + (std::isnan(e.tpot) ? 0 : e.tpot);
    };
    double best = objective(at);
    for (std::size_t a : coarse[0]) {
      for (std::size_t b : coarse[1]) {
        for (std::size_t c : coarse[2]) {
          const double o = objective({a, b, c});
          if (o < best - 1e-9) {
            best = o;
            at = {a, b, c};
          }
        }
      }
    }
    for (int cycle = 0; cycle < kMaxCycles; ++cycle) {
      bool moved = false;
      for (int t = 0; t < kNumTerms; ++t) {
        const auto term = static_cast<std::size_t>(t);
        for (std::size_t v = 0; v < grids[term]->size(); ++v) {
          std::array<std::size_t, kNumTerms> candidate = at;
          candidate[term] = v;
          const double o = objective(candidate);
          if (o < best - 1e-9) {
            best = o;
            at = candidate;
            moved = true;
          }
        }
      }
      if (!moved) break;
    }
    return terms_of(at);
  }

 private:
  llm::SimulationConfig config_;
  const std::vector<io::ServingRun>& runs_;
  std::function<void(std::int64_t)> progress_;
  std::vector<std::unique_ptr<llm::ExecutionTimePredictor>> base_;
  Predictions measured_;
  std::map<std::array<double, kNumTerms>, Predictions> memo_;
  std::int64_t simulations_ = 0;
};

}  // namespace

const std::vector<double>& launch_per_layer_grid() {
  static const std::vector<double> g = nice_grid(-3, 0, 2);
  return g;
}

const std::vector<double>& per_iteration_grid() {
  static const std::vector<double> g = nice_grid(-2, 1, 70);
  return g;
}

const std::vector<double>& per_request_grid() {
  static const std::vector<double> g = nice_grid(-3, 0, 1);
  return g;
}

CalibrationResult calibrate_cpu_overhead(const llm::SimulationConfig& config, const std::vector<io::ServingRun>& runs,
                                         int folds, const std::function<void(std::int64_t)>& progress) {
  if (runs.empty()) throw InputError("calibrate: no measurement file given");
  Fitter fitter(config, runs, progress);
  const std::size_t n = fitter.num_requests();
  std::vector<std::size_t> run_of;
  for (std::size_t r = 0; r < runs.size(); ++r) run_of.insert(run_of.end(), runs[r].requests.size(), r);
  const bool by_run = runs.size() > 1;
  const std::size_t k = by_run ? runs.size() : static_cast<std::size_t>(folds);
  if (!by_run && (folds < 2 || static_cast<std::size_t>(folds) > n)) {
    throw InputError(fmt::format("calibrate: --folds {} needs 2 to {} (the requests measured in {})", folds, n,
                                 runs.front().file));
  }
  const auto fold_of = [&](std::size_t i) { return by_run ? run_of[i] : i % k; };

  CalibrationResult out;
  out.before_terms = config.cluster.pools.front().predictor.cpu_overhead;
  const auto every = [](std::size_t) { return true; };
  out.fit_before = fitter.errors(fitter.predict(out.before_terms), every);
  out.terms = fitter.fit(every);
  out.fit_after = fitter.errors(fitter.predict(out.terms), every);

  // Held-out: each request predicted with the terms fitted without its fold; errors pooled over the folds.
  Predictions pooled = fitter.predict(out.before_terms);  // overwritten fold by fold
  for (std::size_t f = 0; f < k; ++f) {
    const auto in_fold = [&](std::size_t i) { return fold_of(i) == f; };
    CalibrationFold fold;
    fold.held_out = by_run ? runs[f].file : fmt::format("requests i mod {} = {}", k, f);
    fold.terms = fitter.fit([&](std::size_t i) { return fold_of(i) != f; });
    fold.before = fitter.errors(fitter.predict(out.before_terms), in_fold);
    const Predictions& p = fitter.predict(fold.terms);
    fold.after = fitter.errors(p, in_fold);
    for (std::size_t i = 0; i < n; ++i) {
      if (!in_fold(i)) continue;
      pooled.ttft_ms[i] = p.ttft_ms[i];
      pooled.tpot_ms[i] = p.tpot_ms[i];
      pooled.e2e_ms[i] = p.e2e_ms[i];
    }
    out.folds.push_back(fold);
  }
  out.held_out_after = fitter.errors(pooled, every);
  out.simulations = fitter.simulations();
  return out;
}

}  // namespace llmsim::validation
