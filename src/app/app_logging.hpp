// SPDX-License-Identifier: MIT
// Loggers and error reports of the llmsim executables: rank 0 talks to the terminal, every rank of a
// multi-rank job also logs to <logs_dir>/rank-<r>.log.
#pragma once

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <string>

namespace llmsim::app {

std::shared_ptr<spdlog::logger> make_logger(const std::string& name, bool quiet, const std::string& level, int rank,
                                            int ranks, const std::string& logs_dir);

/// Prints "<program>: [rank r of R: ]<kind>: <message>" to stderr and returns `code`. An error that is the same on
/// every rank (`same_on_all_ranks`) is printed by rank 0 only.
int report_error(const char* program, const std::exception& e, int code, const char* kind, int rank, int ranks,
                 bool same_on_all_ranks);

}  // namespace llmsim::app
