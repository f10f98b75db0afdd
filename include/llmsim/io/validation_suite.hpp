// SPDX-License-Identifier: MIT
// A validation suite (configs/validation/suites/*.yaml): measurements made on real GPUs, read by a measurement
// format, and the llmsim config that reproduces each measured setting (docs/validation.md).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/util/plugin_registry.hpp"

namespace llmsim::io {

/// One measured value of a case, in milliseconds.
struct MeasuredMetric {
  std::string metric;        ///< e.g. prefill_ms, decode_iteration_ms, e2e_ms, attn_decode_ms
  double value = 0;          ///< the median of the repeats
  std::int64_t repeats = 0;  ///< measurements behind the value
};

/// One measured setting.
struct ValidationCase {
  std::string id;       ///< unique in the suite, e.g. a100/tp2/prompt512-batch1-tokens128
  std::string gpu;      ///< the deployment's GPU label (a100, h100)
  std::string model;    ///< the measurement's model name
  std::string predictor;  ///< the deployment's name (which llmsim predictor setting predicts it)
  std::int32_t tensor_parallel = 1;
  std::string role;     ///< "fit": may be used to tune llmsim; "held_out": never fitted to
  std::string setting;  ///< human-readable description of the measured setting
  std::vector<std::string> overrides;  ///< `key=yaml` applied to the suite's base config, which is simulated
  llm::SimulationConfig config;        ///< the base config with the overrides, resolved and validated
  std::vector<MeasuredMetric> measured;
};

/// Measured values the suite leaves out, with the reason (nothing is dropped silently).
struct UnusedMeasurements {
  std::string reason;
  std::int64_t count = 0;  ///< rows, or metric values for exclusions
};

struct ValidationSuite {
  std::string file;  ///< absolute path of the suite file
  std::string name;
  std::string description;
  std::string format;        ///< the measurement format (validation_formats())
  std::string measurements;  ///< absolute path of the measured data
  std::string base_config;   ///< absolute path of the llmsim config every case starts from
  std::vector<std::pair<std::string, std::string>> source;  ///< repository, commit, path, licence, ...
  std::vector<ValidationCase> cases;
  std::vector<UnusedMeasurements> unused;
};

/// The measurement formats a suite's `format` may name (what each reads and which cases it makes).
const std::vector<PluginInfo>& validation_formats();

/// Reads a suite file, its measurements and its deployments; every case's config is resolved and validated
/// (load_config, with `extra_overrides` after the case's own) so that a bad suite fails before anything runs. Throws ConfigError naming file and key, or
/// InputError naming the measurement file, line and column.
ValidationSuite load_validation_suite(const std::string& path, const std::vector<std::string>& extra_overrides = {});

/// The suite files of `path`: the file itself, or every *.yaml directly in a directory, sorted by name. Throws
/// ConfigError if the path does not exist or a directory holds no suite.
std::vector<std::string> validation_suite_files(const std::string& path);

/// A regression bound on one summary group: its median, P90 and maximum |error| (percent) may not exceed these.
struct ErrorBound {
  std::string suite;
  std::string gpu;
  std::string model;
  std::string predictor;
  std::string metric;
  double median_percent = 0;
  double p90_percent = 0;
  double max_percent = 0;
};

/// Reads a bounds file (configs/validation/bounds.yaml): `bounds:` a list of ErrorBound mappings.
std::vector<ErrorBound> load_error_bounds(const std::string& path);

}  // namespace llmsim::io
