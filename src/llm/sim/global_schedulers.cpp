// SPDX-License-Identifier: MIT
// round_robin, random and lor routing policies (Vidur vidur/scheduler/global_scheduler/*; spec 6).
#include <algorithm>

#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm {

namespace {

constexpr std::uint32_t kRandomRouterPurpose = 1;

/// replica = counter % N; the counter persists for the whole run.
class RoundRobinGlobalScheduler final : public GlobalScheduler {
 public:
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (std::size_t i = 0; i < queue.size(); ++i) {
      out.push_back(static_cast<ReplicaId>(counter_++ % static_cast<std::uint64_t>(load.num_replicas())));
    }
    return out;
  }

 private:
  std::uint64_t counter_ = 0;
};

/// Uniform choice, Vidur's randint(1, N) - 1 = randbelow(N). Deliberate difference: the stream is the router's
/// own (seeded from the simulation seed), not the one the request generator left behind (spec 11 item 31).
class RandomGlobalScheduler final : public GlobalScheduler {
 public:
  explicit RandomGlobalScheduler(std::uint64_t seed) : rng_(make_rng_stream(seed, 0, kRandomRouterPurpose)) {}
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (std::size_t i = 0; i < queue.size(); ++i) {
      out.push_back(static_cast<ReplicaId>(rng_.randbelow(static_cast<std::uint64_t>(load.num_replicas()))));
    }
    return out;
  }

 private:
  Mt19937 rng_;
};

/// Least outstanding requests, as Vidur defines it: a snapshot of pending-queue lengths, lowest id on ties,
/// incremented locally per routed request (spec 6; the queue-length-only signal is Vidur's, kept for parity).
class LorGlobalScheduler final : public GlobalScheduler {
 public:
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<std::size_t> pending(static_cast<std::size_t>(load.num_replicas()));
    for (std::size_t r = 0; r < pending.size(); ++r) pending[r] = load.pending_requests(static_cast<ReplicaId>(r));
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const auto best = std::min_element(pending.begin(), pending.end());
      ++*best;
      out.push_back(static_cast<ReplicaId>(best - pending.begin()));
    }
    return out;
  }
};

}  // namespace

const std::vector<GlobalSchedulerPlugin>& global_schedulers() {
  static const std::vector<GlobalSchedulerPlugin> all{
      {{"round_robin", {}, "requests to replicas in turn"},
       [](std::uint64_t) -> std::unique_ptr<GlobalScheduler> { return std::make_unique<RoundRobinGlobalScheduler>(); }},
      {{"random", {}, "a uniformly random replica per request (its own stream of the seed)"},
       [](std::uint64_t seed) -> std::unique_ptr<GlobalScheduler> {
         return std::make_unique<RandomGlobalScheduler>(seed);
       }},
      {{"lor", {}, "least outstanding requests: the replica with the fewest pending requests"},
       [](std::uint64_t) -> std::unique_ptr<GlobalScheduler> { return std::make_unique<LorGlobalScheduler>(); }},
  };
  return all;
}

std::unique_ptr<GlobalScheduler> make_global_scheduler(const GlobalSchedulerConfig& config, std::uint64_t seed) {
  return find_plugin(global_schedulers(), config.name, "cluster.global_scheduler.name").make(seed);
}

}  // namespace llmsim::llm
