// SPDX-License-Identifier: MIT
// PointRunner: runs one sweep configuration (a simulation, or a capacity search of simulations) in-process,
// reusing execution-time predictors across runs that share them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "llmsim/des/transport.hpp"
#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/results.hpp"
#include "llmsim/llm/simulation.hpp"
#include "llmsim/sweep/capacity_search.hpp"
#include "llmsim/io/sweep_definition.hpp"

namespace llmsim::sweep {

struct PointOutcome {
  llm::SimulationConfig run_config;  ///< the config of the stored run (qps = capacity when searched)
  llm::SimulationResults results;    ///< of that run
  std::optional<CapacityResult> capacity;
  std::int64_t stalled_requests = 0;  ///< requests the scheduler could never admit in the stored run
  std::uint64_t total_events = 0;     ///< over every run of the point (all probes)
  double wall_seconds = 0;
};

class PointRunner {
 public:
  /// Called from inside long simulations (every few hundred thousand events) with the running point.
  using ProgressFn = std::function<void(const io::SweepPoint& point, const llm::Progress& progress)>;
  void set_progress(ProgressFn progress) { progress_ = std::move(progress); }

  /// Runs `point`. Without a search it is exactly `llmsim --config <base> --set <overrides>`. With one, every
  /// probe runs the same config at another QPS; the stored run is the capacity probe, or the lowest-QPS probe
  /// when none met the SLO. With a `transport`, every rank of it calls run() together and the simulations are
  /// partitioned over them (results, as in llmsim, identical to one rank's); the outcome's results are complete
  /// on transport rank 0 only.
  PointOutcome run(const io::SweepPoint& point, const std::optional<io::CapacitySearchSpec>& search,
                   des::Transport* transport = nullptr);

 private:
  struct Run {
    llm::SimulationResults results;
    std::int64_t stalled = 0;
  };
  Run simulate(const io::SweepPoint& point, const llm::SimulationConfig& config, des::Transport* transport);
  /// One predictor per pool of `config` (cached: pools and runs of the same deployment share one).
  std::vector<const llm::ExecutionTimePredictor*> predictors(const llm::SimulationConfig& config);

  /// Predictors keyed by the JSON of everything they are built from (a pool's deployment and predictor config).
  std::map<std::string, std::unique_ptr<llm::ExecutionTimePredictor>> predictors_;
  ProgressFn progress_;
};

/// One row of the sweep's summary table as a JSON object (column -> number or string), in column order:
/// id, label, axis_<name> per axis, deployment, latency percentiles, utilisation, cost and capacity.
std::string summary_row_json(const io::SweepPoint& point, const PointOutcome& outcome);

}  // namespace llmsim::sweep
