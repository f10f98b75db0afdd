// SPDX-License-Identifier: MIT
// Replica entity: batch formation, pipeline stages and batch completion (Vidur spec 2.3, 4.1, 4.2).
#include "llmsim/llm/replica.hpp"

#include <algorithm>
#include <iterator>

#include "llmsim/llm/sim_events.hpp"
#include "llmsim/util/assert.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {

Replica::Replica(ReplicaId id, const PoolConfig& pool, int pool_index, std::int64_t max_request_tokens,
                 RequestStore& requests, const ExecutionTimePredictor& predictor, const MetricsConfig& metrics,
                 const Disaggregation* disaggregation)
    : id_(id),
      role_(pool.role),
      pool_index_(pool_index),
      disaggregation_(disaggregation),
      requests_(requests),
      predictor_(predictor),
      scheduler_(make_replica_scheduler(pool.replica_scheduler, pool.replica, max_request_tokens, requests)),
      mfu_(pool.replica),
      metrics_(id, pool.replica.num_pipeline_stages, metrics),
      stages_(static_cast<std::size_t>(pool.replica.num_pipeline_stages)) {
  LLMSIM_ASSERT(role_ == PoolRole::mixed || disaggregation_, "a prefill or decode replica needs its disaggregation");
}

void Replica::claim_requests(std::vector<ReplicaId>& holder) const {
  std::vector<RequestId> gone = handed_off_;
  std::sort(gone.begin(), gone.end());
  for (RequestId r : served_) {
    if (std::binary_search(gone.begin(), gone.end(), r)) continue;
    ReplicaId& h = holder[static_cast<std::size_t>(r)];
    LLMSIM_ASSERT(h < 0, "a request reported by two replicas");
    h = id_;
  }
}

void Replica::finish(SimulationResults& out) {
  metrics_.finish(scheduler_->num_blocks(), out);
  std::move(transfers_.begin(), transfers_.end(), std::back_inserter(out.kv_transfers));
  const std::optional<PrefixCacheStats> cache = scheduler_->prefix_cache_stats();
  if (!cache) return;
  const double rate =
      cache->lookup_tokens > 0 ? static_cast<double>(cache->hit_tokens) / static_cast<double>(cache->lookup_tokens) : 0;
  out.prefix_cache.push_back(PrefixCacheRecord{id_, 0, cache->lookups, cache->lookup_tokens, cache->hit_tokens,
                                               cache->resumed_lookup_tokens, cache->resumed_hit_tokens,
                                               cache->evictions, rate});
  if (role_ == PoolRole::decode) return;  // its requests looked their prompts up where they were prefilled
  for (RequestId r : served_) {
    out.cached_tokens.push_back(CachedTokensRecord{r, requests_[static_cast<std::size_t>(r)].num_cached_tokens()});
  }
}

void Replica::handle(const des::Event& event, des::Engine& engine) {
  switch (event.kind) {
    case kEventDispatch:
      requests_.materialize(static_cast<std::size_t>(event.a));
      scheduler_->add_request(event.a);
      served_.push_back(event.a);
      ++outstanding_;
      metrics_.on_request_routed();
      request_schedule(engine);
      break;
    case kEventReplicaSchedule:
      on_replica_schedule(engine);
      break;
    case kEventStageEnd:
      on_stage_end(static_cast<std::size_t>(event.a), static_cast<int>(event.b), engine);
      break;
    case kEventDecodeAssign:
    case kEventHandoffWords:
      if (const std::optional<HandoffMessage> m = handoffs_.feed(event)) on_decode_assign(*m, engine);
      break;
    case kEventKvArrived:
      scheduler_->add_transferred(event.a);
      request_schedule(engine);
      break;
    case kEventKvRelease:
      scheduler_->release_handed_off(event.a);
      request_schedule(engine);
      break;
    default:
      LLMSIM_ASSERT(false, "replica received an unknown event kind");
  }
}

