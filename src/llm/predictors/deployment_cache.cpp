// SPDX-License-Identifier: MIT
// On-disk cache of trained deployments: one JSON file per content key, written atomically.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "llmsim/util/temp_path.hpp"
#include "trained_deployment.hpp"

namespace llmsim::llm::detail {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr int kCacheVersion = 2;

Json to_json(const Curve& c) {
  return {{"xs", c.xs}, {"ys", c.ys}, {"tail_slope", c.tail_slope}, {"log_x", c.log_x}, {"log_y", c.log_y}};
}

Curve curve_from(const Json& j) {
  return {j.at("xs").get<std::vector<double>>(), j.at("ys").get<std::vector<double>>(), j.at("tail_slope").get<double>(),
          j.at("log_x").get<bool>(), j.at("log_y").get<bool>()};
}

Json to_json(const OperatorModel& m) {
  Json j = {{"kind", static_cast<int>(m.kind)},
            {"info",
             {{"data", m.info.data},
              {"method", m.info.method},
              {"file", m.info.file},
              {"samples", m.info.samples},
              {"heldout_mape_percent", m.info.heldout_mape_percent},
              {"domain", m.info.domain}}}};
  switch (m.kind) {
    case OperatorModel::Kind::curve: j["curve"] = to_json(m.curve); break;
    case OperatorModel::Kind::surface: {
      Json groups = Json::array();
      for (const Curve& c : m.surface.groups) groups.push_back(to_json(c));
      j["surface"] = {{"keys", m.surface.keys}, {"groups", groups}, {"beta", m.surface.beta}, {"squared", m.surface.squared}};
      break;
    }
    case OperatorModel::Kind::roofline:
      j["roofline"] = {{"flops_efficiency", m.roofline.flops_efficiency},
                       {"bytes_efficiency", m.roofline.bytes_efficiency},
                       {"overhead_ms", m.roofline.overhead_ms},
                       {"causal_efficiency", m.roofline.causal_efficiency},
                       {"mape_percent", m.roofline.mape_percent},
                       {"samples", m.roofline.samples},
                       {"peak", {m.peak.flops_per_s, m.peak.bytes_per_s}},
                       {"shape",
                        {m.shape.hidden, m.shape.q_heads, m.shape.kv_heads, m.shape.head_dim, m.shape.mlp_hidden,
                         m.shape.gated ? 1.0 : 0.0, static_cast<double>(m.shape.tensor_parallel)}}};
      break;
    case OperatorModel::Kind::unused: break;
  }
  return j;
}

OperatorModel model_from(const Json& j, Op op) {
  OperatorModel m;
  m.kind = static_cast<OperatorModel::Kind>(j.at("kind").get<int>());
  const Json& i = j.at("info");
  m.info = {op,
            i.at("data").get<std::string>(),
            i.at("method").get<std::string>(),
            i.at("file").get<std::string>(),
            i.at("samples").get<std::int64_t>(),
            i.at("heldout_mape_percent").get<double>(),
            i.at("domain").get<std::string>()};
  if (m.kind == OperatorModel::Kind::curve) m.curve = curve_from(j.at("curve"));
  if (m.kind == OperatorModel::Kind::surface) {
    const Json& s = j.at("surface");
    m.surface.keys = s.at("keys").get<std::vector<double>>();
    for (const Json& g : s.at("groups")) m.surface.groups.push_back(curve_from(g));
    m.surface.beta = s.at("beta").get<std::vector<double>>();
    m.surface.squared = s.at("squared").get<bool>();
  }
  if (m.kind == OperatorModel::Kind::roofline) {
    const Json& r = j.at("roofline");
    m.roofline = {r.at("flops_efficiency").get<double>(), r.at("bytes_efficiency").get<double>(),
                  r.at("overhead_ms").get<double>(), r.at("mape_percent").get<double>(),
                  r.at("samples").get<std::int64_t>(), r.at("causal_efficiency").get<double>()};
    const auto peak = r.at("peak").get<std::vector<double>>();
    m.peak = {peak.at(0), peak.at(1)};
    const auto s = r.at("shape").get<std::vector<double>>();
    m.shape = {s.at(0), s.at(1), s.at(2), s.at(3), s.at(4), s.at(5) != 0, static_cast<int>(s.at(6))};
  }
  return m;
}

std::string path_of(const std::string& dir, const std::string& key) { return dir + "/" + key + ".json"; }

}  // namespace

std::string save_deployment(const TrainedDeployment& t, const std::string& dir) {
  Json ops = Json::object();
  for (int i = 0; i < kNumOps; ++i) {
    const OperatorModel& m = t.ops[static_cast<std::size_t>(i)];
    if (m.kind != OperatorModel::Kind::unused) ops[op_name(static_cast<Op>(i))] = to_json(m);
  }
  const Json j = {{"version", kCacheVersion}, {"key", t.key}, {"deployment", t.deployment}, {"operators", ops}};
  fs::create_directories(dir);
  const std::string path = path_of(dir, t.key);
  const std::string tmp = unique_temp_path(path);
  {
    std::ofstream out(tmp, std::ios::binary);
    out << j.dump();
    if (!out.flush()) throw std::runtime_error(tmp + ": cannot write");
  }
  fs::rename(tmp, path);
  return path;
}

std::optional<TrainedDeployment> load_deployment(const std::string& dir, const std::string& key) {
  std::ifstream in(path_of(dir, key), std::ios::binary);
  if (!in) return std::nullopt;
  try {
    const Json j = Json::parse(in);
    if (j.at("version").get<int>() != kCacheVersion || j.at("key").get<std::string>() != key) return std::nullopt;
    TrainedDeployment t;
    t.key = key;
    t.deployment = j.at("deployment").get<std::string>();
    const Json& ops = j.at("operators");
    for (int i = 0; i < kNumOps; ++i) {
      const auto op = static_cast<Op>(i);
      if (ops.contains(op_name(op))) t.ops[static_cast<std::size_t>(i)] = model_from(ops.at(op_name(op)), op);
    }
    return t;
  } catch (const Json::exception&) {
    return std::nullopt;  // unreadable or from another version: retrain and overwrite
  }
}

}  // namespace llmsim::llm::detail
