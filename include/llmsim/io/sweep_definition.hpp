// SPDX-License-Identifier: MIT
// A sweep definition (jobs/*.yaml, read by load_sweep): a base config, axes whose cartesian product (minus
// exclusions) gives the configurations to run, and an optional capacity search applied to each configuration.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/result_stats.hpp"

namespace llmsim::io {

/// Vidur-Search's binary search on QPS (spec 5.4): the highest QPS whose `quantile` of `metric` over completed
/// requests stays at or below `slo` seconds.
/// The QPS search: by default Vidur's (a quantile of one metric under an SLO); with metric `goodput`, DistServe's
/// (at least `attainment` of the requests complete within every one of `slos`).
struct CapacitySearchSpec {
  std::string metric = "scheduling_delay";  ///< one of llm::request_metric_names(), or "goodput"
  double quantile = 0.99;                   ///< in (0, 1]
  double slo_s = 5.0;                       ///< seconds (TBT: seconds per output token)
  std::vector<llm::MetricSlo> slos;         ///< goodput: every request's SLOs
  double attainment = 0.9;                  ///< goodput: the fraction of requests that must meet them

  bool goodput() const { return metric == "goodput"; }
  /// What a probe measures must be at most this: the SLO (s), or for goodput the fraction of requests allowed to
  /// miss (1 - attainment).
  double threshold() const { return goodput() ? 1 - attainment : slo_s; }
  std::optional<double> start_qps;          ///< first bracket is [0, 2 * start_qps]; default: the config's qps
  int max_iterations = 20;
  double min_search_granularity_percent = 2.5;  ///< stop when the bracket is narrower than this % of the QPS
};

/// One configuration of a sweep.
struct SweepPoint {
  std::size_t index = 0;  ///< position in expansion order (the order of the results file)
  std::string id;         ///< 12 hex digits derived from the resolved config and search spec (not a timestamp)
  std::string label;      ///< "axis=value axis=value"
  std::vector<std::pair<std::string, std::string>> axis_values;  ///< (axis, value label) in axis order
  std::vector<std::string> overrides;  ///< `key=yaml` strings applied to the base config (llmsim --set):
                                       ///< the sweep's `set` first, then one group per axis
  llm::SimulationConfig config;        ///< resolved and validated
};

struct Sweep {
  std::string file;             ///< the sweep definition (jobs/*.yaml)
  std::string name;
  std::string base_config;      ///< absolute path
  std::string definition_text;  ///< the file as written (stored in results)
  std::vector<std::string> axis_names;
  std::optional<CapacitySearchSpec> search;
  std::vector<SweepPoint> points;
  std::size_t num_excluded = 0;
  std::map<std::string, std::size_t> excluded_by_reason;  ///< the first matching exclusion's `reason`
};

/// The interval-generator key the capacity search varies.
inline constexpr const char* kQpsKey = "request_generator.interval_generator.qps";

}  // namespace llmsim::io
