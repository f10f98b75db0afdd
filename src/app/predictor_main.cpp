// SPDX-License-Identifier: MIT
// llmsim-predictor: train a deployment's execution-time predictor and report on it (provenance, held-out error,
// training and load time), or compare it with Vidur's prediction tables.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli_failure_message.hpp"
#include "llmsim/util/error.hpp"
#include "predictor_commands.hpp"
#include "predictor_cache_option.hpp"

int main(int argc, char** argv) {
  llmsim::app::PredictorOptions opt;
  CLI::App cli{
      "llmsim-predictor: inspect the execution-time predictor of a config's deployment.\n\n"
      "Examples:\n"
      "  llmsim-predictor train --config configs/examples/vidur-default-7b-profiled.yaml\n"
      "  llmsim-predictor train --config X.yaml --set cluster.replica.device=../hardware/h200.yaml --repeat 5\n"
      "  llmsim-predictor compare --config configs/examples/vidur-default-7b-profiled.yaml \\\n"
      "      --tables configs/predictors/vidur-llama2-7b-a100-tp1-pp1\n\n"
      "Exit codes: 0 ok, 2 invalid config or input, 1 internal error or a compare limit exceeded.",
      "llmsim-predictor"};
  llmsim::app::shorten_cli_failures(cli);
  cli.require_subcommand(1);
  const auto common = [&](CLI::App& cmd) {
    cmd.add_option("-c,--config", opt.config_path, "Simulation config (YAML) naming the deployment and predictor")
        ->required()
        ->check(CLI::ExistingFile);
    cmd.add_option("--set", opt.overrides, "Override a config key (repeatable), as in llmsim");
    cmd.add_option("--pool", opt.pool, "The pool whose predictor to inspect (cluster.pools[].name); needed when "
                                       "there are several");
    llmsim::app::add_predictor_cache_option(cmd);
  };
  CLI::App* train = cli.add_subcommand(
      "train", "Train (or load from the cache) and print, per operator, its data, model, held-out MAPE and domain");
  common(*train);
  train->add_option("--repeat", opt.repeat, "Time a cold training and a warm cache load N times (min reported)")
      ->check(CLI::Range(0, 1000));
  train->add_flag("--json", opt.json, "Print the per-operator table as JSON");
  CLI::App* compare = cli.add_subcommand(
      "compare", "Relative difference to Vidur's prediction tables over the grid points inside the profiled domain");
  common(*compare);
  compare->add_option("--tables", opt.tables_dir, "Directory of Vidur's <op>_<hash>_predictions.csv.gz files")
      ->required()
      ->check(CLI::ExistingDirectory);
  compare->add_option("--max-median", opt.max_median_percent, "Exit 1 if an operator's median difference (%) exceeds this");
  compare->add_option("--max-p90", opt.max_p90_percent, "Exit 1 if an operator's P90 difference (%) exceeds this");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  try {
    return train->parsed() ? llmsim::app::predictor_train(opt) : llmsim::app::predictor_compare(opt);
  } catch (const llmsim::ConfigError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const llmsim::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return 1;
  }
}
