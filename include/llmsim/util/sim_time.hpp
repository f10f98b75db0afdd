// SPDX-License-Identifier: MIT
// SimTime: simulated time as integer nanoseconds, and the one place seconds are converted.
#pragma once

#include <cstdint>
#include <limits>

namespace llmsim {

/// Simulated time in integer nanoseconds. Never a double: equal inputs give equal times on any rank.
using SimTime = std::int64_t;

inline constexpr SimTime kNanosPerSecond = 1'000'000'000;
inline constexpr SimTime kSimTimeMax = std::numeric_limits<SimTime>::max();

/// Converts seconds (as produced by predictors and generators) to SimTime, rounding to the nearest ns.
/// This is the only rounding point between floating-point model outputs and simulated time.
SimTime seconds_to_simtime(double seconds);

/// Converts SimTime to seconds, for reporting only (never fed back into the simulation).
constexpr double simtime_to_seconds(SimTime t) { return static_cast<double>(t) / 1e9; }

}  // namespace llmsim
