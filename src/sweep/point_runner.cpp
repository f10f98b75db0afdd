// SPDX-License-Identifier: MIT
// Running one sweep configuration and summarising it.
#include "llmsim/sweep/point_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <spdlog/fmt/fmt.h>

#include "llmsim/io/config_loader.hpp"
#include "llmsim/llm/request_generator.hpp"
#include "llmsim/llm/result_stats.hpp"
#include "llmsim/llm/simulation.hpp"

namespace llmsim::sweep {

namespace {

constexpr std::size_t kMaxCachedPredictors = 8;

/// Rank 0's `value` on every rank of `transport` (collective).
double broadcast_from_root(des::Transport& transport, double value) {
  std::vector<des::Bytes> out(static_cast<std::size_t>(transport.size()));
  if (transport.rank() == 0) {
    for (des::Bytes& b : out) {
      b.resize(sizeof value);
      std::memcpy(b.data(), &value, sizeof value);
    }
  }
  const std::vector<des::Bytes> in = transport.exchange(out);
  std::memcpy(&value, in.front().data(), sizeof value);
  return value;
}

template <typename Row, typename Get>
double mean_of(const std::vector<Row>& rows, Get get) {
  if (rows.empty()) return std::nan("");
  double sum = 0;
  for (const Row& r : rows) sum += get(r);
  return sum / static_cast<double>(rows.size());
}

}  // namespace

std::vector<const llm::ExecutionTimePredictor*> PointRunner::predictors(const llm::SimulationConfig& config) {
  const nlohmann::json j = nlohmann::json::parse(io::config_to_json(config));
  if (predictors_.size() + config.cluster.pools.size() > kMaxCachedPredictors) predictors_.clear();
  std::vector<const llm::ExecutionTimePredictor*> out;
  for (std::size_t p = 0; p < config.cluster.pools.size(); ++p) {
    nlohmann::json deployment = j["cluster"]["pools"][p];  // what the predictor is built from: not name or count
    deployment.erase("name");
    deployment.erase("num_replicas");
    const std::string key = deployment.dump();
    auto it = predictors_.find(key);
    if (it == predictors_.end()) {
      const llm::PoolConfig& pool = config.cluster.pools[p];
      it = predictors_.emplace(key, llm::make_execution_time_predictor(pool.predictor, pool)).first;
    }
    out.push_back(it->second.get());
  }
  return out;
}

PointRunner::Run PointRunner::simulate(const io::SweepPoint& point, const llm::SimulationConfig& config,
                                      des::Transport* transport) {
  llm::Simulation sim(config, llm::generate_requests(config.request_generator), predictors(config), transport);
  std::function<void(const llm::Progress&)> report;
  if (progress_) report = [&](const llm::Progress& p) { progress_(point, p); };
  Run run{sim.run(report), 0};
  run.stalled = sim.num_stalled_requests();
  return run;
}

PointOutcome PointRunner::run(const io::SweepPoint& point, const std::optional<io::CapacitySearchSpec>& search,
                              des::Transport* transport) {
  const auto start = std::chrono::steady_clock::now();
  PointOutcome out;
  out.run_config = point.config;
  if (!search) {
    Run r = simulate(point, point.config, transport);
    out.results = std::move(r.results);
    out.stalled_requests = r.stalled;
    out.total_events = out.results.num_events;
  } else {
    std::optional<Run> best;
    std::optional<Run> lowest;
    double best_qps = 0;
    double lowest_qps = std::numeric_limits<double>::infinity();
    const ProbeFn probe = [&](double qps) -> std::optional<double> {
      llm::SimulationConfig c = point.config;
      c.request_generator.interval.qps = qps;
      Run r = simulate(point, c, transport);
      out.total_events += r.results.num_events;
      double value = search->goodput()
                         ? 1 - llm::slo_attainment(r.results, search->slos)
                         : llm::percentile(llm::completed_request_metric(r.results, search->metric),
                                           search->quantile * 100);
      if (transport != nullptr && transport->size() > 1) value = broadcast_from_root(*transport, value);
      if (std::isnan(value)) return std::nullopt;
      if (value <= search->threshold() && (!best || qps > best_qps)) {
        best_qps = qps;
        best = r;
      }
      if (qps < lowest_qps) {
        lowest_qps = qps;
        lowest = std::move(r);
      }
      return value;
    };
    const double start_qps = search->start_qps.value_or(point.config.request_generator.interval.qps);
    out.capacity = search_capacity(*search, start_qps, probe);
    Run* kept = best ? &*best : (lowest ? &*lowest : nullptr);
    out.run_config.request_generator.interval.qps = best ? best_qps : lowest_qps;
    if (kept == nullptr) {  // not even the first probe measured anything: store that run's config, no rows
      out.run_config.request_generator.interval.qps = start_qps;
      kept = &best.emplace(simulate(point, out.run_config, transport));
    }
    out.results = std::move(kept->results);
    out.stalled_requests = kept->stalled;
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::string summary_row_json(const io::SweepPoint& point, const PointOutcome& o) {
  const llm::SimulationConfig& c = o.run_config;
  const llm::SimulationResults& r = o.results;
  nlohmann::ordered_json row;
  row["id"] = point.id;
  row["index"] = static_cast<std::int64_t>(point.index);
  row["label"] = point.label;
  for (const auto& [axis, value] : point.axis_values) row["axis_" + axis] = value;
  // A cluster of several pools joins their distinct values with '+'; TP and PP are -1 where pools differ.
  const auto& pools = c.cluster.pools;
  auto joined = [&pools](auto get) {
    std::vector<std::string> seen;
    for (const llm::PoolConfig& p : pools) {
      if (std::find(seen.begin(), seen.end(), get(p)) == seen.end()) seen.push_back(get(p));
    }
    std::string out;
    for (const std::string& v : seen) {
      if (!out.empty()) out += '+';
      out += v;
    }
    return out;
  };
  auto common = [&pools](auto get) {
    for (const llm::PoolConfig& p : pools) {
      if (get(p) != get(pools.front())) return -1;
    }
    return get(pools.front());
  };
  std::int64_t gpus = 0;
  std::string mix;
  for (const llm::PoolConfig& p : pools) {
    gpus += p.num_gpus();
    if (!mix.empty()) mix += '+';
    mix += fmt::format("{}:{}x{}-TP{}PP{}", p.name, p.num_replicas, p.replica.device.name,
                       p.replica.tensor_parallel_size, p.replica.num_pipeline_stages);
    if (p.role != llm::PoolRole::mixed) mix += std::string("-") + llm::pool_role_name(p.role);
  }
  row["model"] = joined([](const llm::PoolConfig& p) { return p.replica.model.name; });
  row["device"] = joined([](const llm::PoolConfig& p) { return p.replica.device.name; });
  row["pools"] = mix;
  row["num_replicas"] = c.cluster.num_replicas();
  row["tensor_parallel_size"] = common([](const llm::PoolConfig& p) { return p.replica.tensor_parallel_size; });
  row["num_pipeline_stages"] = common([](const llm::PoolConfig& p) { return p.replica.num_pipeline_stages; });
  row["num_gpus"] = gpus;
  row["replica_scheduler"] = joined([](const llm::PoolConfig& p) { return p.replica_scheduler.name; });
  row["global_scheduler"] = c.cluster.global_scheduler.name;
  row["seed"] = static_cast<std::int64_t>(c.seed);
  row["qps"] = c.request_generator.interval.qps;
  row["num_requests"] = r.request_summary.num_requests;
  row["completed_requests"] = r.request_summary.num_completed;
  row["stalled_requests"] = o.stalled_requests;
  row["restarts"] = r.request_summary.num_restarts;
  row["makespan_s"] = simtime_to_seconds(r.makespan);
  for (const std::string& metric : llm::request_metric_names()) {
    const std::vector<double> v = llm::completed_request_metric(r, metric);
    for (const int q : {50, 90, 99}) row[metric + "_p" + std::to_string(q) + "_s"] = llm::percentile(v, q);
  }
  row["mfu_mean_percent"] = mean_of(r.replica_stages, [](const auto& s) { return s.mfu_percent; });
  row["busy_time_mean_percent"] = mean_of(r.replica_stages, [](const auto& s) { return s.busy_time_percent; });
  row["memory_usage_mean_percent"] = mean_of(r.replicas, [](const auto& s) { return s.memory_usage_mean_percent; });
  const double cost = c.cluster.cost_per_hour();
  row["cost_per_hour"] = cost;
  const bool searched = o.capacity.has_value();
  const bool found = searched && o.capacity->capacity_qps.has_value();
  row["capacity_searched"] = static_cast<std::int64_t>(searched);
  row["capacity_found"] = static_cast<std::int64_t>(found);
  row["capacity_qps"] = found ? *o.capacity->capacity_qps : std::nan("");
  const double qps = searched ? (found ? *o.capacity->capacity_qps : std::nan("")) : c.request_generator.interval.qps;
  row["qps_per_dollar"] = cost > 0 ? qps / cost : std::nan("");
  row["num_probes"] = static_cast<std::int64_t>(searched ? o.capacity->probes.size() : 0);
  row["predictor"] = joined([](const llm::PoolConfig& p) { return p.predictor.name; });
  const auto share = llm::source_shares(r);  // of the stored run's simulated GPU time (docs/predictor.md)
  for (int s = 0; s < llm::kNumSources; ++s) {
    row[std::string("share_") + llm::source_name(static_cast<llm::Source>(s))] = share[static_cast<std::size_t>(s)];
  }
  row["num_events"] = static_cast<std::int64_t>(r.num_events);
  return row.dump();
}

}  // namespace llmsim::sweep