void Replica::request_schedule(des::Engine& engine) {
  if (schedule_pending_) return;  // one scheduling round per instant does all Vidur's duplicate events would do
  schedule_pending_ = true;
  engine.schedule(self_, self_, engine.now(), kPhaseReplicaSchedule, kEventReplicaSchedule);
}

void Replica::on_decode_assign(const HandoffMessage& message, des::Engine& engine) {
  requests_.materialize(static_cast<std::size_t>(message.request)).resume_after_prefill(message.state);
  served_.push_back(message.request);
  ++outstanding_;
  metrics_.on_request_routed();
  transfers_waiting_.push_back(IncomingTransfer{message.request, message.prefill_replica, engine.now()});
  request_schedule(engine);
}

void Replica::start_transfers(des::Engine& engine) {
  const Disaggregation& d = *disaggregation_;
  while (!transfers_waiting_.empty() && scheduler_->reserve_transfer(transfers_waiting_.front().request)) {
    const IncomingTransfer in = transfers_waiting_.front();
    transfers_waiting_.pop_front();
    const Request& r = requests_[static_cast<std::size_t>(in.request)];
    const std::int64_t tokens = r.num_kv_tokens();
    const SimTime now = engine.now();
    const SimTime took = d.kv.time(d.replica_pools[static_cast<std::size_t>(in.from)], pool_index_, tokens);
    transfers_.push_back(KvTransferRecord{in.request, in.from, id_, tokens, d.kv.bytes(tokens),
                                          r.prefill_completed_at(), in.assigned_at, now, now + took});
    // The prefill replica holds the blocks until the copy is done (a message: it may live on another rank).
    engine.schedule(self_, d.replica_entities[static_cast<std::size_t>(in.from)], now + took, kPhaseKvRelease,
                    kEventKvRelease, in.request);
    if (took == 0) {
      scheduler_->add_transferred(in.request);
    } else {
      engine.schedule(self_, self_, now + took, kPhaseKvArrived, kEventKvArrived, in.request);
    }
  }
}

void Replica::hand_off(RequestId id, des::Engine& engine) {
  scheduler_->hand_off(id);
  --outstanding_;
  handed_off_.push_back(id);
  const Request& r = requests_[static_cast<std::size_t>(id)];
  send_handoff(engine, self_, router_, engine.now() + disaggregation_->handoff_delay, kPhaseHandoff, kEventHandoff,
               HandoffMessage{id, id_, r.prefill_handoff()});
}

void Replica::on_replica_schedule(des::Engine& engine) {
  schedule_pending_ = false;
  if (role_ == PoolRole::decode) start_transfers(engine);
  std::vector<Batch> batches = scheduler_->on_schedule();
  report_load(engine);
  if (!batches.empty()) {
    metrics_.on_memory_sample(scheduler_->memory_usage_percent());
    for (Batch& batch : batches) {
      batch.replica = id_;
      batch.index = next_batch_index_++;
      batch.scheduled_at = engine.now();
      running_requests_ += static_cast<std::int64_t>(batch.size());
      for (RequestId r : batch.requests) requests_[static_cast<std::size_t>(r)].on_batch_schedule(engine.now());
      stages_.front().queue.push_back(store_batch(std::move(batch)));
    }
  }
  // Every dispatch and batch end is followed by a round at the same instant: the state after it is complete.
  metrics_.on_state(engine.now(), pending_requests(), running_requests_,
                    scheduler_->num_allocated_blocks());
  if (!batches.empty()) try_start_stage(0, engine);
}

void Replica::report_load(des::Engine& engine) {
  // Every change of the pending queue is followed by a scheduling round at the same instant, so this is the
  // one place to report it (dispatches add, admissions remove, restarts re-add).
  const std::size_t pending = pending_requests();
  const std::size_t outstanding = report_.outstanding ? outstanding_ : 0;
  const std::int64_t free = report_.free_blocks ? scheduler_->num_free_blocks() : 0;
  if (notice_latency_ == 0 ||
      (pending == reported_pending_ && outstanding == reported_outstanding_ && free == reported_free_blocks_)) {
    return;
  }
  reported_pending_ = pending;
  reported_outstanding_ = outstanding;
  reported_free_blocks_ = free;
  LLMSIM_ASSERT(pending < (std::size_t{1} << 32) && outstanding < (std::size_t{1} << 31), "load notice overflow");
  engine.schedule(self_, router_, engine.now() + notice_latency_, kPhaseLoadNotice, kEventLoadNotice,
                  pack_notice_source(id_, free), static_cast<std::int64_t>(pending | (outstanding << 32)));
}

