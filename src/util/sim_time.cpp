// SPDX-License-Identifier: MIT
// Seconds -> SimTime conversion (round half away from zero to the nearest nanosecond).
#include "llmsim/util/sim_time.hpp"

#include <spdlog/fmt/fmt.h>

#include <cmath>

#include "llmsim/util/error.hpp"

namespace llmsim {

SimTime seconds_to_simtime(double seconds) {
  const double ns = seconds * 1e9;
  if (!std::isfinite(ns) || std::fabs(ns) >= 9.2e18) {
    throw InputError(fmt::format("time value {:g} s is not representable as int64 nanoseconds", seconds));
  }
  return static_cast<SimTime>(std::llround(ns));
}

}  // namespace llmsim
