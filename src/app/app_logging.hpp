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

/// Prints "<program>: [rank r of R: ]<kind>: <message>" to stderr and returns `code`. An error that is usually the
/// same on every rank (`same_on_all_ranks`, e.g. a config error) is printed by rank 0; under MPI (`mpi_abort_follows`:
/// the caller aborts the job next) another rank waits two seconds first, so that when rank 0 failed too its abort
/// ends the job with one message, and when the error was this rank's alone it is still reported.
int report_error(const char* program, const std::exception& e, int code, const char* kind, int rank, int ranks,
                 bool same_on_all_ranks, bool mpi_abort_follows);

}  // namespace llmsim::app
