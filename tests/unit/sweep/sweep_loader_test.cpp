// SPDX-License-Identifier: MIT
// load_sweep: cartesian expansion order, bundles, common overrides, exclusions, stable content-derived ids and
// errors that name the file, the key and the valid values.
#include "llmsim/io/sweep_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "llmsim/util/error.hpp"

namespace llmsim::io {
namespace {

namespace fs = std::filesystem;

std::string write_sweep(const std::string& name, const std::string& body) {
  const fs::path dir = fs::temp_directory_path() / "llmsim_sweep_test";
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << "base: " LLMSIM_SOURCE_DIR "/configs/examples/vidur-default-7b.yaml\n" << body;
  return path.string();
}

void expect_error(const std::string& path, const std::vector<std::string>& parts) {
  try {
    load_sweep(path);
    FAIL() << "expected ConfigError for " << path;
  } catch (const ConfigError& e) {
    for (const std::string& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

TEST(SweepLoader, ExpandsTheBundledCiSweepInOrderWithItsExclusion) {
  const Sweep sw = load_sweep(LLMSIM_SOURCE_DIR "/jobs/ci-small.yaml");
  EXPECT_EQ(sw.name, "ci-small");
  EXPECT_EQ(sw.points.size(), 10u);
  EXPECT_EQ(sw.num_excluded, 2u);
  EXPECT_EQ(sw.axis_names, (std::vector<std::string>{"scheduler", "qps", "replicas"}));
  EXPECT_EQ(sw.points[0].label, "scheduler=vllm qps=0.5 replicas=1");
  EXPECT_EQ(sw.points[1].label, "scheduler=vllm qps=0.5 replicas=2");  // last axis varies fastest
  EXPECT_EQ(sw.points[9].label, "scheduler=lightllm qps=2.0 replicas=1");
  EXPECT_EQ(sw.points[1].config.cluster.num_replicas(), 2);
  EXPECT_EQ(sw.points[4].config.cluster.pools[0].replica_scheduler.name, "sarathi");
  EXPECT_DOUBLE_EQ(sw.points[2].config.request_generator.interval.qps, 2.0);
  std::set<std::string> ids;
  for (const SweepPoint& p : sw.points) {
    EXPECT_EQ(p.id.size(), 12u);
    ids.insert(p.id);
  }
  EXPECT_EQ(ids.size(), sw.points.size());
}

TEST(SweepLoader, EveryBundledJobLoads) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(LLMSIM_SOURCE_DIR "/jobs")) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(load_sweep(entry.path().string())) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 4);
}

TEST(SweepLoader, IdsDependOnContentOnly) {
  const Sweep a = load_sweep(LLMSIM_SOURCE_DIR "/jobs/ci-small.yaml");
  const Sweep b = load_sweep(LLMSIM_SOURCE_DIR "/jobs/ci-small.yaml");
  for (std::size_t i = 0; i < a.points.size(); ++i) EXPECT_EQ(a.points[i].id, b.points[i].id);
  // A different sweep naming the same configuration gives it the same id; a changed value changes it.
  const std::string path = write_sweep("same.yaml", R"(axes:
  replicas: {key: cluster.num_replicas, values: [1, 3]}
set: {cluster.replica_scheduler: {name: vllm, batch_size_cap: 128}, request_generator.interval_generator.qps: 0.5}
)");
  const Sweep c = load_sweep(path);
  EXPECT_EQ(config_id(c.points[0].config, std::nullopt, LLMSIM_SOURCE_DIR "/jobs"), a.points[0].id);
  EXPECT_NE(c.points[1].id, c.points[0].id);
  CapacitySearchSpec search;
  EXPECT_NE(config_id(c.points[0].config, search, LLMSIM_SOURCE_DIR "/jobs"), a.points[0].id);
}

TEST(SweepLoader, KeysAxisSetsEveryKeyAndCommonSetComesFirst) {
  const std::string path = write_sweep("seeds.yaml", R"(name: seeds
set: {request_generator.num_requests: 16}
axes:
  seed:
    keys: [seed, request_generator.seed, request_generator.length_generator.seed]
    values: [7, 8]
)");
  const Sweep sw = load_sweep(path);
  ASSERT_EQ(sw.points.size(), 2u);
  EXPECT_EQ(sw.points[1].config.seed, 8u);
  EXPECT_EQ(sw.points[1].config.request_generator.seed, 8u);
  EXPECT_EQ(sw.points[1].config.request_generator.num_requests, 16);
  EXPECT_EQ(sw.points[0].overrides.front(), "request_generator.num_requests=16");
}

TEST(SweepLoader, RejectsBadDefinitions) {
  expect_error(write_sweep("no_axes.yaml", "name: x\n"), {"no_axes.yaml", "axes", "required"});
  expect_error(write_sweep("typo.yaml", "axes: {r: {key: cluster.num_replicas, values: [1]}}\nexclud: []\n"),
               {"typo.yaml", "exclud"});
  expect_error(write_sweep("bad_exclude.yaml", R"(axes: {r: {key: cluster.num_replicas, values: [1, 2]}}
exclude: [{replica: 1}]
)"),
               {"exclude[0]", "unknown axis 'replica'", "valid: r"});
  expect_error(write_sweep("bad_value.yaml", R"(axes: {r: {key: cluster.num_replicas, values: [1, 2]}}
exclude: [{r: 3}]
)"),
               {"exclude[0].r", "unknown value '3'", "valid: 1, 2"});
  expect_error(write_sweep("bad_key.yaml", "axes: {r: {key: cluster.num_replica, values: [1]}}\n"),
               {"bad_key.yaml", "configuration [r=1]", "num_replica"});
  expect_error(write_sweep("dup.yaml", "axes: {r: {values: [{label: one, set: {cluster.num_replicas: 1}},\n"
                                       "                     {label: uno, set: {cluster.num_replicas: 1}}]}}\n"),
               {"resolve to the same config"});
  expect_error(write_sweep("all_excluded.yaml", "axes: {r: {key: cluster.num_replicas, values: [1]}}\n"
                                                "exclude: [{r: 1}]\n"),
               {"removes every configuration"});
  expect_error(write_sweep("search_qps.yaml", R"(axes: {q: {key: request_generator.interval_generator.qps, values: [1]}}
capacity_search: {metric: ttft}
)"),
               {"capacity_search varies", "remove the axis"});
  expect_error(write_sweep("search_metric.yaml", R"(axes: {r: {key: cluster.num_replicas, values: [1]}}
capacity_search: {metric: latency}
)"),
               {"capacity_search.metric", "valid: ttft, tbt, e2e, scheduling_delay"});
  expect_error(write_sweep("goodput_no_slo.yaml", R"(axes: {r: {key: cluster.num_replicas, values: [1]}}
capacity_search: {metric: goodput}
)"),
               {"capacity_search.slos", "at least one SLO"});
  expect_error(write_sweep("goodput_bad_slo.yaml", R"(axes: {r: {key: cluster.num_replicas, values: [1]}}
capacity_search: {metric: goodput, slos: {ttft: 2s, itl: 50ms}}
)"),
               {"capacity_search.slos.itl", "unknown key"});
  expect_error(write_sweep("goodput_quantile.yaml", R"(axes: {r: {key: cluster.num_replicas, values: [1]}}
capacity_search: {metric: goodput, slos: {ttft: 2s}, quantile: 0.9}
)"),
               {"capacity_search.quantile", "unknown key"});
}

TEST(SweepLoader, GoodputSearchTakesSlosAndAttainment) {
  const Sweep sw = load_sweep(write_sweep("goodput.yaml", R"(axes: {r: {key: cluster.num_replicas, values: [1]}}
capacity_search: {metric: goodput, slos: {ttft: 2s, tpot: 100ms}, attainment: 0.95}
)"));
  ASSERT_TRUE(sw.search);
  EXPECT_TRUE(sw.search->goodput());
  ASSERT_EQ(sw.search->slos.size(), 2u);
  EXPECT_EQ(sw.search->slos[0].metric, "ttft");
  EXPECT_DOUBLE_EQ(sw.search->slos[0].slo_s, 2.0);
  EXPECT_EQ(sw.search->slos[1].metric, "tpot");
  EXPECT_DOUBLE_EQ(sw.search->slos[1].slo_s, 0.1);
  EXPECT_DOUBLE_EQ(sw.search->attainment, 0.95);
}

}  // namespace
}  // namespace llmsim::io
