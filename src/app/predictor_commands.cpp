// SPDX-License-Identifier: MIT
// llmsim-predictor train / compare.
#include "predictor_commands.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "llmsim/io/config_loader.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/llm/result_stats.hpp"
#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::app {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Minimum over `repeat` runs of making the predictor with `cache_dir`.
double min_make_seconds(llm::PoolConfig pool, const std::string& cache_dir, int repeat) {
  pool.predictor.cache_dir = cache_dir;
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < repeat; ++i) {
    const auto start = Clock::now();
    llm::make_execution_time_predictor(pool.predictor, pool);
    best = std::min(best, seconds_since(start));
  }
  return best;
}

}  // namespace

int predictor_train(const PredictorOptions& o) {
  const llm::SimulationConfig config = io::load_config(o.config_path, o.overrides);
  const llm::PoolConfig& pool = io::select_pool(config.cluster, o.pool);
  const auto start = Clock::now();
  const auto predictor = llm::make_execution_time_predictor(pool.predictor, pool);
  const double first = seconds_since(start);
  const std::vector<llm::OperatorInfo> ops = predictor->describe();
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const llm::OperatorInfo& i : ops) {
      out.push_back({{"operator", llm::op_name(i.op)}, {"data", i.data}, {"method", i.method}, {"file", i.file},
                     {"samples", i.samples}, {"heldout_mape_percent", i.heldout_mape_percent}, {"domain", i.domain}});
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    const llm::ReplicaConfig& r = pool.replica;
    std::printf("%s predictor for %s on %s / %s, TP%d PP%d (made in %.3f s%s)\n", pool.predictor.name.c_str(),
                r.model.name.c_str(), r.device.name.c_str(), r.node.name.c_str(), r.tensor_parallel_size,
                r.num_pipeline_stages, first, pool.predictor.cache_dir.empty() ? ", no cache" : "");
    std::printf("%-25s %-11s %8s %9s  %s\n", "operator", "data", "samples", "MAPE %", "model; domain");
    for (const llm::OperatorInfo& i : ops) {
      std::printf("%-25s %-11s %8lld %9.3f  %s; %s\n", llm::op_name(i.op), i.data.c_str(),
                  static_cast<long long>(i.samples), i.heldout_mape_percent, i.method.c_str(), i.domain.c_str());
    }
    std::printf("MAPE: k-fold held-out error of the chosen model (roofline: error on its calibration rows)\n");
  }
  if (o.repeat > 0 && pool.predictor.name == "profiled") {
    const std::string dir = (fs::temp_directory_path() / ("llmsim-predictor-bench-" + std::to_string(::getpid()))).string();
    const double cold = min_make_seconds(pool, "", o.repeat);
    fs::remove_all(dir);
    min_make_seconds(pool, dir, 1);  // fills the cache
    const double warm = min_make_seconds(pool, dir, o.repeat);
    fs::remove_all(dir);
    std::printf("cold training: %.3f s   warm cache load: %.4f s   (min of %d)\n", cold, warm, o.repeat);
  }
  return 0;
}

int predictor_compare(const PredictorOptions& o) {
  const llm::SimulationConfig config = io::load_config(o.config_path, o.overrides);
  const llm::PoolConfig& pool = io::select_pool(config.cluster, o.pool);
  const auto predictor = llm::make_execution_time_predictor(pool.predictor, pool);
  std::printf("%-25s %9s %9s %11s %9s %9s\n", "operator", "points", "in domain", "median %", "P90 %", "max %");
  bool ok = true;
  const std::map<std::string, std::vector<std::string>> tables = llm::vidur_table_files(o.tables_dir);
  for (const llm::OperatorInfo& info : predictor->describe()) {
    const std::string op = llm::op_name(info.op);
    const auto it = tables.find(op);
    if (it == tables.end()) continue;  // Vidur has no table for it (e.g. its table dir is for another TP)
    const std::vector<std::string>& files = it->second;
    if (files.size() > 1) throw InputError(o.tables_dir + ": several " + op + " tables; keep one");
    const CsvTable t = CsvTable::read(files.front());
    const std::vector<double> vidur = t.numeric_column("prediction");
    std::vector<double> a, b;
    if (info.op == llm::Op::attn_decode) {
      a = t.numeric_column("batch_size");
      b = t.numeric_column("kv_cache_size");
    } else if (info.op == llm::Op::attn_prefill) {
      a = t.numeric_column("kv_cache_size");
      for (double sq : t.numeric_column("prefill_chunk_size_squared")) b.push_back(std::round(std::sqrt(sq)));
    } else {
      a = t.numeric_column("num_tokens");
      b.assign(a.size(), 0);
    }
    std::vector<double> diff;
    for (std::size_t i = 0; i < vidur.size(); ++i) {
      const llm::OperatorTime ours = predictor->operator_time(info.op, static_cast<std::int64_t>(a[i]),
                                                              static_cast<std::int64_t>(b[i]));
      if (ours.source != llm::Source::profile) continue;
      diff.push_back(vidur[i] == 0 ? (ours.ms == 0 ? 0.0 : 100.0) : 100 * std::abs(ours.ms - vidur[i]) / vidur[i]);
    }
    const double max = diff.empty() ? std::nan("") : *std::max_element(diff.begin(), diff.end());
    const double median = llm::percentile(diff, 50);
    const double p90 = llm::percentile(diff, 90);
    const bool within = !(median > o.max_median_percent || p90 > o.max_p90_percent);
    ok = ok && within;
    std::printf("%-25s %9zu %9zu %11.3f %9.3f %9.3f%s\n", op.c_str(), vidur.size(), diff.size(), median, p90, max,
                within ? "" : "  ABOVE LIMIT");
  }
  std::printf("relative difference |ours - Vidur| / Vidur over the table points where ours is inside the profiles\n");
  return ok ? 0 : 1;
}

}  // namespace llmsim::app
