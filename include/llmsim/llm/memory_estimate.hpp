// SPDX-License-Identifier: MIT
// MemoryEstimate: the peak memory a run will need, known before it allocates, so that an impossible run is
// refused with the estimate instead of ending in std::bad_alloc (or the kernel's OOM killer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/request.hpp"

namespace llmsim::llm {

/// Measured peak bytes per item, rounded up (docs/reliability.md): request state plus its result row; replica state;
/// one stored batch record (metrics.store_batch_metrics).
inline constexpr double kPeakBytesPerRequest = 320;
inline constexpr double kPeakBytesPerReplica = 4096;
inline constexpr double kPeakBytesPerBatch = 256;
/// One stored output token (metrics.store_token_completion_metrics) and one time-series row (store_time_series).
inline constexpr double kPeakBytesPerToken = 64;
inline constexpr double kPeakBytesPerTimeSeriesRow = 80;
/// Per KV block of a vllm_v1 replica (block pool arrays and a cached-content index entry), and per block of a
/// replica in the prefix_aware router's index.
inline constexpr double kPeakBytesPerCachedBlock = 96;
inline constexpr double kPeakBytesPerRoutedBlock = 80;

struct MemoryEstimate {
  double requests = 0;  ///< number of requests (expected, before generation)
  double batches = 0;   ///< upper bound on stored batch records (0 without batch metrics)
  double tokens = 0;    ///< stored output tokens (0 without token metrics)
  double time_series_rows = 0;  ///< upper bound on time-series rows (0 without time series)
  int replicas = 0;
  double block_bytes_per_replica = 0;  ///< prefix-cache and router-index bookkeeping, mean per replica
  double bytes() const;
  /// e.g. "5.5 GiB (1000000 requests x 0.5 KiB, 16 replicas x 4 KiB, up to 2.1e7 stored batches x 0.2 KiB)".
  std::string describe() const;
};

/// Before the requests exist: a synthetic workload's num_requests (or duration x qps when only the duration is
/// set); 0 requests for a trace (bounded by the trace reader's size limit, counted after generation).
MemoryEstimate estimate_memory(const SimulationConfig& config);

/// Batches of one request each: one per decode token and prefill chunk (the smallest chunk of any pool). An upper
/// bound on a run's batches unless requests are restarted.
double batch_bound(const SimulationConfig& config, const std::vector<RequestSpec>& requests);

/// With the generated requests: every request, and with batch metrics an upper bound on the batches (one per
/// decode token plus one per prefill chunk of each request, i.e. batches of one request).
MemoryEstimate estimate_memory(const SimulationConfig& config, const std::vector<RequestSpec>& requests);

}  // namespace llmsim::llm
