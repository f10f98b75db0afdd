// SPDX-License-Identifier: MIT
// load_sweep: jobs/*.yaml -> expanded, validated sweep points with content-derived ids.
#include "llmsim/io/sweep_loader.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "config_overrides.hpp"
#include "llmsim/io/config_loader.hpp"
#include "llmsim/llm/result_stats.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/util/hashing.hpp"
#include "yaml_section.hpp"

namespace llmsim::io {

namespace {

using detail::YamlSection;

/// One value of an axis: its label and the overrides it applies.
struct AxisValue {
  std::string label;
  std::vector<std::string> overrides;
};

struct Axis {
  std::string name;
  std::vector<AxisValue> values;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Axis parse_axis(YamlSection s, const std::string& name) {
  Axis axis{name, {}};
  const YAML::Node values = s.raw("values");
  if (!values.IsDefined() || !values.IsSequence() || values.size() == 0) s.fail("values", "required: a non-empty list");
  std::vector<std::string> keys;
  if (s.has("key")) keys.push_back(s.get_string("key", ""));
  if (s.has("keys")) {
    const YAML::Node k = s.raw("keys");
    if (!k.IsDefined() || !k.IsSequence() || k.size() == 0) s.fail("keys", "expected a non-empty list of config keys");
    for (const YAML::Node& key : k) keys.push_back(key.as<std::string>());
  }
  if (s.has("key") && s.has("keys")) s.fail("keys", "give either key or keys, not both");
  std::set<std::string> labels;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const YAML::Node v = values[i];
    AxisValue av;
    if (keys.empty()) {
      YamlSection b(v, s.file(), s.key("values[" + std::to_string(i) + "]"));
      if (!v.IsMap()) {
        s.fail("values", "without key/keys every value must be a mapping {label: ..., set: {config.key: value}}");
      }
      av.label = b.get_string("label", "");
      if (av.label.empty()) b.fail("label", "required");
      const YAML::Node set = b.raw("set");
      if (!set.IsDefined() || !set.IsMap() || set.size() == 0) b.fail("set", "required: a mapping of config keys to values");
      for (const auto& kv : set) av.overrides.push_back(detail::override_for(kv.first.as<std::string>(), kv.second, s.file()));
      b.finish();
    } else {
      if (!v.IsScalar()) s.fail("values", "with key/keys every value must be a scalar (use label/set for bundles)");
      av.label = v.Scalar();
      for (const std::string& key : keys) av.overrides.push_back(detail::override_for(key, v, s.file()));
    }
    if (!labels.insert(av.label).second) s.fail("values", "value '" + av.label + "' appears twice");
    axis.values.push_back(std::move(av));
  }
  s.finish();
  return axis;
}

std::vector<Axis> parse_axes(YamlSection& root) {
  const YAML::Node axes = root.raw("axes");
  if (!axes.IsDefined() || !axes.IsMap() || axes.size() == 0) {
    root.fail("axes", "required: a mapping of axis names to {key|keys, values} or {values: [{label, set}]}");
  }
  std::vector<Axis> out;
  for (const auto& kv : axes) {
    const std::string name = kv.first.as<std::string>();
    out.push_back(parse_axis(YamlSection(kv.second, root.file(), root.key("axes." + name)), name));
  }
  return out;
}

struct Exclusion {
  std::map<std::size_t, std::string> values;  // axis index -> value label
  std::string reason;
};

std::vector<Exclusion> parse_exclusions(YamlSection& root, const std::vector<Axis>& axes) {
  std::vector<Exclusion> out;
  const YAML::Node ex = root.raw("exclude");
  if (!ex.IsDefined() || ex.IsNull()) return out;
  if (!ex.IsSequence()) root.fail("exclude", "expected a list of {axis: value, ..., reason: text} mappings");
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const std::string where = "exclude[" + std::to_string(i) + "]";
    if (!ex[i].IsMap() || ex[i].size() == 0) root.fail(where, "expected a non-empty mapping {axis: value, ...}");
    Exclusion e;
    for (const auto& kv : ex[i]) {
      const std::string axis = kv.first.as<std::string>();
      if (axis == "reason") {
        e.reason = kv.second.as<std::string>();
        continue;
      }
      std::size_t a = 0;
      while (a < axes.size() && axes[a].name != axis) ++a;
      std::string valid;
      for (const Axis& x : axes) valid += (valid.empty() ? "" : ", ") + x.name;
      if (a == axes.size()) root.fail(where, "unknown axis '" + axis + "'; valid: " + valid);
      const std::string label = detail::to_yaml_flow(kv.second);
      std::string labels;
      bool found = false;
      for (const AxisValue& v : axes[a].values) {
        labels += (labels.empty() ? "" : ", ") + v.label;
        found = found || v.label == label;
      }
      if (!found) root.fail(where + "." + axis, "unknown value '" + label + "'; valid: " + labels);
      e.values[a] = label;
    }
    if (e.values.empty()) root.fail(where, "names no axis value to exclude (only a reason)");
    out.push_back(std::move(e));
  }
  return out;
}

CapacitySearchSpec parse_search(YamlSection s) {
  CapacitySearchSpec c;
  std::vector<std::string> metrics = llm::request_metric_names();
  metrics.push_back("goodput");
  c.metric = s.get_choice("metric", c.metric, metrics);
  if (c.goodput()) {  // DistServe: requests meeting every SLO, at least `attainment` of them
    YamlSection slos = s.child("slos");
    for (const std::string& m : llm::request_metric_names()) {
      if (!slos.has(m)) continue;
      const double slo = simtime_to_seconds(slos.get_duration(m, 0));
      if (slo <= 0) slos.fail(m, "must be positive");
      c.slos.push_back(llm::MetricSlo{m, slo});
    }
    slos.finish("(request metrics)");
    if (c.slos.empty()) s.fail("slos", "goodput needs at least one SLO, e.g. {ttft: 2s, tpot: 100ms}");
    c.attainment = s.get_double("attainment", c.attainment, 0, 1, true);
  } else {
    c.quantile = s.get_double("quantile", c.quantile, 0, 1, true);
    c.slo_s = simtime_to_seconds(s.get_duration("slo", seconds_to_simtime(c.slo_s)));
    if (c.slo_s <= 0) s.fail("slo", "must be positive");
  }
  if (s.has("start_qps")) c.start_qps = s.get_double("start_qps", 1, 0, 1e9, true);
  c.max_iterations = static_cast<int>(s.get_int("max_iterations", c.max_iterations, 1, 1000));
  c.min_search_granularity_percent =
      s.get_double("min_search_granularity_percent", c.min_search_granularity_percent, 0, 100, true);
  s.finish();
  return c;
}

void check_searchable(const SweepPoint& p, const std::string& file) {
  const auto& g = p.config.request_generator;
  if (!g.arrives_at_qps()) {
    throw ConfigError(file + ": capacity_search: configuration [" + p.label +
                      "] must use a synthetic request generator with a poisson or gamma interval generator "
                      "(the search varies " + kQpsKey + ")");
  }
  for (const std::string& o : p.overrides) {
    if (o.rfind(std::string(kQpsKey) + "=", 0) == 0) {
      throw ConfigError(file + ": capacity_search varies " + kQpsKey + " itself; remove the axis that sets it");
    }
  }
}

void relativise_paths(nlohmann::ordered_json& j, const std::filesystem::path& base) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (value.is_string() && detail::is_path_key(key) && !value.get<std::string>().empty()) {
        value = std::filesystem::path(value.get<std::string>()).lexically_relative(base).generic_string();
      } else {
        relativise_paths(value, base);
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) relativise_paths(v, base);
  }
}

}  // namespace

