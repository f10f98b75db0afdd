// SPDX-License-Identifier: MIT
// llmsim-sweep subcommands on top of load_sweep, PointRunner, SweepStore and distribute_work.
#include "sweep_commands.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "app_logging.hpp"
#include "output_path.hpp"
#include "rank_fingerprint.hpp"
#include "llmsim/io/config_loader.hpp"
#include "llmsim/io/sweep_loader.hpp"
#include "llmsim/io/sweep_store.hpp"
#include "llmsim/mpi/mpi_transport.hpp"
#include "llmsim/mpi/work_distribution.hpp"
#include "llmsim/sweep/point_runner.hpp"
#include "llmsim/sweep/predictor_warmup.hpp"
#include "llmsim/sweep/sweep_plan.hpp"

namespace llmsim::app {

namespace {

using Clock = std::chrono::steady_clock;

std::string output_of(const SweepOptions& o, const io::Sweep& sw) {
  return o.output_path.empty() ? "out/" + sw.name + ".h5" : o.output_path;
}

/// The sweep file to write, checked before anything runs (not a directory, FIFO or input; its directory writable).
std::string checked_output(const SweepOptions& o, const io::Sweep& sw) {
  return prepare_output_path(output_of(o, sw), {o.job_path, sw.base_config}, "--output");
}

io::SweepFileInfo file_info(const io::Sweep& sw) {
  io::SweepFileInfo info{sw.name, sw.definition_text, io::search_spec_json(sw.search), {}, {}};
  for (const io::SweepPoint& p : sw.points) {
    info.ids.push_back(p.id);
    info.labels.push_back(p.label);
  }
  return info;
}

/// The capacity search in words, e.g. "max QPS with P99 scheduling_delay <= 5 s (...)".
std::string search_text(const io::Sweep& sw) {
  if (!sw.search) return "none";
  const io::CapacitySearchSpec& s = *sw.search;
  std::string what;
  if (s.goodput()) {
    std::string slos;
    for (const llm::MetricSlo& m : s.slos) slos += fmt::format("{}{} <= {:g} s", slos.empty() ? "" : " and ", m.metric, m.slo_s);
    what = fmt::format("goodput: max QPS with {:g} % of requests meeting {}", s.attainment * 100, slos);
  } else {
    what = fmt::format("max QPS with P{:g} {} <= {:g} s", s.quantile * 100, s.metric, s.slo_s);
  }
  return what + fmt::format(" (max {} probes, stop at {:g}%)", s.max_iterations, s.min_search_granularity_percent);
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

/// Parts that belong to no configuration of this sweep (left by an earlier version of the sweep file): kept on
/// disk, never merged, and said so rather than dropped silently.
std::string foreign_parts_note(const io::SweepStore& store, const io::Sweep& sw) {
  std::set<std::string> extra = store.finished_ids();
  for (const io::SweepPoint& p : sw.points) extra.erase(p.id);
  if (extra.empty()) return "";
  return std::to_string(extra.size()) + " part(s) in " + store.parts_dir() +
         " belong to no configuration of this sweep (e.g. " + *extra.begin() +
         ", from an earlier version of the sweep file); they are kept but not merged";
}

io::SweepPart make_part(const io::SweepPoint& p, const sweep::PointOutcome& o, int rank) {
  io::SweepPart part;
  part.id = p.id;
  part.label = p.label;
  part.overrides_json = nlohmann::json(p.overrides).dump();
  part.summary_json = sweep::summary_row_json(p, o);
  part.results = &o.results;
  const llm::MetricsConfig& m = o.run_config.metrics;
  part.meta = io::RunMetadata{io::config_to_json(o.run_config), o.run_config.seed, 1, "single", false,
                              m.store_token_completion_metrics, m.store_time_series,
                              o.run_config.cluster.disaggregated()};
  part.searched = o.capacity.has_value();
  if (o.capacity) {
    for (const sweep::CapacityProbe& pr : o.capacity->probes) {
      part.probes.push_back({pr.qps, pr.metric_value, static_cast<std::uint8_t>(pr.under_slo)});
    }
  }
  part.rank = rank;
  part.wall_seconds = o.wall_seconds;
  part.total_events = o.total_events;
  return part;
}

/// --ranks-per-config K > 1: rank 0 hands out, groups of K ranks each run one configuration partitioned over
/// them, which needs a routing latency (the lookahead) in every configuration.
void check_groups(const io::Sweep& sw, int group, int ranks, int workers) {
  if (group <= 1) return;
  if (workers == 0) {
    throw ConfigError("--ranks-per-config " + std::to_string(group) + ": needs 1 + a multiple of " +
                      std::to_string(group) + " MPI ranks (rank 0 hands out configurations; each group of " +
                      std::to_string(group) + " ranks runs one), got " + std::to_string(ranks));
  }
  for (const io::SweepPoint& p : sw.points) {
    if (p.config.cluster.routing.latency <= 0) {
      throw ConfigError(sw.file + ": configuration [" + p.label + "]: cluster.routing.latency must be > 0 to run " +
                        "one configuration on " + std::to_string(group) + " ranks (--ranks-per-config)");
    }
  }
}

}  // namespace

int sweep_list(const SweepOptions& o) {
  const io::Sweep sw = io::load_sweep(o.job_path);
  const std::string output = output_of(o, sw);
  std::set<std::string> finished;
  if (std::filesystem::is_directory(output + ".parts")) finished = io::SweepStore(output).finished_ids();
  std::printf("sweep %s: %zu configuration(s), %zu excluded; base %s\ncapacity search: %s\nresults: %s\n",
              sw.name.c_str(), sw.points.size(), sw.num_excluded, sw.base_config.c_str(), search_text(sw).c_str(),
              output.c_str());
  for (const auto& [reason, count] : sw.excluded_by_reason) std::printf("excluded %zu: %s\n", count, reason.c_str());
  std::printf("%5s  %-12s  %-8s  %s\n", "index", "id", "status", "configuration");
  for (const io::SweepPoint& p : sw.points) {
    std::printf("%5zu  %-12s  %-8s  %s\n", p.index, p.id.c_str(), finished.contains(p.id) ? "done" : "pending",
                p.label.c_str());
    if (o.commands) {
      std::string cmd = "       llmsim --config " + quoted(sw.base_config);
      for (const std::string& s : p.overrides) cmd += " --set " + quoted(s);
      std::printf("%s\n", cmd.c_str());
    }
  }
  return 0;
}

int sweep_run(const SweepOptions& o, int rank, int ranks) {
  const auto start = Clock::now();
  const io::Sweep sw = io::load_sweep(o.job_path);
  if (ranks > 1) {
    std::string resolved = sw.definition_text + "\noutput " + output_of(o, sw) + "\nshard " + o.shard +
                           "\nranks_per_config " + std::to_string(o.ranks_per_config);
    for (const io::SweepPoint& p : sw.points) resolved += "\n" + p.id + " " + p.label;  // ids hash the configs
    require_same_inputs(*mpi::make_world_transport(), "sweep (file, its base config, options)", resolved);
  }
  const sweep::Shard shard = sweep::parse_shard(o.shard);
  const int group = o.ranks_per_config;
  const int workers = group > 1 ? mpi::num_work_groups(ranks, group) : ranks;
  check_groups(sw, group, ranks, workers);
  const io::SweepStore store(checked_output(o, sw));
  const std::string logs_dir = store.output_path() + ".logs";
  if (ranks > 1) std::filesystem::create_directories(logs_dir);
  auto log = make_logger("llmsim-sweep", o.quiet, o.log_level, rank, ranks, logs_dir);

  std::vector<std::size_t> pending;
  if (rank == 0) {
    const io::SweepStore::Scan parts = store.scan();
    for (const auto& [id, reason] : parts.damaged) {
      log->warn("part {} is damaged: {}; set aside as {}.damaged, its configuration runs again", id, reason, id);
      store.set_aside(id);
    }
    const sweep::Plan plan = sweep::plan_pending(sw, parts.intact, shard);
    pending = plan.pending;
    log->info("sweep {}: {} configuration(s){}, {} already finished, {} to run on {} rank(s); capacity search: {}",
              sw.name, sw.points.size(), shard.count > 1 ? " (shard " + o.shard + ")" : "", plan.done_before,
              pending.size(),
              group > 1 ? std::to_string(workers) + " groups of " + std::to_string(group) : std::to_string(ranks),
              search_text(sw));
    if (const std::string note = foreign_parts_note(store, sw); !note.empty()) log->warn("{}", note);
  }

  // Each distinct trained predictor once, spread over the ranks, before any configuration runs.
  std::vector<std::size_t> warmup;
  if (rank == 0) warmup = sweep::predictor_warmup_items(sw, pending);
  mpi::distribute_work(
      warmup, [&](std::size_t i) { return sweep::warm_predictor(sw, i); },
      [&](std::size_t i, int on_rank, double seconds) {
        log->info("predictor for [{}] ready (rank {}, {:.2f} s)", sw.points[i].label, on_rank, seconds);
      });

  sweep::PointRunner runner;
  auto last_progress = Clock::now();
  runner.set_progress([&](const io::SweepPoint& p, const llm::Progress& pr) {
    const auto now = Clock::now();
    if (std::chrono::duration<double>(now - last_progress).count() < o.progress_interval_s) return;
    last_progress = now;
    if (pr.whole_cluster) {
      log->info("{} [{}]: t={:.1f} s simulated, {}/{} requests done, {} events", p.id, p.label,
                simtime_to_seconds(pr.now), pr.completed_requests, pr.total_requests, pr.events);
    } else {
      log->info("{} [{}]: t={:.1f} s simulated, {} requests done by this rank's replicas, {} events on this rank",
                p.id, p.label, simtime_to_seconds(pr.now), pr.completed_requests, pr.events);
    }
  });
  const auto work = [&](std::size_t index, des::Transport* transport) {
    const io::SweepPoint& p = sw.points[index];
    log->debug("running {} [{}]", p.id, p.label);
    try {
      const sweep::PointOutcome outcome = runner.run(p, sw.search, transport);
      if (transport != nullptr && transport->rank() != 0) return outcome.wall_seconds;
      store.write_part(make_part(p, outcome, rank));
      if (outcome.capacity) {
        log->info("{} [{}]: capacity {} after {} probe(s)", p.id, p.label,
                  outcome.capacity->capacity_qps ? std::to_string(*outcome.capacity->capacity_qps) + " QPS"
                                                 : std::string("not found (no probe met the SLO)"),
                  outcome.capacity->probes.size());
      }
      return outcome.wall_seconds;
    } catch (const ConfigError& e) {
      throw ConfigurationFailed("configuration " + p.id + " [" + p.label + "]: config error: " + e.what(), 2);
    } catch (const InputError& e) {
      throw ConfigurationFailed("configuration " + p.id + " [" + p.label + "]: input error: " + e.what(), 2);
    } catch (const std::exception& e) {
      throw ConfigurationFailed("configuration " + p.id + " [" + p.label + "]: " + e.what(), 1);
    }
  };
  std::size_t finished_now = 0;
  std::map<int, double> busy;
  const mpi::DoneFn done = [&](std::size_t index, int on_rank, double seconds) {
    ++finished_now;
    busy[on_rank] += seconds;
    const io::SweepPoint& p = sw.points[index];
    log->info("[{}/{}] finished {} [{}] on rank {} in {:.2f} s", finished_now, pending.size(), p.id, p.label, on_rank,
              seconds);
  };
  if (group > 1) {
    mpi::distribute_work_in_groups(pending, group, [&](std::size_t i, des::Transport& t) { return work(i, &t); }, done);
  } else {
    mpi::distribute_work(pending, [&](std::size_t i) { return work(i, nullptr); }, done);
  }
  if (rank != 0) return 0;

  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (!pending.empty()) {
    const sweep::LoadBalance b = sweep::load_balance(busy, workers, wall);
    const char* unit = group > 1 ? "group" : "rank";
    log->info("load balance: busy {:.2f} s in total, busiest {} {:.2f} s, mean {:.2f} s per {}; efficiency "
              "{:.0f}% of {} {}(s) x {:.2f} s wall",
              b.total, unit, b.busiest, b.mean, unit, 100.0 * b.efficiency, workers, unit, wall);
  }
  if (shard.count > 1 || o.no_merge) {
    log->info("parts are in {}; assemble the sweep file with: llmsim-sweep merge {} --output {}", store.parts_dir(),
              o.job_path, store.output_path());
    return 0;
  }
  const std::size_t merged = store.merge(file_info(sw), false);
  log->info("wrote {} ({} configurations) in {:.2f} s", store.output_path(), merged, wall);
  return 0;
}

int sweep_merge(const SweepOptions& o) {
  const io::Sweep sw = io::load_sweep(o.job_path);
  const io::SweepStore store(checked_output(o, sw));
  if (const std::string note = foreign_parts_note(store, sw); !note.empty()) std::fprintf(stderr, "note: %s\n", note.c_str());
  const std::size_t merged = store.merge(file_info(sw), o.partial);
  std::printf("wrote %s: %zu of %zu configuration(s)\n", store.output_path().c_str(), merged, sw.points.size());
  return 0;
}

int sweep_status(const SweepOptions& o) {
  const io::Sweep sw = io::load_sweep(o.job_path);
  const io::SweepStore store(output_of(o, sw));
  const io::SweepStore::Scan parts = store.scan();
  const std::set<std::string>& finished = parts.intact;
  std::size_t done = 0;
  std::vector<const io::SweepPoint*> pending;
  for (const io::SweepPoint& p : sw.points) {
    if (finished.contains(p.id)) {
      ++done;
    } else {
      pending.push_back(&p);
    }
  }
  std::printf("sweep %s: %zu of %zu configuration(s) finished (%.0f%%)\n", sw.name.c_str(), done, sw.points.size(),
              100.0 * static_cast<double>(done) / static_cast<double>(sw.points.size()));
  for (const auto& [id, reason] : parts.damaged) std::printf("  damaged %s  %s\n", id.c_str(), reason.c_str());
  for (std::size_t i = 0; i < pending.size() && i < 20; ++i) {
    std::printf("  pending %s  %s\n", pending[i]->id.c_str(), pending[i]->label.c_str());
  }
  if (pending.size() > 20) std::printf("  ... and %zu more\n", pending.size() - 20);
  const bool merged = std::filesystem::exists(store.output_path());
  std::printf("sweep file %s: %s\n", store.output_path().c_str(),
              merged ? "present" : "not written yet (run writes it at the end; merge writes it from the parts)");
  return 0;
}

}  // namespace llmsim::app
