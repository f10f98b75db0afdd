// SPDX-License-Identifier: MIT
// Field tables of RequestRecord, BatchRecord, ReplicaStageRecord and ReplicaRecord (names = struct members).
#include "record_schema.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace llmsim::io::detail {

namespace {

template <typename M>
constexpr FieldType type_of() {
  if constexpr (std::is_same_v<M, double>) return FieldType::Float64;
  if constexpr (std::is_same_v<M, std::uint8_t>) return FieldType::UInt8;
  if constexpr (std::is_same_v<M, std::int32_t>) return FieldType::Int32;
  static_assert(std::is_same_v<M, double> || std::is_same_v<M, std::uint8_t> || std::is_same_v<M, std::int32_t> ||
                std::is_same_v<M, std::int64_t>);
  return FieldType::Int64;
}

#define LLMSIM_FIELD(Record, member, unit) \
  Field { #member, offsetof(Record, member), type_of<decltype(Record::member)>(), unit }

}  // namespace

const Schema& request_schema() {
  using R = llm::RequestRecord;
  static const Schema s{
      "requests",
      "One row per request, metric definitions of Vidur's request_metrics.csv; -1 = not reached",
      sizeof(R),
      {LLMSIM_FIELD(R, request_id, "id"), LLMSIM_FIELD(R, replica_id, "id"), LLMSIM_FIELD(R, completed, "bool"),
       LLMSIM_FIELD(R, num_restarts, "count"), LLMSIM_FIELD(R, num_prefill_tokens, "tokens"),
       LLMSIM_FIELD(R, num_decode_tokens, "tokens"), LLMSIM_FIELD(R, num_tokens, "tokens"),
       LLMSIM_FIELD(R, pd_ratio, "ratio"), LLMSIM_FIELD(R, arrived_at, "ns"),
       LLMSIM_FIELD(R, inter_arrival_delay, "ns"), LLMSIM_FIELD(R, scheduled_at, "ns"),
       LLMSIM_FIELD(R, prefill_completed_at, "ns"), LLMSIM_FIELD(R, completed_at, "ns"),
       LLMSIM_FIELD(R, e2e_time, "ns"), LLMSIM_FIELD(R, execution_time, "ns"),
       LLMSIM_FIELD(R, model_execution_time, "ns"), LLMSIM_FIELD(R, preemption_time, "ns"),
       LLMSIM_FIELD(R, scheduling_delay, "ns"), LLMSIM_FIELD(R, execution_plus_preemption_time, "ns"),
       LLMSIM_FIELD(R, prefill_e2e_time, "ns"), LLMSIM_FIELD(R, prefill_time_execution_plus_preemption, "ns"),
       LLMSIM_FIELD(R, decode_time_execution_plus_preemption, "ns"),
       LLMSIM_FIELD(R, e2e_time_normalized, "s/token"), LLMSIM_FIELD(R, execution_time_normalized, "s/token"),
       LLMSIM_FIELD(R, model_execution_time_normalized, "s/token"),
       LLMSIM_FIELD(R, execution_plus_preemption_time_normalized, "s/token"),
       LLMSIM_FIELD(R, prefill_time_execution_plus_preemption_normalized, "s/token"),
       LLMSIM_FIELD(R, decode_time_execution_plus_preemption_normalized, "s/token")}};
  return s;
}

const Schema& batch_schema() {
  using B = llm::BatchRecord;
  static const Schema s{"batches",
                        "One row per batch (iteration); batch_index counts per replica",
                        sizeof(B),
                        {LLMSIM_FIELD(B, replica_id, "id"), LLMSIM_FIELD(B, batch_index, "id"),
                         LLMSIM_FIELD(B, scheduled_at, "ns"), LLMSIM_FIELD(B, completed_at, "ns"),
                         LLMSIM_FIELD(B, execution_time, "ns"), LLMSIM_FIELD(B, size, "count"),
                         LLMSIM_FIELD(B, num_tokens, "tokens"), LLMSIM_FIELD(B, num_prefill_tokens, "tokens"),
                         LLMSIM_FIELD(B, num_decode_tokens, "tokens")}};
  return s;
}

const Schema& replica_stage_schema() {
  using S = llm::ReplicaStageRecord;
  static const Schema s{"replica_stages",
                        "One row per (replica, pipeline stage): busy time and MFU over [first_start, last_end]",
                        sizeof(S),
                        {LLMSIM_FIELD(S, replica_id, "id"), LLMSIM_FIELD(S, stage_id, "id"),
                         LLMSIM_FIELD(S, num_batch_stages, "count"), LLMSIM_FIELD(S, busy_time, "ns"),
                         LLMSIM_FIELD(S, first_start, "ns"), LLMSIM_FIELD(S, last_end, "ns"),
                         LLMSIM_FIELD(S, busy_time_percent, "percent"), LLMSIM_FIELD(S, mfu_percent, "percent")}};
  return s;
}

const Schema& replica_schema() {
  using P = llm::ReplicaRecord;
  static const Schema s{"replicas",
                        "One row per replica: KV blocks, routed requests, batches and memory usage",
                        sizeof(P),
                        {LLMSIM_FIELD(P, replica_id, "id"), LLMSIM_FIELD(P, num_blocks, "count"),
                         LLMSIM_FIELD(P, num_requests, "count"), LLMSIM_FIELD(P, num_batches, "count"),
                         LLMSIM_FIELD(P, mean_batch_size, "requests"), LLMSIM_FIELD(P, mean_batch_tokens, "tokens"),
                         LLMSIM_FIELD(P, memory_usage_mean_percent, "percent"),
                         LLMSIM_FIELD(P, memory_usage_peak_percent, "percent")}};
  return s;
}

const Schema& token_schema() {
  using T = llm::TokenRecord;
  static const Schema s{"tokens",
                        "One row per output token of each request (metrics.store_token_completion_metrics): token 0 "
                        "completes with the prefill, the last one with the request",
                        sizeof(T),
                        {LLMSIM_FIELD(T, request_id, "id"), LLMSIM_FIELD(T, token_index, "id"),
                         LLMSIM_FIELD(T, completed_at, "ns")}};
  return s;
}

const Schema& time_series_schema() {
  using T = llm::TimeSeriesRecord;
  static const Schema s{"timeseries",
                        "Per replica, the state after each scheduling round that changed it (metrics.store_time_series); "
                        "a state holds until the replica's next row",
                        sizeof(T),
                        {LLMSIM_FIELD(T, replica_id, "id"), LLMSIM_FIELD(T, time, "ns"),
                         LLMSIM_FIELD(T, queue_length, "requests"), LLMSIM_FIELD(T, running_requests, "requests"),
                         LLMSIM_FIELD(T, kv_blocks_used, "blocks")}};
  return s;
}

const Schema& prefix_cache_schema() {
  using P = llm::PrefixCacheRecord;
  static const Schema s{"replicas",
                        "One row per replica with a prefix cache: prompt tokens looked up at first admission and "
                        "found cached (hit_rate), the same after preemptions, evictions of cached blocks",
                        sizeof(P),
                        {LLMSIM_FIELD(P, replica_id, "id"), LLMSIM_FIELD(P, lookups, "count"),
                         LLMSIM_FIELD(P, lookup_tokens, "tokens"), LLMSIM_FIELD(P, hit_tokens, "tokens"),
                         LLMSIM_FIELD(P, resumed_lookup_tokens, "tokens"),
                         LLMSIM_FIELD(P, resumed_hit_tokens, "tokens"), LLMSIM_FIELD(P, evictions, "blocks"),
                         LLMSIM_FIELD(P, hit_rate, "ratio")}};
  return s;
}

const Schema& cached_tokens_schema() {
  using C = llm::CachedTokensRecord;
  static const Schema s{"requests",
                        "One row per request served by a replica with a prefix cache: prompt tokens found cached over "
                        "all its admissions",
                        sizeof(C),
                        {LLMSIM_FIELD(C, request_id, "id"), LLMSIM_FIELD(C, cached_tokens, "tokens")}};
  return s;
}

const Schema& kv_transfer_schema() {
  using K = llm::KvTransferRecord;
  static const Schema s{"kv_transfers",
                        "One row per KV-cache transfer from a prefill to a decode replica (disaggregated pools): blocks "
                        "held on both replicas from transfer_started_at to transfer_completed_at; assigned_at to "
                        "transfer_started_at is the wait for decode-side memory",
                        sizeof(K),
                        {LLMSIM_FIELD(K, request_id, "id"), LLMSIM_FIELD(K, prefill_replica_id, "id"),
                         LLMSIM_FIELD(K, decode_replica_id, "id"), LLMSIM_FIELD(K, kv_tokens, "tokens"),
                         LLMSIM_FIELD(K, kv_bytes, "bytes"), LLMSIM_FIELD(K, prefill_completed_at, "ns"),
                         LLMSIM_FIELD(K, assigned_at, "ns"), LLMSIM_FIELD(K, transfer_started_at, "ns"),
                         LLMSIM_FIELD(K, transfer_completed_at, "ns")}};
  return s;
}

#undef LLMSIM_FIELD

std::string units_json(const Schema& schema) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const Field& f : schema.fields) j[f.name] = f.unit;
  return j.dump();
}

}  // namespace llmsim::io::detail
