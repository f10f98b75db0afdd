// SPDX-License-Identifier: MIT
// llmsim-sweep entry point: subcommands list | run | merge | status over a sweep definition (jobs/*.yaml).
#include <CLI/CLI.hpp>
#include <exception>

#include "app_logging.hpp"
#include "cli_failure_message.hpp"
#include "llmsim/mpi/mpi_transport.hpp"
#include "llmsim/util/error.hpp"
#include "predictor_cache_option.hpp"
#include "sweep_commands.hpp"

namespace {

constexpr const char* kProgram = "llmsim-sweep";

void add_common(CLI::App& cmd, llmsim::app::SweepOptions& opt) {
  cmd.add_option("job", opt.job_path, "Sweep definition (YAML), e.g. jobs/ci-small.yaml; format in docs/sweeps.md")
      ->required()
      ->check(CLI::ExistingFile);
  cmd.add_option("-o,--output", opt.output_path,
                 "Sweep HDF5 file (default out/<sweep name>.h5); finished configurations are kept in <output>.parts/");
}

}  // namespace

int main(int argc, char** argv) {
  llmsim::mpi::Environment mpi(&argc, &argv);
  llmsim::app::SweepOptions opt;
  CLI::App cli{
      "llmsim-sweep: run a sweep of llmsim configurations (the cartesian product of a job file's axes, minus its\n"
      "exclusions), optionally a capacity search (max QPS under an SLO) per configuration, into one HDF5 file.\n"
      "Under mpirun/srun every rank runs whole configurations, handed out one at a time as ranks become idle.\n"
      "Re-running skips configurations already finished: a killed sweep resumes where it stopped.\n\n"
      "Examples:\n  llmsim-sweep list jobs/ci-small.yaml                    (dry run: ids and labels)\n"
      "  mpirun -n 2 llmsim-sweep run jobs/capacity-7b-70b.yaml  (writes out/capacity-7b-70b.h5)\n"
      "  llmsim-sweep run jobs/x.yaml --shard 3/8 && llmsim-sweep merge jobs/x.yaml   (job-array style)\n\n"
      "Exit codes: 0 ok, 2 invalid sweep or config (the message names the file and key), 1 any other failure\n"
      "(a failed configuration names its id and label, and aborts every rank).",
      kProgram};
  llmsim::app::shorten_cli_failures(cli);
  cli.require_subcommand(1);
  CLI::App* list = cli.add_subcommand("list", "Expand the sweep and list its configurations (dry run)");
  add_common(*list, opt);
  list->add_flag("--commands", opt.commands, "Also print the llmsim command line that runs each configuration alone");
  CLI::App* run = cli.add_subcommand("run", "Run the unfinished configurations, then write the sweep file");
  add_common(*run, opt);
  run->add_option("--shard", opt.shard, "K/N: run only configurations whose index % N == K (Slurm job arrays)");
  run->add_flag("--no-merge", opt.no_merge, "Do not write the sweep file at the end (run merge later)");
  run->add_option("--ranks-per-config", opt.ranks_per_config,
                  "K > 1: rank 0 hands out configurations and each group of K ranks runs one, with its replicas "
                  "spread over the group (large configurations; needs 1 + a multiple of K ranks and a routing latency)")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  run->add_option("--log-level", opt.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  run->add_option("--progress-interval", opt.progress_interval_s,
                  "Seconds of wall time between progress lines of a long configuration (each rank, its own)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_flag("-q,--quiet", opt.quiet, "Only print warnings and errors");
  llmsim::app::add_predictor_cache_option(*run);
  CLI::App* merge = cli.add_subcommand("merge", "Write the sweep file from the finished configurations");
  add_common(*merge, opt);
  merge->add_flag("--partial", opt.partial, "Write it even if some configurations are unfinished");
  CLI::App* status = cli.add_subcommand("status", "Show how many configurations are finished");
  add_common(*status, opt);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = mpi.rank() == 0 ? cli.exit(e) : e.get_exit_code();
    return code == 0 ? 0 : 2;
  }
  const int rank = mpi.rank();
  const int ranks = mpi.size();
  int code = 0;
  try {
    if (run->parsed()) {
      code = llmsim::app::sweep_run(opt, rank, ranks);
    } else if (rank == 0) {
      code = list->parsed() ? llmsim::app::sweep_list(opt)
             : merge->parsed() ? llmsim::app::sweep_merge(opt)
                               : llmsim::app::sweep_status(opt);
    }
  } catch (const llmsim::app::ConfigurationFailed& e) {
    code = llmsim::app::report_error(kProgram, e, e.code(), "failed", rank, ranks, false, ranks > 1);
  } catch (const llmsim::ConfigError& e) {
    code = llmsim::app::report_error(kProgram, e, 2, "config error", rank, ranks, true, ranks > 1);
  } catch (const llmsim::InputError& e) {
    code = llmsim::app::report_error(kProgram, e, 2, "input error", rank, ranks, false, ranks > 1);
  } catch (const std::exception& e) {
    code = llmsim::app::report_error(kProgram, e, 1, "error", rank, ranks, false, ranks > 1);
  }
  if (code != 0 && ranks > 1) llmsim::mpi::abort_all(code);
  return code;
}
