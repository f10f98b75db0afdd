// SPDX-License-Identifier: MIT
// llmsim entry point: parse the command line, pick the transport, map exceptions to exit codes.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "cli_options.hpp"
#include "cli_failure_message.hpp"
#include "llmsim/des/partition.hpp"
#include "inspect_commands.hpp"
#include "predictor_cache_option.hpp"
#include "launch.hpp"
#include "plugin_list.hpp"
#include "calibrate_command.hpp"
#include "validate_command.hpp"

namespace {

// CLI::Range lets NaN through (every comparison with it is false).
CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& text) {
        try {
          return std::isfinite(std::stod(text)) ? std::string() : "'" + text + "' is not a finite number";
        } catch (const std::exception&) {
          return "'" + text + "' is not a number";
        }
      },
      "FINITE");
}

}  // namespace

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
  llmsim::app::shorten_cli_failures(cli);
  cli.add_option("-c,--config", opt.config_path, "Simulation config (YAML); see configs/examples/")
      ->check(CLI::ExistingFile);
  cli.add_option("-o,--output", opt.output_path, "HDF5 results file (written atomically)")->capture_default_str();
  cli.add_option("--set", opt.overrides,
                 "Override a config key, e.g. --set cluster.num_replicas=4 (repeatable; value is YAML)");
  cli.add_option("--seed", opt.seed,
                 "Set seed, request_generator.seed and its length_generator.seed (same seed => same bytes)")
      ->check(CLI::Range(0ULL, 4294967295ULL));
  cli.add_option("--csv", opt.csv_dir, "Also write requests/batches/replica_stages/replicas CSVs into DIR (rank 0 then holds every request row; without CSVs they stream into the HDF5 file)");
  cli.add_option("--chrome-trace", opt.chrome_trace_path, "Write a chrome://tracing JSON of every batch stage");
  cli.add_option("--local-ranks", opt.local_ranks,
                 "Without mpirun: split replicas over N in-process logical ranks, one thread each (same results as "
                 "1 rank)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--max-memory", opt.max_memory_gib,
                 "GiB this run may use; a run whose estimated peak memory is larger is refused before it allocates "
                 "(default: the machine's available memory; 0 = no limit)")
      ->check(CLI::Range(0.0, 1e9));
  cli.add_option("--partition", opt.partition, "How replicas are spread over ranks")
      ->check(CLI::IsMember(llmsim::plugin_names(llmsim::des::partitions())))
      ->capture_default_str();
  cli.add_option("--log-level", opt.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  cli.add_option("--progress-interval", opt.progress_interval_s, "Seconds of wall time between progress lines")
      ->check(finite_number() & CLI::Range(1e-3, 1e9))
      ->capture_default_str();
  llmsim::app::add_predictor_cache_option(cli);
  cli.add_flag("--compress", opt.compress,
               "Compress HDF5 tables above 65,536 rows (shuffle + deflate 1): 500k requests took 8.8 MB instead of "
               "105 MB, but 0.7 s longer to write and 9x longer to read (docs/design.md)");
  cli.add_flag("--report", opt.report,
               "After the run, write an HTML report with plots into <output>.report/ (scripts/llmsim-report)");
  bool list = false;
  cli.add_flag("--list", list,
               "List every replica scheduler, router, request/interval/length generator, predictor and partition "
               "with its config keys, and exit");
  cli.add_flag("--print-config", opt.print_config, "Print the resolved config as JSON and exit");
  cli.add_flag("-q,--quiet", opt.quiet, "Only print warnings and errors");
  llmsim::app::InspectOptions inspect;
  const auto inspect_command = [&](const char* name, const char* what) {
    CLI::App* cmd = cli.add_subcommand(name, what);
    cmd->add_option("-c,--config", inspect.config_path, "Simulation config (YAML) naming the deployment")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--set", inspect.overrides, "Override a config key (repeatable), as for a run");
    cmd->add_flag("--json", inspect.json, "Print JSON");
    cmd->add_option("--pool", inspect.pool, "The pool to inspect (cluster.pools[].name); needed when there are several");
    return cmd;
  };
  CLI::App* plan = inspect_command(
      "plan", "Print the memory plan (parameters, KV cache, batch limits, blocks) and parallel layout of the config's "
              "replicas, exactly as the simulation computes them; exit 2 if not even one request fits");
  CLI::App* predict = inspect_command(
      "predict", "Print each operator's predicted time (and its source) for one batch on every pipeline stage, "
                 "exactly as the simulation sums it, e.g. llmsim predict -c X.yaml --prefill 512 --prefill 128:1024 "
                 "--decode 2000x32");
  predict->add_option("--prefill", inspect.prefills,
                      "CHUNK[:KV]: a request prefilling CHUNK tokens this iteration with KV tokens already cached "
                      "(repeatable)");
  predict->add_option("--decode", inspect.decodes,
                      "KV[xCOUNT]: COUNT requests (default 1) decoding one token with a context of KV tokens "
                      "(repeatable)");
  llmsim::app::ValidateOptions validate_opt;
  CLI::App* validate = cli.add_subcommand(
      "validate",
      "Predict every case of the validation suites (measurements made on real GPUs, configs/validation/) and print\n"
      "measured, predicted and relative error per case and a summary (median / P90 / max |error| per suite, GPU,\n"
      "model, predictor and metric); all of it goes to the HDF5 file. Exit 4 when --check finds a group past its\n"
      "bound. See docs/validation.md.");
  validate->add_option("--suite", validate_opt.suites, "A suite file, or a directory of them (repeatable)")
      ->capture_default_str();
  validate->add_option("-o,--output", validate_opt.output_path, "HDF5 file of cases and summary")->capture_default_str();
  validate->add_option("--check", validate_opt.bounds_path,
                       "Bounds file (configs/validation/bounds.yaml): exit 4 if any group's median, P90 or max "
                       "|error| exceeds its bound, or a group has none")
      ->check(CLI::ExistingFile);
  validate->add_option("--set", validate_opt.overrides,
                       "Override a config key of every case (repeatable), e.g. to try a predictor setting");
  validate->add_flag("--cases", validate_opt.print_cases, "Also print every case and metric");
  llmsim::app::CalibrateOptions calibrate_opt;
  CLI::App* calibrate = cli.add_subcommand(
      "calibrate",
      "Fit the CPU-overhead terms of execution_time_predictor.cpu_overhead (launch per layer, per iteration, per\n"
      "request) to measurements of your own serving stack: each file's requests are simulated with their measured\n"
      "arrivals and lengths on the config's cluster, and the terms minimising median |TTFT error| + median |TPOT\n"
      "error| are found by a deterministic search. Prints the per-request error before and after, in-sample and\n"
      "cross-validated (one file left out at a time, or --folds interleaved folds of one file's requests), and\n"
      "writes the terms as a file that execution_time_predictor.cpu_overhead can name. See docs/validation.md.");
  calibrate->add_option("-c,--config", calibrate_opt.config_path, "llmsim config with the measured server's settings")
      ->required()
      ->check(CLI::ExistingFile);
  calibrate->add_option("--set", calibrate_opt.overrides, "Override a config key (repeatable), as for a run");
  calibrate->add_option("-m,--measurements", calibrate_opt.measurements,
                        "A vLLM `vllm bench serve --save-result` JSON file, or a CSV (.csv, .csv.gz) with one row per "
                        "request: arrival_s, prompt_tokens, output_tokens, ttft_ms, e2e_ms (repeatable: one file a "
                        "run)")
      ->required()
      ->check(CLI::ExistingFile);
  calibrate->add_option("--folds", calibrate_opt.folds, "Cross-validation folds when one file is given")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000));
  calibrate->add_option("-o,--output", calibrate_opt.output_path, "The fitted cpu_overhead file (YAML)")
      ->capture_default_str();
  cli.require_subcommand(0, 1);
  try {
    cli.parse(argc, argv);
    if (list) {
      std::printf("%s", llmsim::app::plugin_list().c_str());
      return 0;
    }
    if (!plan->parsed() && !predict->parsed() && !validate->parsed() && !calibrate->parsed() &&
        opt.config_path.empty()) {
      throw CLI::RequiredError("--config");
    }
  } catch (const CLI::ParseError& e) {
    const int code = launch.rank() == 0 ? cli.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
    return code == 0 ? 0 : 2;
  }
  if (plan->parsed()) return llmsim::app::run_inspect(llmsim::app::plan_command, inspect);
  if (predict->parsed()) return llmsim::app::run_inspect(llmsim::app::predict_command, inspect);
  if (validate->parsed()) return llmsim::app::validate_command(validate_opt);
  if (calibrate->parsed()) return llmsim::app::calibrate_command(calibrate_opt);
  return launch.run(opt);
}
