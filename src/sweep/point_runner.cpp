// SPDX-License-Identifier: MIT
// Running one sweep configuration and summarising it.
#include "llmsim/sweep/point_runner.hpp"

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

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

const llm::ExecutionTimePredictor& PointRunner::predictor(const llm::SimulationConfig& config) {
  const nlohmann::json j = nlohmann::json::parse(io::config_to_json(config));
  const std::string key = j["execution_time_predictor"].dump() + j["cluster"].dump();
  auto it = predictors_.find(key);
  if (it == predictors_.end()) {
    if (predictors_.size() >= kMaxCachedPredictors) predictors_.clear();
    it = predictors_.emplace(key, llm::make_execution_time_predictor(config.predictor, config.cluster)).first;
  }
  return *it->second;
}

PointRunner::Run PointRunner::simulate(const io::SweepPoint& point, const llm::SimulationConfig& config,
                                      des::Transport* transport) {
  const std::vector<llm::RequestSpec> requests = llm::generate_requests(config.request_generator);
  llm::Simulation sim(config, requests, predictor(config), transport);
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
      double value = llm::percentile(llm::completed_request_metric(r.results, search->metric), search->quantile * 100);
      if (transport != nullptr && transport->size() > 1) value = broadcast_from_root(*transport, value);
      if (std::isnan(value)) return std::nullopt;
      if (value <= search->slo_s && (!best || qps > best_qps)) {
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
  const auto& rep = c.cluster.replica;
  const std::int64_t gpus =
      static_cast<std::int64_t>(c.cluster.num_replicas) * rep.tensor_parallel_size * rep.num_pipeline_stages;
  row["model"] = rep.model.name;
  row["device"] = rep.device.name;
  row["num_replicas"] = c.cluster.num_replicas;
  row["tensor_parallel_size"] = rep.tensor_parallel_size;
  row["num_pipeline_stages"] = rep.num_pipeline_stages;
  row["num_gpus"] = gpus;
  row["replica_scheduler"] = c.cluster.replica_scheduler.name;
  row["global_scheduler"] = c.cluster.global_scheduler.name;
  row["seed"] = static_cast<std::int64_t>(c.seed);
  row["qps"] = c.request_generator.interval.qps;
  std::int64_t completed = 0;
  std::int64_t restarts = 0;
  for (const llm::RequestRecord& q : r.requests) {
    completed += q.completed;
    restarts += q.num_restarts;
  }
  row["num_requests"] = static_cast<std::int64_t>(r.requests.size());
  row["completed_requests"] = completed;
  row["stalled_requests"] = o.stalled_requests;
  row["restarts"] = restarts;
  row["makespan_s"] = simtime_to_seconds(r.makespan);
  for (const std::string& metric : llm::request_metric_names()) {
    const std::vector<double> v = llm::completed_request_metric(r, metric);
    for (const int q : {50, 90, 99}) row[metric + "_p" + std::to_string(q) + "_s"] = llm::percentile(v, q);
  }
  row["mfu_mean_percent"] = mean_of(r.replica_stages, [](const auto& s) { return s.mfu_percent; });
  row["busy_time_mean_percent"] = mean_of(r.replica_stages, [](const auto& s) { return s.busy_time_percent; });
  row["memory_usage_mean_percent"] = mean_of(r.replicas, [](const auto& s) { return s.memory_usage_mean_percent; });
  const double cost = static_cast<double>(gpus) * rep.device.price_per_hour;
  row["cost_per_hour"] = cost;
  const bool searched = o.capacity.has_value();
  const bool found = searched && o.capacity->capacity_qps.has_value();
  row["capacity_searched"] = static_cast<std::int64_t>(searched);
  row["capacity_found"] = static_cast<std::int64_t>(found);
  row["capacity_qps"] = found ? *o.capacity->capacity_qps : std::nan("");
  const double qps = searched ? (found ? *o.capacity->capacity_qps : std::nan("")) : c.request_generator.interval.qps;
  row["qps_per_dollar"] = cost > 0 ? qps / cost : std::nan("");
  row["num_probes"] = static_cast<std::int64_t>(searched ? o.capacity->probes.size() : 0);
  row["predictor"] = c.predictor.name;
  const auto share = llm::source_shares(r);  // of the stored run's simulated GPU time (docs/predictor.md)
  for (int s = 0; s < llm::kNumSources; ++s) {
    row[std::string("share_") + llm::source_name(static_cast<llm::Source>(s))] = share[static_cast<std::size_t>(s)];
  }
  row["num_events"] = static_cast<std::int64_t>(r.num_events);
  return row.dump();
}

}  // namespace llmsim::sweep
