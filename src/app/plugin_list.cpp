// SPDX-License-Identifier: MIT
// plugin_list: one section per registry.
#include "plugin_list.hpp"

#include <spdlog/fmt/fmt.h>

#include <vector>

#include "llmsim/des/partition.hpp"
#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/llm/replica_scheduler.hpp"
#include "llmsim/llm/request_generator.hpp"

namespace llmsim::app {

namespace {

void section(std::string& out, const char* title, const char* key, const std::vector<PluginInfo>& plugins) {
  out += fmt::format("{} ({}):\n", title, key);
  for (const PluginInfo& p : plugins) {
    out += fmt::format("  {:<20} {}\n", p.name, p.description);
    if (p.keys.empty()) continue;
    out += fmt::format("  {:<20} keys: {}\n", "", fmt::join(p.keys, ", "));
  }
  out += "\n";
}

}  // namespace

std::string plugin_list() {
  std::string out;
  section(out, "Replica schedulers", "cluster.replica_scheduler.name", plugin_infos(llm::replica_schedulers()));
  section(out, "Routers", "cluster.global_scheduler.name, cluster.decode_scheduler.name",
          plugin_infos(llm::global_schedulers()));
  section(out, "Request generators", "request_generator.name", llm::request_generator_plugins());
  section(out, "Interval generators", "request_generator.interval_generator.name", llm::interval_generator_plugins());
  section(out, "Length generators", "request_generator.length_generator.name", llm::length_generator_plugins());
  section(out, "Execution-time predictors", "execution_time_predictor.name", plugin_infos(llm::predictors()));
  section(out, "Partitions", "--partition", des::partitions());
  return out;
}

}  // namespace llmsim::app
