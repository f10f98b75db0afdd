// SPDX-License-Identifier: MIT
// Router entity: arrivals, global queue and routing (Vidur RequestArrivalEvent + GlobalScheduleEvent).
#include "llmsim/llm/router.hpp"

#include <algorithm>

#include "llmsim/llm/sim_events.hpp"
#include "llmsim/util/assert.hpp"

namespace llmsim::llm {

Router::Router(RequestStore& requests, Route arrivals, Route decode, const ReplicaLoadView* live_load,
               const std::vector<std::int64_t>& replica_blocks)
    : requests_(requests),
      arrivals_(std::move(arrivals)),
      decode_(std::move(decode)),
      live_load_(live_load),
      reported_(replica_blocks) {}

void Router::attach(des::EntityId self, std::vector<des::EntityId> replica_entities, const RoutingConfig& routing) {
  self_ = self;
  replica_entities_ = std::move(replica_entities);
  routing_ = routing;
}

void Router::start(des::Engine& engine) {
  if (!requests_.empty()) {
    engine.schedule(self_, self_, requests_.arrived_at(0), kPhaseArrival, kEventArrival, 0);
  }
}

void Router::handle(const des::Event& event, des::Engine& engine) {
  switch (event.kind) {
    case kEventArrival:
      on_arrival(event.a, engine);
      break;
    case kEventGlobalSchedule:
      on_global_schedule(engine);
      break;
    case kEventHandoff:
    case kEventHandoffWords:
      if (const std::optional<HandoffMessage> m = handoffs_.feed(event)) {
        // This rank's copy of the request continues from the prefill too: the decode policy reads its prompt.
        requests_.materialize(static_cast<std::size_t>(m->request)).resume_after_prefill(m->state);
        decode_queue_.push_back(*m);
        if (!decode_schedule_pending_) {
          decode_schedule_pending_ = true;
          engine.schedule(self_, self_, engine.now(), kPhaseDecodeSchedule, kEventDecodeSchedule);
        }
      }
      break;
    case kEventDecodeSchedule:
      on_decode_schedule(engine);
      break;
    case kEventLoadNotice: {  // a: replica and free blocks, b = pending + outstanding x 2^32 (sim_events.hpp)
      const auto r = static_cast<std::size_t>(notice_replica(event.a));
      reported_.pending_[r] = static_cast<std::size_t>(event.b & 0xffffffff);
      reported_.outstanding_[r] = static_cast<std::size_t>(event.b >> 32);
      reported_.free_blocks_[r] = notice_free_blocks(event.a);
      break;
    }
    default:
      LLMSIM_ASSERT(false, "router received an unknown event kind");
  }
}

void Router::on_arrival(RequestId id, des::Engine& engine) {
  queue_.push_back(id);
  const auto next = static_cast<std::size_t>(id) + 1;
  if (next < requests_.size()) {
    engine.schedule(self_, self_, requests_.arrived_at(next), kPhaseArrival, kEventArrival,
                    static_cast<std::int64_t>(next));
  }
  if (!schedule_pending_) {
    schedule_pending_ = true;
    engine.schedule(self_, self_, engine.now(), kPhaseGlobalSchedule, kEventGlobalSchedule);
  }
}

void Router::on_global_schedule(des::Engine& engine) {
  schedule_pending_ = false;
  std::stable_sort(queue_.begin(), queue_.end(), [this](RequestId x, RequestId y) {
    return requests_.arrived_at(static_cast<std::size_t>(x)) < requests_.arrived_at(static_cast<std::size_t>(y));
  });
  const std::vector<ReplicaId> targets = arrivals_.policy->schedule(queue_, SubsetLoad(load(), arrivals_.replicas));
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    const ReplicaId replica = arrivals_.replicas[static_cast<std::size_t>(targets[i])];
    const SimTime delay = routing_.request_delay(requests_.prompt_tokens(static_cast<std::size_t>(queue_[i])));
    engine.schedule(self_, replica_entities_[static_cast<std::size_t>(replica)], engine.now() + delay,
                    kPhaseDispatch, kEventDispatch, queue_[i]);
  }
  queue_.clear();
}

const ReplicaLoadView& Router::load() const {
  return live_load_ != nullptr ? *live_load_ : static_cast<const ReplicaLoadView&>(reported_);
}

void Router::on_decode_schedule(des::Engine& engine) {
  decode_schedule_pending_ = false;
  // In prefill completion order (the order the handoffs arrived in, which is the same on every rank).
  std::vector<RequestId> ids;
  for (const HandoffMessage& m : decode_queue_) ids.push_back(m.request);
  const std::vector<ReplicaId> targets = decode_.policy->schedule(ids, SubsetLoad(load(), decode_.replicas));
  // The assignment is a small control message: the latency and the request's fixed overhead bytes.
  const SimTime delay = routing_.control_delay();
  for (std::size_t i = 0; i < decode_queue_.size(); ++i) {
    const ReplicaId replica = decode_.replicas[static_cast<std::size_t>(targets[i])];
    send_handoff(engine, self_, replica_entities_[static_cast<std::size_t>(replica)], engine.now() + delay,
                 kPhaseDecodeAssign, kEventDecodeAssign, decode_queue_[i]);
  }
  decode_queue_.clear();
}

}  // namespace llmsim::llm