std::string search_spec_json(const std::optional<CapacitySearchSpec>& search) {
  nlohmann::ordered_json s = nullptr;
  if (search) {
    s = {{"metric", search->metric}};
    if (search->goodput()) {
      nlohmann::ordered_json slos = nlohmann::ordered_json::object();
      for (const llm::MetricSlo& m : search->slos) slos[m.metric + "_s"] = m.slo_s;
      s["slos"] = slos;
      s["attainment"] = search->attainment;
    } else {
      s["quantile"] = search->quantile;
      s["slo_s"] = search->slo_s;
    }
    s["start_qps"] = search->start_qps ? nlohmann::ordered_json(*search->start_qps) : nlohmann::ordered_json();
    s["max_iterations"] = search->max_iterations;
    s["min_search_granularity_percent"] = search->min_search_granularity_percent;
  }
  return s.dump();
}

std::string config_id(const llm::SimulationConfig& config, const std::optional<CapacitySearchSpec>& search,
                      const std::string& relative_to) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(config_to_json(config));
  relativise_paths(j, std::filesystem::weakly_canonical(std::filesystem::absolute(relative_to)));
  const nlohmann::ordered_json all = {{"config", j},
                                      {"capacity_search", nlohmann::ordered_json::parse(search_spec_json(search))}};
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(all.dump())));
  return std::string(hex, 12);
}

