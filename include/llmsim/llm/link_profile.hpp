// SPDX-License-Identifier: MIT
// A GPU-to-GPU link's latency and bandwidth, fitted to a measured send_recv profile (for KV-cache transfers).
#pragma once

#include <string>

#include "llmsim/util/sim_time.hpp"

namespace llmsim::llm {

struct LinkFit {
  SimTime latency = 0;               ///< the fit's intercept (0 if negative), rounded to ns
  double bandwidth_bytes_per_s = 0;  ///< 1 / the fit's slope
  std::size_t samples = 0;           ///< profile rows used
};

/// Least-squares line time = latency + size / bandwidth through the median times of the send_recv rows of a Vidur
/// network profile (`send_recv.csv.gz`: size in bytes, time_stats.send_recv.median in ms) between two GPUs of one
/// node (`inter_node` false: devices_per_node 2) or of two nodes (true: devices_per_node 1). InputError if the file
/// has no such rows or the fit is not increasing.
LinkFit fit_send_recv_link(const std::string& path, bool inter_node);

}  // namespace llmsim::llm
