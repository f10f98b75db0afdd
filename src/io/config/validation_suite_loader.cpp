// SPDX-License-Identifier: MIT
// load_validation_suite, validation_suite_files, load_error_bounds (docs/validation.md).
#include <algorithm>
#include <filesystem>
#include <set>

#include "config_overrides.hpp"
#include "llmsim/io/config_loader.hpp"
#include "llmsim/io/validation_suite.hpp"
#include "llmsim/util/error.hpp"
#include "validation_formats.hpp"
#include "yaml_section.hpp"

namespace llmsim::io {

namespace {

namespace fs = std::filesystem;
using detail::YamlSection;

const std::vector<std::string> kRoles = {"fit", "held_out"};

detail::RowMatch parse_match(YamlSection& s, const std::string& name) {
  detail::RowMatch out;
  const YAML::Node m = s.raw(name);
  if (!m.IsDefined() || m.IsNull()) return out;
  if (!m.IsMap()) s.fail(name, "expected a mapping of measurement columns to values");
  for (const auto& kv : m) {
    if (!kv.second.IsScalar()) s.fail(name + "." + kv.first.Scalar(), "expected a plain value");
    out.emplace_back(kv.first.Scalar(), kv.second.Scalar());
  }
  return out;
}

std::vector<std::string> parse_set(YamlSection& s, const std::string& name) {
  std::vector<std::string> out;
  const YAML::Node set = s.raw(name);
  if (!set.IsDefined() || set.IsNull()) return out;
  if (!set.IsMap()) s.fail(name, "expected a mapping of config keys to values (as llmsim --set takes them)");
  for (const auto& kv : set) out.push_back(detail::override_for(kv.first.Scalar(), kv.second, s.file()));
  return out;
}

template <typename Parse>
void for_each_item(YamlSection& s, const std::string& name, bool required, Parse parse) {
  const YAML::Node list = s.raw(name);
  if (!list.IsDefined() || list.IsNull()) {
    if (required) s.fail(name, "required: a non-empty list");
    return;
  }
  if (!list.IsSequence() || (required && list.size() == 0)) s.fail(name, "expected a non-empty list of mappings");
  for (std::size_t i = 0; i < list.size(); ++i) {
    YamlSection item(list[i], s.file(), s.key(name + "[" + std::to_string(i) + "]"));
    parse(item);
    item.finish();
  }
}

}  // namespace

ValidationSuite load_validation_suite(const std::string& path, const std::vector<std::string>& extra_overrides) {
  return detail::with_yaml_errors(path, [&] {
    ValidationSuite suite;
    suite.file = fs::weakly_canonical(fs::absolute(path)).string();
    YamlSection s(detail::load_yaml_file(path), suite.file, "");
    suite.name = s.get_string("name", "");
    if (suite.name.empty()) s.fail("name", "required");
    suite.description = s.get_string("description", "");
    const YAML::Node source = s.raw("source");
    if (!source.IsDefined() || !source.IsMap() || source.size() == 0) {
      s.fail("source", "required: a mapping (repository, commit, path, licence) saying where the measurements come from");
    }
    for (const auto& kv : source) suite.source.emplace_back(kv.first.Scalar(), detail::to_yaml_flow(kv.second));
    std::vector<std::string> formats;
    for (const PluginInfo& f : validation_formats()) formats.emplace_back(f.name);
    suite.format = s.get_choice("format", "", formats);
    if (suite.format.empty()) s.fail("format", "required, one of: " + joined_names(validation_formats()));
    suite.measurements = s.get_path("measurements", true);
    suite.base_config = s.get_path("base_config", true);

    detail::SuiteSpec spec;
    spec.key_prefix = suite.file;
    const YAML::Node models = s.raw("models");
    if (!models.IsDefined() || !models.IsMap() || models.size() == 0) {
      s.fail("models", "required: a mapping of the measurements' model names to llmsim model files");
    }
    for (const auto& kv : models) {
      spec.models.emplace_back(kv.first.Scalar(),
                               detail::override_for("cluster.replica.model", kv.second, suite.file));
    }
    std::set<std::string> names;
    for_each_item(s, "deployments", true, [&](YamlSection& d) {
      detail::SuiteDeployment dep;
      dep.name = d.get_string("name", "");
      dep.gpu = d.get_string("gpu", "");
      if (dep.name.empty()) d.fail("name", "required (the predictor setting's label, e.g. profiled)");
      if (dep.gpu.empty()) d.fail("gpu", "required (e.g. a100)");
      dep.role = d.get_choice("role", "", kRoles);
      if (dep.role.empty()) d.fail("role", "required: fit (may be tuned on) or held_out (never fitted to)");
      if (!names.insert(dep.gpu + "/" + dep.name).second) d.fail("name", "gpu and name repeat an earlier deployment");
      dep.match = parse_match(d, "match");
      dep.overrides = parse_set(d, "set");
      spec.deployments.push_back(std::move(dep));
    });
    for_each_item(s, "exclude", false, [&](YamlSection& e) {
      detail::SuiteExclusion ex;
      ex.match = parse_match(e, "match");
      if (ex.match.empty()) e.fail("match", "required: the rows to exclude");
      const YAML::Node m = e.raw("metrics");
      if (m.IsDefined() && !m.IsNull()) {
        if (!m.IsSequence()) e.fail("metrics", "expected a list of metric names");
        for (const YAML::Node& n : m) ex.metrics.push_back(n.as<std::string>());
      }
      ex.reason = e.get_string("reason", "");
      if (ex.reason.empty()) e.fail("reason", "required: why these measurements are left out");
      spec.exclusions.push_back(std::move(ex));
    });
    s.finish();

    detail::read_measurements(suite.format, CsvTable::read(suite.measurements), spec, suite);
    if (suite.cases.empty()) {
      throw ConfigError(suite.file + ": no case: no row of " + suite.measurements + " matches a deployment and a model");
    }
    // Every case's config is resolved before anything runs.
    for (ValidationCase& c : suite.cases) {
      c.overrides.insert(c.overrides.end(), extra_overrides.begin(), extra_overrides.end());
      try {
        c.config = load_config(suite.base_config, c.overrides);
      } catch (const ConfigError& e) {
        throw ConfigError(suite.file + ": case " + c.id + ": " + e.what());
      }
    }
    return suite;
  });
}

std::vector<std::string> validation_suite_files(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec)) throw ConfigError(path + ": no such suite file or directory");
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(path)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) throw ConfigError(path + ": no validation suite (*.yaml) in this directory");
  return out;
}

std::vector<ErrorBound> load_error_bounds(const std::string& path) {
  return detail::with_yaml_errors(path, [&] {
    YamlSection s(detail::load_yaml_file(path), path, "");
    std::vector<ErrorBound> out;
    for_each_item(s, "bounds", true, [&](YamlSection& b) {
      ErrorBound e;
      for (auto [name, field] : {std::pair{"suite", &e.suite}, {"gpu", &e.gpu}, {"model", &e.model},
                                 {"predictor", &e.predictor}, {"metric", &e.metric}}) {
        *field = b.get_string(name, "");
        if (field->empty()) b.fail(name, "required");
      }
      e.median_percent = b.get_double("median_percent", -1, 0, 1e6);
      e.p90_percent = b.get_double("p90_percent", -1, 0, 1e6);
      e.max_percent = b.get_double("max_percent", -1, 0, 1e6);
      if (e.median_percent < 0 || e.p90_percent < 0 || e.max_percent < 0) {
        b.fail("median_percent", "median_percent, p90_percent and max_percent are all required");
      }
      out.push_back(e);
    });
    s.finish();
    return out;
  });
}

}  // namespace llmsim::io
