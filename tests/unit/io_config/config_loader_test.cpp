// SPDX-License-Identifier: MIT
// load_config: examples, Vidur defaults, overrides, path resolution and error messages (file, key, valid values).
#include "llmsim/io/config_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/llm/link_profile.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/llm/replica_scheduler.hpp"
#include "llmsim/llm/request_generator.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::io {
namespace {

namespace fs = std::filesystem;
const std::string kConfigs = LLMSIM_SOURCE_DIR "/configs";

// Writes `body` after the required keys (absolute catalog paths) into a temporary YAML file.
std::string write_config(const std::string& name, const std::string& body, bool with_required = true) {
  const fs::path dir = fs::temp_directory_path() / "llmsim_cfg";
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream out(path);
  if (with_required) {
    out << "cluster:\n  replica:\n    model: " << kConfigs << "/models/llama-2-7b.yaml\n    device: " << kConfigs
        << "/hardware/a100.yaml\n    network_device: " << kConfigs << "/hardware/a100_pairwise_nvlink.yaml\n"
        << "execution_time_predictor:\n  table_dir: " << kConfigs << "/predictors/vidur-llama2-7b-a100-tp1-pp1\n";
  }
  out << body;
  return path.string();
}

// Expects load_config to throw a ConfigError whose message contains every string in `parts`.
void expect_error(const std::string& path, const std::vector<std::string>& parts,
                  const std::vector<std::string>& overrides = {}) {
  try {
    load_config(path, overrides);
    FAIL() << "expected ConfigError for " << path;
  } catch (const ConfigError& e) {
    for (const std::string& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

TEST(ConfigLoader, EveryBundledExampleLoads) {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kConfigs + "/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(load_config(entry.path().string())) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 7);
}

TEST(ConfigLoader, VidurDefaultExampleHasVidursValues) {
  const llm::SimulationConfig c = load_config(kConfigs + "/examples/vidur-default-7b.yaml");
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.cluster.pools[0].replica.model.name, "meta-llama/Llama-2-7b-hf");
  EXPECT_EQ(c.cluster.pools[0].replica.model.num_layers, 32);
  EXPECT_EQ(c.cluster.pools[0].replica.device.total_memory_gb, 80);
  EXPECT_EQ(c.cluster.pools[0].replica.node.num_devices_per_node, 4);
  EXPECT_EQ(c.cluster.pools[0].replica_scheduler.name, "sarathi");
  EXPECT_EQ(c.cluster.pools[0].replica_scheduler.chunk_size, 512);
  EXPECT_EQ(c.request_generator.num_requests, 128);
  EXPECT_EQ(c.request_generator.interval.qps, 0.5);
  EXPECT_TRUE(fs::path(c.cluster.pools[0].predictor.table_dir).is_absolute());
  EXPECT_TRUE(fs::is_directory(c.cluster.pools[0].predictor.table_dir));
}

TEST(ConfigLoader, MinimalConfigGetsVidurDefaults) {
  const llm::SimulationConfig c = load_config(write_config("minimal.yaml", ""));
  EXPECT_EQ(c.cluster.num_replicas(), 1);
  EXPECT_EQ(c.cluster.global_scheduler.name, "round_robin");
  EXPECT_EQ(c.cluster.pools[0].replica_scheduler.name, "sarathi");
  EXPECT_EQ(c.cluster.pools[0].replica_scheduler.batch_size_cap, 128);
  EXPECT_FALSE(c.cluster.pools[0].replica_scheduler.num_blocks.has_value());
  EXPECT_DOUBLE_EQ(c.cluster.pools[0].replica.memory_margin_fraction, 0.1);
  EXPECT_EQ(c.request_generator.length.name, "fixed");
  EXPECT_EQ(c.request_generator.length.prefill_tokens, 2048);
  EXPECT_EQ(c.cluster.pools[0].predictor.kv_cache_prediction_granularity, 64);
  EXPECT_DOUBLE_EQ(c.cluster.pools[0].predictor.nccl_cpu_launch_overhead_ms, 0.02);
}

TEST(ConfigLoader, CpuOverheadIsReadCheckedAndInTheJsonOnlyWhenSet) {
  const std::string path = write_config("cpu.yaml", "");
  const std::string plain = config_to_json(load_config(path));
  EXPECT_EQ(plain.find("cpu_overhead"), std::string::npos);  // configs without it keep their JSON and sweep ids
  EXPECT_FALSE(load_config(path).cluster.pools[0].predictor.cpu_overhead.any());
  const llm::SimulationConfig c = load_config(
      path, {"execution_time_predictor.cpu_overhead={per_iteration_ms: 0.75, per_request_ms: 0.2, launch_per_layer_ms: 0.55}"});
  const llm::CpuOverheadConfig& cpu = c.cluster.pools[0].predictor.cpu_overhead;
  EXPECT_DOUBLE_EQ(cpu.per_iteration_ms, 0.75);
  EXPECT_DOUBLE_EQ(cpu.per_request_ms, 0.2);
  EXPECT_DOUBLE_EQ(cpu.launch_per_layer_ms, 0.55);
  EXPECT_NE(config_to_json(c).find("\"launch_per_layer_ms\": 0.55"), std::string::npos);
  expect_error(path, {"execution_time_predictor.cpu_overhead", "per_layer_ms"},
               {"execution_time_predictor.cpu_overhead={per_layer_ms: 1}"});
  expect_error(path, {"execution_time_predictor.cpu_overhead.per_iteration_ms"},
               {"execution_time_predictor.cpu_overhead={per_iteration_ms: -1}"});
}

TEST(ConfigLoader, PolicySpecificDefaultsAndOverrides) {
  const std::string path = write_config("gamma.yaml", "request_generator:\n  interval_generator:\n    name: gamma\n");
  EXPECT_DOUBLE_EQ(load_config(path).request_generator.interval.qps, 0.2);  // Vidur's gamma default
  const llm::SimulationConfig c =
      load_config(path, {"cluster.num_replicas=4", "cluster.replica_scheduler.name=vllm", "seed=7",
                         "request_generator.num_requests=null", "request_generator.duration=30"});
  EXPECT_EQ(c.cluster.num_replicas(), 4);
  EXPECT_EQ(c.cluster.pools[0].replica_scheduler.name, "vllm");
  EXPECT_EQ(c.seed, 7u);
  EXPECT_FALSE(c.request_generator.num_requests.has_value());
  EXPECT_EQ(c.request_generator.duration, 30.0);
}

TEST(ConfigLoader, CatalogPathsAreRelativeToTheNamingFile) {
  const fs::path dir = fs::temp_directory_path() / "llmsim_cfg_rel" / "nested";
  fs::create_directories(dir);
  fs::copy_file(kConfigs + "/models/phi-2.yaml", dir / "my-model.yaml", fs::copy_options::overwrite_existing);
  const std::string path = write_config("../llmsim_cfg_rel/nested/relative.yaml", "");
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string needle = kConfigs + "/models/llama-2-7b.yaml";
  text.replace(text.find(needle), needle.size(), "my-model.yaml");
  std::ofstream(path) << text;
  // phi-2 has no Vidur tables here (the table manifest would refuse it): use the profiled predictor.
  const auto config = load_config(path, {"execution_time_predictor={name: profiled, profile_dir: " + kConfigs + "/profiles}"});
  EXPECT_EQ(config.cluster.pools[0].replica.model.name, "microsoft/phi-2");
}

TEST(ConfigLoader, ErrorsNameFileKeyAndValidValues) {
  expect_error(write_config("sched.yaml", "  name: x\n"), {"sched.yaml", "execution_time_predictor.name",
                                                           "valid: vidur_table"});
  const std::string base = write_config("base.yaml", "");
  expect_error(base, {"base.yaml", "cluster.replica_scheduler.name", "unknown value 'vlm'", "lightllm"},
               {"cluster.replica_scheduler.name=vlm"});
  expect_error(base, {"cluster.num_replica", "unknown key", "num_replicas"}, {"cluster.num_replica=2"});
  expect_error(base, {"request_generator.interval_generator.qps", "out of range"},
               {"request_generator.interval_generator.qps=0"});
  expect_error(base, {"cluster.num_replicas", "expected an integer", "'many'"}, {"cluster.num_replicas=many"});
  expect_error(base, {"chunk_size", "unknown key for replica scheduler 'vllm'"},
               {"cluster.replica_scheduler.name=vllm", "cluster.replica_scheduler.chunk_size=64"});
  expect_error(base, {"cluster.replica.num_pipeline_stages", "num_layers (32)"},
               {"cluster.replica.num_pipeline_stages=3"});
  expect_error(base, {"cluster.replica.model", "not found"}, {"cluster.replica.model=missing.yaml"});
  expect_error(base, {"KEY=VALUE"}, {"cluster.num_replicas"});
  expect_error(base, {"cluster.replica_scheduler.block_size", "lightllm needs 1", "got 16"},
               {"cluster.replica_scheduler={name: lightllm}"});
  expect_error(base, {"cluster.replica.num_pipeline_stages", "lightllm supports only 1, got 2"},
               {"cluster.replica_scheduler={name: lightllm, block_size: 1}", "cluster.replica.num_pipeline_stages=2"});
  expect_error(write_config("syntax.yaml", "seed: [1,\n", false), {"syntax.yaml:", "YAML syntax error"});
  expect_error(write_config("empty.yaml", "", false), {"empty.yaml", "empty"});
  expect_error(write_config("nomodel.yaml", "cluster:\n  num_replicas: 2\n", false),
               {"cluster.replica.model", "required"});
}

// Two pools: 2 A100 replicas on the cluster-wide sections, 1 H100 replica with its own device, policy and predictor.
std::vector<std::string> two_pools() {
  return {"cluster.pools=[{name: a100, num_replicas: 2}, {name: h100, replica: {device: " + kConfigs +
          "/hardware/h100.yaml, network_device: " + kConfigs + "/hardware/h100_pairwise_nvlink.yaml}, "
          "replica_scheduler: {name: vllm_v1}, execution_time_predictor: {name: profiled, profile_dir: " + kConfigs +
          "/profiles}}]"};
}

TEST(ConfigLoader, PoolsInheritTheClusterWideSectionsAndOverrideTheirOwnKeys) {
  const std::string base = write_config("pools.yaml", "");
  std::vector<std::string> set = two_pools();
  set.push_back("cluster.replica_scheduler={name: sarathi, chunk_size: 256}");
  set.push_back("cluster.pools.1.num_replicas=3");  // --set reaches into the list by index
  const llm::SimulationConfig c = load_config(base, set);
  ASSERT_EQ(c.cluster.pools.size(), 2u);
  const llm::PoolConfig& a = c.cluster.pools[0];
  const llm::PoolConfig& h = c.cluster.pools[1];
  EXPECT_EQ(a.name, "a100");
  EXPECT_EQ(a.config_key, "cluster.pools.0");
  EXPECT_EQ(a.num_replicas, 2);
  EXPECT_EQ(a.replica.device.name, "a100");
  EXPECT_EQ(a.replica_scheduler.chunk_size, 256);  // inherited
  EXPECT_EQ(a.predictor.name, "vidur_table");
  EXPECT_EQ(h.num_replicas, 3);
  EXPECT_EQ(h.replica.model.name, "meta-llama/Llama-2-7b-hf");  // inherited
  EXPECT_EQ(h.replica.device.name, "h100");
  EXPECT_EQ(h.replica_scheduler.name, "vllm_v1");  // another policy: sarathi's chunk_size is not carried over
  EXPECT_EQ(h.replica_scheduler.max_num_batched_tokens, 8192);  // vLLM's default for an 80 GB H100, resolved
  EXPECT_EQ(h.predictor.name, "profiled");
  EXPECT_EQ(c.cluster.num_replicas(), 5);
  EXPECT_EQ(c.cluster.replica_pools(), (std::vector<int>{0, 0, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(c.cluster.cost_per_hour(), 2 * a.replica.device.price_per_hour + 3 * h.replica.device.price_per_hour);
}

TEST(ConfigLoader, OnePoolListEqualsTheTopLevelForm) {
  const std::string base = write_config("one_pool.yaml", "");
  const std::string listed = config_to_json(load_config(base, {"cluster.pools=[{name: default, num_replicas: 3}]"}));
  EXPECT_EQ(listed, config_to_json(load_config(base, {"cluster.num_replicas=3"})));
  EXPECT_EQ(load_config(base).cluster.pools.front().config_key, "cluster");
}

TEST(ConfigLoader, PoolErrorsNameThePoolKey) {
  const std::string base = write_config("pool_errors.yaml", "");
  auto with = [](std::vector<std::string> set, const std::string& more) {
    set.push_back(more);
    return set;
  };
  expect_error(base, {"cluster.num_replicas", "under cluster.pools"}, with(two_pools(), "cluster.num_replicas=2"));
  expect_error(base, {"cluster.pools", "non-empty list"}, {"cluster.pools=[]"});
  expect_error(base, {"cluster.pools.1.name", "'a' names two pools", "cluster.pools.0"},
               {"cluster.pools=[{name: a}, {name: a}]"});
  expect_error(base, {"cluster.pools.0.name", "letters, digits"}, {"cluster.pools=[{name: 'a b'}]"});
  expect_error(base, {"cluster.pools.0.bogus", "unknown key", "num_replicas"}, {"cluster.pools=[{name: a, bogus: 1}]"});
  expect_error(base, {"cluster.pools.1.replica.num_pipeline_stages", "num_layers (32)"},
               with(two_pools(), "cluster.pools.1.replica.num_pipeline_stages=3"));
  expect_error(base, {"'7' is not an index", "0..1"}, with(two_pools(), "cluster.pools.7.num_replicas=2"));
  // The A100 tables refuse an H100 pool, naming the pool's key.
  expect_error(base, {"cluster.pools.1.execution_time_predictor.table_dir", "cluster.pools.1.replica.device.name"},
               with(two_pools(), "cluster.pools.1.execution_time_predictor={name: vidur_table}"));
  // A cache-aware router hashes prompts in blocks of one size.
  expect_error(base, {"cluster.global_scheduler.name", "same replica_scheduler.block_size", "a100: 16", "h100: 32"},
               with(with(two_pools(), "cluster.global_scheduler.name=prefix_aware"),
                    "cluster.pools.1.replica_scheduler.block_size=32"));
}

TEST(ConfigLoader, DisaggregatedPoolsAreCheckedWhole) {
  const std::string base = write_config("disaggregated.yaml", "");
  const std::string pd = "cluster.pools=[{name: p, role: prefill, replica_scheduler: {name: vllm}}, "
                         "{name: d, role: decode, num_replicas: 2, replica_scheduler: {name: sarathi}}]";
  const llm::SimulationConfig c = load_config(base, {pd, "cluster.kv_transfer={latency: 5us, bandwidth: 100Gbps}",
                                                     "cluster.decode_scheduler.name=round_robin"});
  EXPECT_TRUE(c.cluster.disaggregated());
  EXPECT_EQ(c.cluster.pools[1].role, llm::PoolRole::decode);
  EXPECT_EQ(c.cluster.kv_transfer.latency, 5000);
  EXPECT_DOUBLE_EQ(c.cluster.kv_transfer.bandwidth_bytes_per_s, 12.5e9);
  EXPECT_EQ(c.cluster.decode_scheduler.name, "round_robin");
  EXPECT_EQ(load_config(base, {pd}).cluster.decode_scheduler.name, "least_outstanding");
  EXPECT_EQ(c.cluster.min_message_delay(), 0);  // the routing latency (0) is the smaller
  expect_error(base, {"cluster.pools", "pool 'm' is mixed"},
               {"cluster.pools=[{name: p, role: prefill, replica_scheduler: {name: vllm}}, {name: m}]"});
  expect_error(base, {"cluster.pools", "at least one prefill and one decode pool"},
               {"cluster.pools=[{name: p, role: prefill, replica_scheduler: {name: vllm}}]"});
  expect_error(base, {"cluster.pools", "'orca' cannot hand requests over", "vllm, sarathi or vllm_v1"},
               {"cluster.pools=[{name: p, role: prefill, replica_scheduler: {name: orca}}, "
                "{name: d, role: decode, replica_scheduler: {name: vllm}}]"});
  expect_error(base, {"cluster.pools.0.role", "unknown value 'encode'"}, {"cluster.pools=[{name: p, role: encode}]"});
  expect_error(base, {"cluster.kv_transfer", "applies only to a cluster of prefill and decode pools"},
               {"cluster.kv_transfer={latency: 5us}"});
  expect_error(base, {"cluster.kv_transfer.bandwidth"}, {pd, "cluster.kv_transfer={bandwidth: fast}"});
  expect_error(base, {"cluster.kv_transfer", "would take", "check the bandwidth unit"},
               {pd, "cluster.kv_transfer={bandwidth: 1}"});
  // The link fitted to a measured send_recv profile, inside a node (NVLink) or between nodes (the default).
  const std::string profile = kConfigs + "/profiles/network/a100_dgx/send_recv.csv.gz";
  const auto fitted = [&](const std::string& placement) {
    return load_config(base, {pd, "cluster.kv_transfer={send_recv_profile: " + profile + placement + "}"})
        .cluster.kv_transfer;
  };
  EXPECT_EQ(fitted(", placement: intra_node").latency, llm::fit_send_recv_link(profile, false).latency);
  EXPECT_FALSE(fitted(", placement: intra_node").inter_node);
  EXPECT_DOUBLE_EQ(fitted("").bandwidth_bytes_per_s, llm::fit_send_recv_link(profile, true).bandwidth_bytes_per_s);
  expect_error(base, {"cluster.kv_transfer.bandwidth", "either send_recv_profile"},
               {pd, "cluster.kv_transfer={send_recv_profile: " + profile + ", bandwidth: 1GB/s}"});
  expect_error(base, {"cluster.kv_transfer.placement", "only with send_recv_profile"},
               {pd, "cluster.kv_transfer={placement: intra_node}"});
}

// The keys a section accepts, as its "unknown key" error lists them ("valid keys here: a, b, c").
std::set<std::string> accepted_keys(const std::string& path, const std::string& section_override) {
  try {
    load_config(path, {section_override});
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    const std::size_t at = m.find("valid keys here: ");
    EXPECT_NE(at, std::string::npos) << m;
    std::set<std::string> keys;
    std::stringstream list(m.substr(at + 17));
    for (std::string k; std::getline(list, k, ',');) keys.insert(k.substr(k.find_first_not_of(' ')));
    return keys;
  }
  ADD_FAILURE() << "no error for " << section_override;
  return {};
}

std::set<std::string> registry_keys(const PluginInfo& p) {
  std::set<std::string> keys(p.keys.begin(), p.keys.end());
  keys.insert("name");
  return keys;
}

// Each registry lists exactly the keys the loader accepts for each of its plug-ins (llmsim --list is truthful).
TEST(ConfigLoader, RegistryKeysAreTheKeysTheLoaderAccepts) {
  const std::string base = write_config("registry.yaml", "");
  const std::string trace = kConfigs + "/traces/splitwise_code.csv.gz";
  for (const auto& p : llm::replica_schedulers()) {
    const std::string block = std::string(p.info.name) == "lightllm" ? ", block_size: 1" : "";
    EXPECT_EQ(accepted_keys(base, "cluster.replica_scheduler={name: " + std::string(p.info.name) + block + ", bogus: 1}"),
              registry_keys(p.info))
        << p.info.name;
  }
  const auto check_section = [&](const std::string& section, const std::vector<PluginInfo>& plugins) {
    for (const PluginInfo& p : plugins) {
      const std::string file = p.accepts("trace_file") ? ", trace_file: " + trace : "";
      EXPECT_EQ(accepted_keys(base, section + "={name: " + std::string(p.name) + file + ", bogus: 1}"), registry_keys(p))
          << section << " " << p.name;
    }
  };
  check_section("request_generator", llm::request_generator_plugins());
  check_section("cluster.global_scheduler", plugin_infos(llm::global_schedulers()));
  check_section("request_generator.interval_generator", llm::interval_generator_plugins());
  check_section("request_generator.length_generator", llm::length_generator_plugins());
  for (const auto& p : llm::predictors()) {
    std::string section = "execution_time_predictor={name: " + std::string(p.info.name);
    if (p.info.accepts("table_dir")) section += ", table_dir: " + kConfigs + "/predictors/vidur-llama2-7b-a100-tp1-pp1";
    if (p.info.accepts("profile_dir")) section += ", profile_dir: " + kConfigs + "/profiles";
    EXPECT_EQ(accepted_keys(base, section + ", bogus: 1}"), registry_keys(p.info)) << p.info.name;
  }
}

TEST(ConfigLoader, RoutingValuesCarryUnits) {
  const std::string base = write_config("routing.yaml", "");
  const llm::SimulationConfig c =
      load_config(base, {"cluster.routing={latency: 20us, bandwidth: 100Gbps, request_overhead_bytes: 1KiB, "
                         "request_bytes_per_prompt_token: 4, load_notice_bytes: 64B}"});
  EXPECT_EQ(c.cluster.routing.latency, 20'000);
  EXPECT_DOUBLE_EQ(c.cluster.routing.bandwidth_bytes_per_s, 12.5e9);
  EXPECT_EQ(c.cluster.routing.request_overhead_bytes, 1024);
  EXPECT_EQ(c.cluster.routing.request_bytes_per_prompt_token, 4);
  EXPECT_EQ(c.cluster.routing.load_notice_bytes, 64);
  EXPECT_EQ(c.cluster.routing.request_delay(1000), 20'000 + 402);  // 5,024 B at 12.5 GB/s = 401.9 ns, rounded up
  EXPECT_DOUBLE_EQ(load_config(base, {"cluster.routing.bandwidth=2GiB/s"}).cluster.routing.bandwidth_bytes_per_s,
                   2147483648.0);
  EXPECT_EQ(load_config(base).cluster.routing.request_delay(1000), 0);  // Vidur: no latency, no sizes
  expect_error(base, {"cluster.routing.bandwidth", "'fast' is not valid", "Gbps"}, {"cluster.routing.bandwidth=fast"});
  expect_error(base, {"cluster.routing.load_notice_bytes", "'-1' is not valid", "KiB"},
               {"cluster.routing.load_notice_bytes=-1"});
  expect_error(base, {"cluster.routing.latency", "ns|us|ms|s"}, {"cluster.routing.latency=5 minutes"});
}

TEST(ConfigLoader, ResolvedConfigJsonHasEveryResolvedValue) {
  const auto j = nlohmann::json::parse(config_to_json(load_config(kConfigs + "/examples/vidur-default-7b.yaml")));
  const auto& pool = j["cluster"]["pools"][0];
  EXPECT_EQ(pool["name"], "default");
  EXPECT_EQ(pool["num_replicas"], 1);
  EXPECT_EQ(pool["replica"]["model"]["num_layers"], 32);
  EXPECT_EQ(pool["replica_scheduler"]["num_blocks"], nullptr);
  EXPECT_EQ(j["request_generator"]["interval_generator"]["qps"], 0.5);
  EXPECT_TRUE(fs::path(pool["execution_time_predictor"]["table_dir"].get<std::string>()).is_absolute());
}

}  // namespace
}  // namespace llmsim::io
