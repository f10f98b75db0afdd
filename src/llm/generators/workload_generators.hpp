// SPDX-License-Identifier: MIT
// Interval and length generators of the synthetic request generator (Vidur spec 7.2).
#pragma once

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/request.hpp"
#include "llmsim/util/mt19937.hpp"
#include "llmsim/util/plugin_registry.hpp"
#include "numpy_legacy.hpp"

namespace llmsim::llm::detail {

/// One generated request before conversion to a RequestSpec (times in seconds).
struct Draft {
  double arrived_at;
  std::int64_t prefill;
  std::int64_t decode;
  TokenContent content;
};

/// The two global streams Vidur reseeds in generate(): CPython `random` and numpy's global RandomState.
struct GlobalStreams {
  explicit GlobalStreams(std::uint64_t seed)
      : python(Mt19937::python_seeded(seed)), numpy(static_cast<std::uint32_t>(seed)) {}
  Mt19937 python;
  NumpyLegacyRng numpy;
};

/// Next inter-arrival time in seconds, or nullopt when the source is exhausted (trace).
class IntervalGenerator {
 public:
  virtual ~IntervalGenerator() = default;
  virtual std::optional<double> next() = 0;
};

/// Next (prefill, decode) token counts as Vidur computes them (floats, truncated later), or nullopt.
class LengthGenerator {
 public:
  virtual ~LengthGenerator() = default;
  virtual std::optional<std::pair<double, double>> next() = 0;
};

using IntervalGeneratorPlugin =
    Plugin<std::unique_ptr<IntervalGenerator> (*)(const IntervalGeneratorConfig&, GlobalStreams&)>;
using LengthGeneratorPlugin = Plugin<std::unique_ptr<LengthGenerator> (*)(const LengthGeneratorConfig&, GlobalStreams&)>;

/// The `conversations` request generator's requests, sorted by arrival.
std::vector<Draft> conversation_drafts(const RequestGeneratorConfig& config);

/// The registries of `request_generator.interval_generator.name` and `...length_generator.name`.
const std::vector<IntervalGeneratorPlugin>& interval_generators();
const std::vector<LengthGeneratorPlugin>& length_generators();

}  // namespace llmsim::llm::detail
