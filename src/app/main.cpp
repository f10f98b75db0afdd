// SPDX-License-Identifier: MIT
// llmsim entry point: parse the command line, pick the transport, map exceptions to exit codes.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli_options.hpp"
#include "predictor_cache_option.hpp"
#include "launch.hpp"

int main(int argc, char** argv) {
  llmsim::app::Launch launch(&argc, &argv);
  llmsim::app::CliOptions opt;
  CLI::App cli{
      "llmsim: deterministic discrete-event simulator of LLM-inference clusters (Vidur-compatible).\n"
      "Simulates request arrival, routing, per-replica batching, paged KV-cache memory and profiled\n"
      "execution times, then writes per-request/batch/replica metrics to one HDF5 file.\n\n"
      "Examples:\n  llmsim --config configs/examples/vidur-default-7b.yaml --output out/default.h5\n"
      "  mpirun -n 4 llmsim --config X.yaml --set cluster.routing.latency=50us   (replicas spread over 4 ranks)\n\n"
      "Exit codes: 0 ok, 2 invalid config/input (message names file and key), 3 some requests could never\n"
      "be served (results are still written), 1 internal error or a failed rank.",
      "llmsim"};
  cli.add_option("-c,--config", opt.config_path, "Simulation config (YAML); see configs/examples/")
      ->required()
      ->check(CLI::ExistingFile);
  cli.add_option("-o,--output", opt.output_path, "HDF5 results file (written atomically)")->capture_default_str();
  cli.add_option("--set", opt.overrides,
                 "Override a config key, e.g. --set cluster.num_replicas=4 (repeatable; value is YAML)");
  cli.add_option("--seed", opt.seed,
                 "Set seed, request_generator.seed and its length_generator.seed (same seed => same bytes)")
      ->check(CLI::Range(0ULL, 4294967295ULL));
  cli.add_option("--csv", opt.csv_dir, "Also write requests/batches/replica_stages/replicas CSVs into DIR");
  cli.add_option("--chrome-trace", opt.chrome_trace_path, "Write a chrome://tracing JSON of every batch stage");
  cli.add_option("--local-ranks", opt.local_ranks,
                 "Without mpirun: split replicas over N in-process logical ranks (same results as 1 rank)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cli.add_option("--partition", opt.partition, "How replicas are spread over ranks")
      ->check(CLI::IsMember({"block", "round_robin"}))
      ->capture_default_str();
  cli.add_option("--log-level", opt.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  cli.add_option("--progress-interval", opt.progress_interval_s, "Seconds of wall time between progress lines")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  llmsim::app::add_predictor_cache_option(cli);
  cli.add_flag("--print-config", opt.print_config, "Print the resolved config as JSON and exit");
  cli.add_flag("-q,--quiet", opt.quiet, "Only print warnings and errors");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = launch.rank() == 0 ? cli.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
    return code == 0 ? 0 : 2;
  }
  return launch.run(opt);
}
