// SPDX-License-Identifier: MIT
// A user's measurements of their own serving stack, per request, as `llmsim calibrate` reads them
// (docs/validation.md, "Calibration").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llmsim/util/sim_time.hpp"

namespace llmsim::io {

/// One request as the client measured it.
struct MeasuredRequest {
  SimTime arrived_at = 0;  ///< relative to the run's first request
  std::int64_t prompt_tokens = 0;
  std::int64_t output_tokens = 0;
  double ttft_ms = 0;
  double e2e_ms = 0;
};

/// One benchmark run: its requests in arrival order, and what was left out of the file and why.
struct ServingRun {
  std::string file;
  std::string format;  ///< vllm_bench_serve or request_csv
  std::vector<MeasuredRequest> requests;
  std::int64_t failed_requests = 0;  ///< vLLM's `errors` entries that are not empty: not measured, not used
};

/// Reads `path` by its name: `.json` is the result file of vLLM's `vllm bench serve --save-result`
/// (benchmark_serving.py): input_lens, output_lens, ttfts and itls (seconds) per request, arrivals from
/// start_times, or all at once when request_rate is inf; `.csv` / `.csv.gz` has one row per request with columns
/// arrival_s, prompt_tokens, output_tokens, ttft_ms, e2e_ms. Throws InputError naming the file, key or line and
/// column for anything it cannot use as it stands.
ServingRun read_serving_run(const std::string& path);

}  // namespace llmsim::io
