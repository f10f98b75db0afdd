// SPDX-License-Identifier: MIT
// Applying --set overrides to the YAML tree.
#include "config_overrides.hpp"

#include "yaml_section.hpp"

#include <filesystem>
#include <set>

#include "llmsim/util/error.hpp"

namespace llmsim::io::detail {

namespace {

const std::set<std::string> kPathKeys{"model",      "device",      "network_device", "trace_file",
                                      "table_dir",  "profile_dir", "roofline_calibration_device",
                                      "roofline_calibration_node", "send_recv_profile", "cpu_overhead"};

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

YAML::Node parse_value(const std::string& text, const std::string& override_text) {
  return parse_yaml(text, "--set " + override_text);
}

// Entry `part` of `node`: a key of a mapping, or an index (0, 1, ...) into a list (e.g. cluster.pools.1.num_replicas).
YAML::Node child(YAML::Node node, const std::string& part, const std::string& override_text,
                 const std::string& config_path) {
  if (!node.IsSequence()) return node[part];
  if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(part) >= node.size()) {
    throw ConfigError(config_path + ": --set " + override_text + ": '" + part + "' is not an index of the list (0.." +
                      std::to_string(node.size() == 0 ? 0 : node.size() - 1) + ")");
  }
  return node[std::stoul(part)];
}

}  // namespace

bool is_path_key(const std::string& dotted_key) { return kPathKeys.contains(split_key(dotted_key).back()); }

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, const std::string& config_path) {
  for (const std::string& o : overrides) {
    const std::size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("--set " + o + ": expected KEY=VALUE, e.g. cluster.num_replicas=4");
    }
    if (eq + 1 == o.size()) {
      throw ConfigError("--set " + o + ": no value (an empty value would silently reset the key to its default; "
                        "write KEY=null to do that on purpose)");
    }
    const std::vector<std::string> path = split_key(o.substr(0, eq));
    YAML::Node value = parse_value(o.substr(eq + 1), o);
    if (kPathKeys.contains(path.back()) && value.IsScalar() && std::filesystem::path(value.Scalar()).is_relative()) {
      value = std::filesystem::absolute(value.Scalar()).string();
    }
    std::vector<YAML::Node> chain{root};
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      YAML::Node next = child(chain.back(), path[i], o, config_path);
      if (next.IsDefined() && !next.IsNull() && !next.IsMap() && !next.IsSequence()) {
        throw ConfigError(config_path + ": --set " + o + ": '" + path[i] + "' is not a mapping or a list");
      }
      chain.push_back(next);
    }
    if (chain.back().IsSequence()) {
      child(chain.back(), path.back(), o, config_path) = value;
    } else {
      chain.back()[path.back()] = value;
    }
  }
}

std::string to_yaml_flow(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

namespace {

YAML::Node with_absolute_paths(const std::string& key, const YAML::Node& value, const std::filesystem::path& dir) {
  if (value.IsScalar()) {
    if (!is_path_key(key) || !std::filesystem::path(value.Scalar()).is_relative()) return value;
    return YAML::Node(std::filesystem::weakly_canonical(dir / value.Scalar()).string());
  }
  YAML::Node out = YAML::Clone(value);
  if (value.IsMap()) {
    for (auto kv : out) kv.second = with_absolute_paths(kv.first.Scalar(), kv.second, dir);
  } else if (value.IsSequence()) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = with_absolute_paths("", out[i], dir);
  }
  return out;
}

}  // namespace

std::string override_for(const std::string& key, const YAML::Node& value, const std::string& file) {
  const std::filesystem::path dir = std::filesystem::absolute(file).parent_path();
  return key + "=" + to_yaml_flow(with_absolute_paths(key, value, dir));
}

}  // namespace llmsim::io::detail
