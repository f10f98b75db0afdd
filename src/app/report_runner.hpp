// SPDX-License-Identifier: MIT
// `llmsim --report`: runs llmsim-report on the result file just written.
#pragma once

#include <string>

namespace llmsim::app {

/// Runs `llmsim-report <result> --out <result>.report -q` (the script next to this executable when installed, else
/// the source tree's scripts/llmsim-report) and returns its exit code; Error if it cannot be started.
int run_report(const std::string& result_path);

}  // namespace llmsim::app
