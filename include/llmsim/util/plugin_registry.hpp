// SPDX-License-Identifier: MIT
// Plug-in registries: each family (replica schedulers, routers, generators, predictors, partitions) lists its
// plug-ins once, with name, config keys, description and factory; config loading, factories, error messages and
// `llmsim --list` all read that list.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "llmsim/util/error.hpp"

namespace llmsim {

/// What a plug-in is, without its factory: enough to validate a config and to list it.
struct PluginInfo {
  const char* name;
  std::vector<const char*> keys;  ///< config keys it reads besides `name` (its section's valid keys)
  const char* description;        ///< one line

  bool accepts(const std::string& key) const {
    return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
  }
};

/// One plug-in with its factory `make` (a function pointer of the family's signature).
template <typename Make>
struct Plugin {
  PluginInfo info;
  Make make;
};

template <typename Make>
std::vector<PluginInfo> plugin_infos(const std::vector<Plugin<Make>>& registry) {
  std::vector<PluginInfo> out;
  for (const Plugin<Make>& p : registry) out.push_back(p.info);
  return out;
}

inline std::vector<std::string> plugin_names(const std::vector<PluginInfo>& infos) {
  std::vector<std::string> out;
  for (const PluginInfo& p : infos) out.emplace_back(p.name);
  return out;
}

inline std::string joined_names(const std::vector<PluginInfo>& infos) {
  std::string out;
  for (const PluginInfo& p : infos) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

/// The plug-in called `name`; ConfigError "<key>: unknown value 'x'; valid: a, b, c" if there is none.
template <typename Make>
const Plugin<Make>& find_plugin(const std::vector<Plugin<Make>>& registry, const std::string& name,
                                const std::string& key) {
  for (const Plugin<Make>& p : registry) {
    if (name == p.info.name) return p;
  }
  throw ConfigError(key + ": unknown value '" + name + "'; valid: " + joined_names(plugin_infos(registry)));
}

}  // namespace llmsim
