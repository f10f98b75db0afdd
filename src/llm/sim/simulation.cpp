// SPDX-License-Identifier: MIT
// Simulation assembly and run loop (Vidur vidur/simulator.py, minus its global state).
#include "llmsim/llm/simulation.hpp"

#include <algorithm>

#include "llmsim/llm/replica.hpp"
#include "llmsim/llm/router.hpp"

namespace llmsim::llm {

/// In one process the router sees the replicas' live pending-queue lengths, as Vidur's LOR does.
class Simulation::LoadView final : public ReplicaLoadView {
 public:
  explicit LoadView(const std::vector<std::unique_ptr<Replica>>& replicas) : replicas_(replicas) {}
  int num_replicas() const override { return static_cast<int>(replicas_.size()); }
  std::size_t pending_requests(ReplicaId r) const override {
    return replicas_[static_cast<std::size_t>(r)]->scheduler().num_pending_requests();
  }

 private:
  const std::vector<std::unique_ptr<Replica>>& replicas_;
};

Simulation::Simulation(const SimulationConfig& config, const std::vector<RequestSpec>& requests,
                       const ExecutionTimePredictor& predictor)
    : config_(config) {
  requests_.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) requests_.emplace_back(static_cast<RequestId>(i), requests[i]);
  const std::int64_t max_tokens = config.request_generator.effective_max_tokens();
  for (int r = 0; r < config.cluster.num_replicas; ++r) {
    replicas_.push_back(
        std::make_unique<Replica>(r, config.cluster, max_tokens, requests_, predictor, config.metrics));
  }
  load_view_ = std::make_unique<LoadView>(replicas_);
  router_ = std::make_unique<Router>(requests_, make_global_scheduler(config.cluster.global_scheduler, config.seed),
                                     *load_view_);
  const des::EntityId router_id = engine_.add_entity(*router_);
  std::vector<des::EntityId> replica_ids;
  for (auto& replica : replicas_) {
    replica_ids.push_back(engine_.add_entity(*replica));
    replica->attach(replica_ids.back());
  }
  router_->attach(router_id, std::move(replica_ids), 0);
}

Simulation::~Simulation() = default;

SimulationResults Simulation::run(const std::function<void(const Progress&)>& progress,
                                  std::uint64_t progress_every) {
  router_->start(engine_);
  const SimTime limit = config_.time_limit_s > 0 ? seconds_to_simtime(config_.time_limit_s) : kSimTimeMax;
  // Run in slices so progress can be reported; slicing does not change the event order.
  std::uint64_t next_report = progress_every;
  while (!engine_.empty() && engine_.next_time() <= limit) {
    engine_.run(engine_.next_time());
    if (progress && engine_.events_processed() >= next_report) {
      next_report = engine_.events_processed() + progress_every;
      progress(Progress{engine_.now(), engine_.events_processed(), count_completed(),
                        static_cast<std::int64_t>(requests_.size())});
    }
  }
  time_limit_reached_ = !engine_.empty();
  finished_ = true;
  return collect(time_limit_reached_);
}

std::int64_t Simulation::count_completed() const {
  return std::count_if(requests_.begin(), requests_.end(), [](const Request& r) { return r.completed(); });
}

std::int64_t Simulation::num_stalled_requests() const {
  if (!finished_ || time_limit_reached_) return 0;
  return static_cast<std::int64_t>(requests_.size()) - count_completed();
}

SimulationResults Simulation::collect(bool time_limit_reached) {
  SimulationResults out;
  out.requests = make_request_records(requests_, router_->assignment());
  std::size_t num_batches = 0;
  for (const auto& replica : replicas_) num_batches += replica->num_batch_records();
  out.batches.reserve(num_batches);
  for (const auto& replica : replicas_) replica->finish(out);
  out.makespan = engine_.now();
  out.num_events = engine_.events_processed();
  out.time_limit_reached = time_limit_reached;
  return out;
}

}  // namespace llmsim::llm