std::size_t Replica::store_batch(Batch batch) {
  if (free_slots_.empty()) {
    slots_.push_back(std::move(batch));
    return slots_.size() - 1;
  }
  const std::size_t slot = free_slots_.back();
  free_slots_.pop_back();
  slots_[slot] = std::move(batch);
  return slot;
}

void Replica::try_start_stage(int stage, des::Engine& engine) {
  Stage& s = stages_[static_cast<std::size_t>(stage)];
  if (s.busy || s.queue.empty()) return;
  const std::size_t slot = s.queue.front();
  s.queue.pop_front();
  s.busy = true;
  const Batch& batch = slots_[slot];
  const ExecutionTime et = predictor_.predict(batch, requests_, stage);
  s.execution_time = seconds_to_simtime(et.total_time_s());
  s.model_execution_time = seconds_to_simtime(et.model_time_s());
  if (s.execution_time <= 0) {
    throw InputError("execution_time_predictor: predicted " +
                     std::to_string(et.total_time_s()) + " s for a batch of " + std::to_string(batch.requests.size()) +
                     " requests on pipeline stage " + std::to_string(stage) +
                     "; stage times must be positive (check the tables or profiles for zero times)");
  }
  const SimTime now = engine.now();
  metrics_.on_stage_start(stage, now, s.execution_time,
                          mfu_.mfu_percent(batch, requests_, et.total_time_s()), batch, et);
  for (RequestId r : batch.requests) requests_[static_cast<std::size_t>(r)].on_batch_stage_schedule(now);
  engine.schedule(self_, self_, now + s.execution_time, kPhaseStageEnd, kEventStageEnd,
                  static_cast<std::int64_t>(slot), stage);
}

void Replica::on_stage_end(std::size_t slot, int stage, des::Engine& engine) {
  Stage& s = stages_[static_cast<std::size_t>(stage)];
  s.busy = false;
  for (RequestId r : slots_[slot].requests) {
    requests_[static_cast<std::size_t>(r)].on_batch_stage_end(engine.now(), s.execution_time, s.model_execution_time);
  }
  // Vidur emits ReplicaStageSchedule for this stage before forwarding the batch (spec 2.3).
  try_start_stage(stage, engine);
  if (stage + 1 < static_cast<int>(stages_.size())) {
    stages_[static_cast<std::size_t>(stage) + 1].queue.push_back(slot);
    try_start_stage(stage + 1, engine);
  } else {
    on_batch_end(slot, engine);
  }
}

void Replica::on_batch_end(std::size_t slot, des::Engine& engine) {
  const Batch& batch = slots_[slot];
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Request& request = requests_[static_cast<std::size_t>(batch.requests[i])];
    request.on_batch_end(engine.now(), batch.num_tokens[i]);
    metrics_.on_request_iteration_end(request, engine.now());
    if (request.completed()) {
      --outstanding_;
      ++completed_;
    }
  }
  running_requests_ -= static_cast<std::int64_t>(batch.size());
  scheduler_->on_batch_end(batch);
  if (role_ == PoolRole::prefill) {
    // A prefill replica's requests leave once their prefill is done (and with it their first token).
    for (RequestId id : batch.requests) {
      const Request& r = requests_[static_cast<std::size_t>(id)];
      if (r.is_prefill_complete() && !r.completed()) hand_off(id, engine);
    }
  }
  metrics_.on_batch_end(batch, engine.now());
  metrics_.on_memory_sample(scheduler_->memory_usage_percent());
  free_slots_.push_back(slot);
  request_schedule(engine);
}

}  // namespace llmsim::llm
