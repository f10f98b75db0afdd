// SPDX-License-Identifier: MIT
// Seconds -> SimTime conversion (round half away from zero to the nearest nanosecond).
#include "llmsim/util/sim_time.hpp"

#include <cmath>

#include "llmsim/util/error.hpp"

namespace llmsim {

SimTime seconds_to_simtime(double seconds) {
  const double ns = seconds * 1e9;
  if (!std::isfinite(ns) || std::fabs(ns) >= 9.2e18) {
    throw InputError("time value " + std::to_string(seconds) + " s is not representable as int64 nanoseconds");
  }
  return static_cast<SimTime>(std::llround(ns));
}

}  // namespace llmsim
