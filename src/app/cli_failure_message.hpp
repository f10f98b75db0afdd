// SPDX-License-Identifier: MIT
// shorten_cli_failures: CLI11's parse-error messages with runaway words cut, as llmsim's own errors are.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "llmsim/util/error.hpp"

namespace llmsim::app {

/// Makes `cli.exit(error)` print CLI11's usual one-line message through shorten_long_words (a 10,000-character
/// option value or file name is not echoed whole).
inline void shorten_cli_failures(CLI::App& cli) {
  cli.failure_message([](const CLI::App* app, const CLI::Error& e) -> std::string {
    return shorten_long_words(CLI::FailureMessage::simple(app, e));
  });
}

}  // namespace llmsim::app