namespace {

Sweep load_sweep_yaml(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw ConfigError(path + ": sweep file not found");
  Sweep sw;
  sw.file = path;
  sw.definition_text = read_text(path);
  YamlSection root(detail::parse_yaml(sw.definition_text, path), path, "");
  sw.name = root.get_string("name", std::filesystem::path(path).stem().string());
  // The name becomes out/<name>.h5: a plain file name, so that no sweep writes outside out/.
  if (sw.name.empty() || sw.name.front() == '.' ||
      sw.name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos) {
    root.fail("name", "'" + sw.name + "' is not a plain file name (letters, digits, '.', '_', '-', not starting with "
                      "'.'); it names the default output out/<name>.h5");
  }
  sw.base_config = root.get_path("base", true);
  std::vector<std::string> common;
  if (root.has("set")) {
    const YAML::Node set = root.raw("set");
    if (!set.IsMap()) root.fail("set", "expected a mapping of config keys to values applied to every configuration");
    for (const auto& kv : set) common.push_back(detail::override_for(kv.first.as<std::string>(), kv.second, path));
  }
  const std::vector<Axis> axes = parse_axes(root);
  const std::vector<Exclusion> exclusions = parse_exclusions(root, axes);
  if (root.has("capacity_search")) sw.search = parse_search(root.child("capacity_search"));
  root.finish();
  for (const Axis& a : axes) sw.axis_names.push_back(a.name);

  const std::string id_base = std::filesystem::absolute(path).parent_path().string();
  std::map<std::string, std::string> labels_by_id;
  std::vector<std::size_t> pick(axes.size(), 0);
  for (bool more = true; more;) {
    const auto excluded = std::find_if(exclusions.begin(), exclusions.end(), [&](const Exclusion& e) {
      return std::all_of(e.values.begin(), e.values.end(), [&](const auto& kv) {
        return axes[kv.first].values[pick[kv.first]].label == kv.second;
      });
    });
    if (excluded != exclusions.end()) {
      ++sw.num_excluded;
      ++sw.excluded_by_reason[excluded->reason.empty() ? "(no reason given)" : excluded->reason];
    } else {
      SweepPoint p;
      p.index = sw.points.size();
      p.overrides = common;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const AxisValue& v = axes[a].values[pick[a]];
        p.axis_values.emplace_back(axes[a].name, v.label);
        p.label += (p.label.empty() ? "" : " ") + axes[a].name + "=" + v.label;
        p.overrides.insert(p.overrides.end(), v.overrides.begin(), v.overrides.end());
      }
      try {
        p.config = load_config(sw.base_config, p.overrides);
      } catch (const ConfigError& e) {
        throw ConfigError(path + ": configuration [" + p.label + "]: " + e.what());
      }
      if (sw.search) check_searchable(p, path);
      p.id = config_id(p.config, sw.search, id_base);
      if (const auto [it, fresh] = labels_by_id.emplace(p.id, p.label); !fresh) {
        throw ConfigError(path + ": configurations [" + it->second + "] and [" + p.label +
                          "] resolve to the same config (id " + p.id + "); remove one of the axis values");
      }
      sw.points.push_back(std::move(p));
    }
    // Odometer over the axes, last axis fastest.
    more = false;
    for (std::size_t a = axes.size(); a-- > 0;) {
      if (++pick[a] < axes[a].values.size()) {
        more = true;
        break;
      }
      pick[a] = 0;
    }
  }
  if (sw.points.empty()) throw ConfigError(path + ": exclude removes every configuration");
  return sw;
}

}  // namespace

Sweep load_sweep(const std::string& path) {
  return detail::with_yaml_errors(path, [&] { return load_sweep_yaml(path); });
}

}  // namespace llmsim::io
