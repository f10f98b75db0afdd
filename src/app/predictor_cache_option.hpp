// SPDX-License-Identifier: MIT
// --predictor-cache DIR, shared by llmsim and llmsim-sweep: where trained predictor models and parsed prediction
// tables are cached.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <string>

namespace llmsim::app {

/// Adds --predictor-cache to `app`; the value is passed on through LLMSIM_PREDICTOR_CACHE, which the config
/// loader reads (llm::default_predictor_cache_dir), so every configuration of a run or sweep sees it.
inline void add_predictor_cache_option(CLI::App& app) {
  app.add_option_function<std::string>(
      "--predictor-cache",
      [](const std::string& dir) { ::setenv("LLMSIM_PREDICTOR_CACHE", dir.c_str(), 1); },
      "Directory caching trained 'profiled' predictor models and parsed 'vidur_table' tables, keyed by the "
      "content of their inputs; 'none' disables it (default: $LLMSIM_PREDICTOR_CACHE, else "
      "~/.cache/llmsim/predictors)");
}

}  // namespace llmsim::app
