// SPDX-License-Identifier: MIT
// Command-line overrides (`dotted.key=yaml-value`) applied to a parsed YAML tree before validation.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace llmsim::io::detail {

/// Sets each `a.b.c=value` in `root` (creating mappings as needed). Relative paths given for path keys
/// (model, device, network_device, trace_file, table_dir) are made absolute against the current directory,
/// since they come from the command line, not from `config_path`. Throws ConfigError on bad syntax.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, const std::string& config_path);

/// True for keys whose value is a file path (model, device, network_device, trace_file, table_dir).
bool is_path_key(const std::string& dotted_key);

/// A YAML value as one line (a scalar as is, anything else in flow style), as `--set` takes it.
std::string to_yaml_flow(const YAML::Node& n);

/// `key=value` for apply_overrides, with every relative path in `value` (the value itself, or path keys inside
/// mappings and lists, e.g. a list of pools) made absolute against the directory of `file` (a sweep or suite).
std::string override_for(const std::string& key, const YAML::Node& value, const std::string& file);

}  // namespace llmsim::io::detail
