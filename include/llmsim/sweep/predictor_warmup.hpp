// SPDX-License-Identifier: MIT
// Training every trained predictor a sweep needs exactly once, before its configurations run (Vidur-Search's
// cache warm-up), so that ranks running configurations of one deployment all load it from the disk cache.
#pragma once

#include <cstddef>
#include <vector>

#include "llmsim/io/sweep_definition.hpp"

namespace llmsim::sweep {

/// Of `pending` (indices into `sw.points`), the first configuration of each distinct deployment whose predictor
/// is trained and cached (`profiled` with a cache directory), in `pending` order.
std::vector<std::size_t> predictor_warmup_items(const io::Sweep& sw, const std::vector<std::size_t>& pending);

/// Trains (or finds in the cache) the predictor of configuration `index`; returns the wall seconds it took. A
/// deployment that cannot be trained is left for its configurations to report.
double warm_predictor(const io::Sweep& sw, std::size_t index);

}  // namespace llmsim::sweep
