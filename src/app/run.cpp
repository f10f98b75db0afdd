// SPDX-License-Identifier: MIT
// One llmsim run: config -> requests -> predictor -> simulation -> HDF5/CSV/trace -> summary.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "app_logging.hpp"
#include "cli_options.hpp"
#include "memory_limit.hpp"
#include "output_path.hpp"
#include "report_runner.hpp"
#include "rank_fingerprint.hpp"
#include "llmsim/io/config_loader.hpp"
#include "llmsim/io/result_writers.hpp"
#include "llmsim/llm/request_generator.hpp"
#include "llmsim/llm/simulation.hpp"
#include "run_summary.hpp"

namespace llmsim::app {

namespace {

using Clock = std::chrono::steady_clock;

llm::SimulationConfig load(const CliOptions& opt) {
  llm::SimulationConfig config = io::load_config(opt.config_path, opt.overrides);
  if (opt.seed) {
    config.seed = *opt.seed;
    config.request_generator.seed = *opt.seed;
    config.request_generator.length.seed = *opt.seed;
  }
  return config;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

bool writes_csv(const CliOptions& opt, const llm::SimulationConfig& config) {
  return !opt.csv_dir.empty() || config.metrics.write_csv;
}

// Every output is written before any is put in place: a failing writer leaves all previous outputs untouched.
// `file` holds the request rows streamed in during the run; without it (CSV files asked for, which need every row)
// the HDF5 file is written here from `results`.
void write_outputs(const CliOptions& opt, const llm::SimulationConfig& config, const llm::SimulationResults& results,
                   const io::RunMetadata& meta, io::Hdf5ResultFile* file, io::StagedFiles& staged,
                   spdlog::logger& log) {
  if (file) {
    file->finish(results);
  } else {
    io::write_hdf5(results, meta, opt.output_path, staged);
  }
  std::string written = opt.output_path;
  if (writes_csv(opt, config)) {
    const std::string dir = opt.csv_dir.empty() ? opt.output_path + ".csv" : opt.csv_dir;
    io::write_csv(results, dir, staged);
    written += ", CSV files in " + dir;
  }
  if (!opt.chrome_trace_path.empty()) {
    io::write_chrome_trace(results, opt.chrome_trace_path, staged);
    written += ", " + opt.chrome_trace_path;
  }
  staged.commit();
  log.info("wrote {}", written);
}

}  // namespace

int run(const CliOptions& options, des::Transport* transport) {
  const int rank = transport ? transport->rank() : 0;
  const int ranks = transport ? transport->size() : 1;
  llm::SimulationConfig config = load(options);
  if (options.print_config) {
    if (rank == 0) std::printf("%s\n", io::config_to_json(config).c_str());
    return 0;
  }
  if (ranks > 1) {
    require_same_inputs(*transport, "config (--config, --set, --seed, --partition)",
                        io::config_to_json(config) + "\npartition " + options.partition);
  }
  // Output paths are checked (and links resolved) before anything is simulated; only rank 0 writes.
  CliOptions opt = options;
  if (rank == 0) {
    const llm::RequestGeneratorConfig& g = config.request_generator;
    const std::vector<std::string> inputs{options.config_path, g.trace_file, g.length.trace_file, g.interval.trace_file};
    opt.output_path = prepare_output_path(options.output_path, inputs, "--output");
    if (!opt.chrome_trace_path.empty()) {
      opt.chrome_trace_path = prepare_output_path(options.chrome_trace_path, inputs, "--chrome-trace");
    }
    if (!opt.csv_dir.empty()) prepare_output_path(opt.csv_dir + "/requests.csv", inputs, "--csv");
  }
  config.metrics.enable_chrome_trace = config.metrics.enable_chrome_trace || !opt.chrome_trace_path.empty();
  if (ranks > 1) std::filesystem::create_directories(options.output_path + ".logs");
  auto log = make_logger("llmsim", opt.quiet, opt.log_level, rank, ranks, options.output_path + ".logs");
  const auto start = Clock::now();
  require_memory(llm::estimate_memory(config), opt.max_memory_gib);  // before generating the requests
  std::vector<llm::RequestSpec> requests = llm::generate_requests(config.request_generator);
  require_memory(llm::estimate_memory(config, requests), opt.max_memory_gib);
  std::vector<std::unique_ptr<llm::ExecutionTimePredictor>> predictors;
  std::vector<const llm::ExecutionTimePredictor*> pool_predictors;
  for (const llm::PoolConfig& pool : config.cluster.pools) {
    predictors.push_back(llm::make_execution_time_predictor(pool.predictor, pool));
    pool_predictors.push_back(predictors.back().get());
    log->info("pool {}: {} replica(s) of {} on {} (TP{} PP{}), {}, {} predictor", pool.name, pool.num_replicas,
              pool.replica.model.name, pool.replica.device.name, pool.replica.tensor_parallel_size,
              pool.replica.num_pipeline_stages, pool.replica_scheduler.name, pool.predictor.name);
  }
  const std::size_t num_requests = requests.size();
  log->info("simulating {} requests on {} replica(s) ({} router) on {} rank(s)", num_requests,
            config.cluster.num_replicas(), config.cluster.global_scheduler.name, ranks);
  llm::Simulation sim(config, std::move(requests), pool_predictors, transport, opt.partition);
  // Rank 0 streams the request rows into the result file as they are gathered, so it never holds them all.
  io::StagedFiles staged;
  const io::RunMetadata meta{io::config_to_json(config), config.seed, ranks, ranks > 1 ? opt.partition : "single",
                             opt.compress, config.metrics.store_token_completion_metrics,
                             config.metrics.store_time_series, config.cluster.disaggregated()};
  std::optional<io::Hdf5ResultFile> file;
  if (rank == 0 && !writes_csv(opt, config)) {
    file.emplace(meta, num_requests, opt.output_path, staged);
    sim.stream_request_rows(file->request_rows());
  }
  auto last_report = Clock::now();
  const auto progress = [&](const llm::Progress& p) {
    const auto now = Clock::now();
    if (std::chrono::duration<double>(now - last_report).count() < opt.progress_interval_s) return;
    last_report = now;
    const double wall = std::chrono::duration<double>(now - start).count();
    if (p.whole_cluster) {
      log->info("t={:.1f} s simulated  {}/{} requests done  {} events  {:.0f} events/s", simtime_to_seconds(p.now),
                p.completed_requests, p.total_requests, p.events, static_cast<double>(p.events) / wall);
    } else {
      log->info("t={:.1f} s simulated  {} requests done by this rank's replicas  {} events on this rank  "
                "{:.0f} events/s",
                simtime_to_seconds(p.now), p.completed_requests, p.events, static_cast<double>(p.events) / wall);
    }
  };
  const llm::SimulationResults results = sim.run(progress);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (ranks > 1) {
    log->info("synchronisation took {:.3f} s of {:.3f} s on this rank; it held the state of {} of {} requests",
              sim.sync_seconds(), wall, sim.num_request_states(), num_requests);
  }
  if (rank != 0) {
    log->info("peak memory {:.1f} MiB", peak_rss_mib());  // this rank's log
    return 0;
  }
  write_outputs(opt, config, results, meta, file ? &*file : nullptr, staged, *log);
  log->info("total wall time {:.3f} s (generation, simulation and output)",
            std::chrono::duration<double>(Clock::now() - start).count());
  if (!opt.quiet) std::printf("%s", format_summary(results, wall).c_str());
  if (opt.report) {
    if (const int code = run_report(opt.output_path); code != 0) {
      log->error("llmsim-report failed (exit code {}); the results in {} are complete", code, opt.output_path);
      return 1;
    }
    log->info("wrote the report {}.report/index.html", opt.output_path);
  }
  log->info("peak memory {:.1f} MiB", peak_rss_mib());
  if (results.time_limit_reached) log->warn("time_limit reached: unfinished requests have completed = 0");
  if (const std::int64_t stalled = sim.num_stalled_requests(); stalled > 0) {
    log->error("{} request(s) could never be served: the replica scheduler could not admit them (e.g. a prompt "
               "larger than max_tokens_in_batch or than the KV cache); see rows with completed = 0",
               stalled);
    return 3;
  }
  return 0;
}

}  // namespace llmsim::app
