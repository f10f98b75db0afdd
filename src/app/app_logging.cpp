// SPDX-License-Identifier: MIT
// Logger construction and error reporting shared by llmsim and llmsim-sweep.
#include "app_logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace llmsim::app {

std::shared_ptr<spdlog::logger> make_logger(const std::string& name, bool quiet, const std::string& level, int rank,
                                            int ranks, const std::string& logs_dir) {
  std::vector<spdlog::sink_ptr> sinks;
  if (rank == 0) {
    auto terminal = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    terminal->set_level(quiet ? spdlog::level::warn : spdlog::level::trace);
    sinks.push_back(terminal);
  }
  if (ranks > 1) {
    const std::string file = logs_dir + "/rank-" + std::to_string(rank) + ".log";
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, true));
  }
  auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
  logger->set_pattern(ranks > 1 ? "[%H:%M:%S] [rank " + std::to_string(rank) + "] %^%l%$ %v" : "[%H:%M:%S] %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);  // a rank's log file shows its progress during a long run
  return logger;
}

int report_error(const char* program, const std::exception& e, int code, const char* kind, int rank, int ranks,
                 bool same_on_all_ranks, bool mpi_abort_follows) {
  if (ranks > 1 && rank != 0 && same_on_all_ranks) {
    if (!mpi_abort_follows) return code;
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  if (ranks == 1) {
    std::fprintf(stderr, "%s: %s: %s\n", program, kind, e.what());
  } else {
    std::fprintf(stderr, "%s: rank %d of %d: %s: %s\n", program, rank, ranks, kind, e.what());
  }
  std::fflush(stderr);
  return code;
}

}  // namespace llmsim::app
