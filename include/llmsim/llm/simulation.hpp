// SPDX-License-Identifier: MIT
// Simulation: builds the router and replicas of one config on an engine, runs it, and collects results.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/llm/config.hpp"
#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/results.hpp"

namespace llmsim::llm {

class Router;
class Replica;

/// A snapshot handed to the progress callback.
struct Progress {
  SimTime now = 0;
  std::uint64_t events = 0;
  std::int64_t completed_requests = 0;
  std::int64_t total_requests = 0;
};

/// One single-process simulation. Owns its engine and entities; several may coexist in one process.
class Simulation {
 public:
  /// `requests` must be sorted by arrival with ids = positions (generate_requests guarantees it).
  Simulation(const SimulationConfig& config, const std::vector<RequestSpec>& requests,
             const ExecutionTimePredictor& predictor);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs to completion (or to config.time_limit_s). `progress` is called every `progress_every` events.
  SimulationResults run(const std::function<void(const Progress&)>& progress = {},
                        std::uint64_t progress_every = 1u << 18);

  /// Requests that had arrived but never finished although no event was left (a policy could not admit them).
  std::int64_t num_stalled_requests() const;

 private:
  class LoadView;

  SimulationResults collect(bool time_limit_reached);
  std::int64_t count_completed() const;

  SimulationConfig config_;
  RequestStore requests_;
  des::Engine engine_;
  std::unique_ptr<LoadView> load_view_;
  std::unique_ptr<Router> router_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  bool finished_ = false;
  bool time_limit_reached_ = false;
};

/// Builds the per-request rows (Vidur's request_metrics.csv definitions, spec 8.2) from final request state.
std::vector<RequestRecord> make_request_records(const RequestStore& requests, const std::vector<ReplicaId>& assignment);

}  // namespace llmsim::llm
