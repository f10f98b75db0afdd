// SPDX-License-Identifier: MIT
// phold: the PHOLD model (tests/support/phold_model.hpp) over MPI ranks, for the mpi tests (identical digests
// on 1, 2 and 4 ranks) and as the engine benchmark (scripts/bench_phold.sh).
// Usage: phold [--lps N] [--population M] [--remote F] [--end NS] [--partition block|round_robin]
// Prints "events <total> seconds <wall> events_per_second <rate>" and one "lp <i> <count> <digest>" line per LP.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "llmsim/mpi/mpi_transport.hpp"
#include "phold_model.hpp"

int main(int argc, char** argv) {
  llmsim::mpi::Environment mpi(&argc, &argv);
  llmsim::phold::Params p;
  std::string partition = "block";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--lps") {
      p.num_lps = std::atoi(value);
    } else if (key == "--population") {
      p.population = std::atoi(value);
    } else if (key == "--remote") {
      p.remote_fraction = std::atof(value);
    } else if (key == "--end") {
      p.end = std::atoll(value);
    } else if (key == "--partition") {
      partition = value;
    } else {
      std::fprintf(stderr, "phold: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  const auto transport = mpi.size() > 1 ? llmsim::mpi::make_world_transport() : nullptr;
  const auto start = std::chrono::steady_clock::now();
  const llmsim::phold::Outcome o = llmsim::phold::run(p, transport.get(), partition);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uint64_t total = 0;
  for (std::uint64_t c : o.counts) total += c;
  if (mpi.rank() != 0) return 0;
  std::printf("events %llu seconds %.3f events_per_second %.0f sync_seconds %.3f\n",
              static_cast<unsigned long long>(total), seconds, static_cast<double>(total) / seconds, o.sync_seconds);
  for (std::size_t i = 0; i < o.digests.size(); ++i) {
    std::printf("lp %zu %llu %016llx\n", i, static_cast<unsigned long long>(o.counts[i]),
                static_cast<unsigned long long>(o.digests[i]));
  }
  return 0;
}
