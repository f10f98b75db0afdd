// SPDX-License-Identifier: MIT
// SuiteRunner: each case of a suite predicted by a simulation of its setting.
#include <numeric>

#include "llmsim/llm/result_stats.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/validation/validation_run.hpp"

namespace llmsim::validation {

namespace {

double mean_ms(const llm::SimulationResults& r, const char* metric) {
  const std::vector<double> v = llm::completed_request_metric(r, metric);
  return 1e3 * std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// A measured metric's simulated counterpart: prefill_ms the mean TTFT, decode_iteration_ms the mean TPOT, e2e_ms
// the mean request latency, over the simulated requests.
double simulated_ms(const llm::SimulationResults& r, const std::string& metric) {
  if (metric == "prefill_ms") return mean_ms(r, "ttft");
  if (metric == "decode_iteration_ms") return mean_ms(r, "tpot");
  if (metric == "e2e_ms") return mean_ms(r, "e2e");
  throw Error("simulated_ms: unknown metric " + metric);
}

}  // namespace

std::vector<CaseError> SuiteRunner::run(const io::ValidationSuite& suite) {
  std::vector<CaseError> out;
  for (std::size_t i = 0; i < suite.cases.size(); ++i) {
    const io::ValidationCase& c = suite.cases[i];
    io::SweepPoint point;
    point.index = i;
    point.id = c.id;
    point.label = c.id;
    point.overrides = c.overrides;
    point.config = c.config;
    const sweep::PointOutcome o = runner_.run(point, std::nullopt);
    const llm::RequestSummary& s = o.results.request_summary;
    if (s.num_completed != s.num_requests) {
      throw InputError(suite.file + ": case " + c.id + ": only " + std::to_string(s.num_completed) + " of " +
                       std::to_string(s.num_requests) + " simulated requests completed (does the setting fit the " +
                       "replica's memory and batch limits? llmsim plan -c " + suite.base_config + ")");
    }
    for (const io::MeasuredMetric& m : c.measured) {
      const double predicted = simulated_ms(o.results, m.metric);
      out.push_back({suite.name, &c, m.metric, m.value, predicted, 100 * (predicted - m.value) / m.value, m.repeats});
    }
    if (progress_) progress_(i + 1, suite.cases.size());
  }
  return out;
}

}  // namespace llmsim::validation
