// SPDX-License-Identifier: MIT
// llmsim entry point: parse the command line, run, map exceptions to exit codes (2 = bad input, 1 = bug).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli_options.hpp"
#include "llmsim/util/error.hpp"

int main(int argc, char** argv) {
  llmsim::app::CliOptions opt;
  CLI::App cli{
      "llmsim: deterministic discrete-event simulator of LLM-inference clusters (Vidur-compatible).\n"
      "Simulates request arrival, routing, per-replica batching, paged KV-cache memory and profiled\n"
      "execution times, then writes per-request/batch/replica metrics to one HDF5 file.\n\n"
      "Example:\n  llmsim --config configs/examples/vidur-default-7b.yaml --output out/default.h5\n\n"
      "Exit codes: 0 ok, 2 invalid config/input (message names file and key), 3 some requests could never\n"
      "be served (results are still written), 1 internal error.",
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
  cli.add_option("--log-level", opt.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  cli.add_option("--progress-interval", opt.progress_interval_s, "Seconds of wall time between progress lines")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cli.add_flag("--print-config", opt.print_config, "Print the resolved config as JSON and exit");
  cli.add_flag("-q,--quiet", opt.quiet, "Only print warnings and errors");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    return llmsim::app::run(opt);
  } catch (const llmsim::ConfigError& e) {
    std::fprintf(stderr, "llmsim: config error: %s\n", e.what());
    return 2;
  } catch (const llmsim::InputError& e) {
    std::fprintf(stderr, "llmsim: input error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmsim: error: %s\n", e.what());
    return 1;
  }
}
