// SPDX-License-Identifier: MIT
// Training one deployment: per operator, the profile rows Vidur would use, the interpolation model with the
// lowest k-fold held-out error, or else a roofline calibrated on the nearest hardware that has a profile.
#include <spdlog/fmt/fmt.h>
#include <filesystem>
#include <functional>
#include <sstream>

#include "cross_validation.hpp"
#include "llmsim/util/content_digest.hpp"
#include "llmsim/util/error.hpp"
#include "profile_data.hpp"
#include "trained_deployment.hpp"

namespace llmsim::llm::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "llmsim-profiled-predictor-v4";

struct Candidate {
  std::string method;
  bool squared = false;
  Smoothing smoothing;
  bool log_x = false;
  bool log_y = false;
};

// Token-keyed operators: {raw knots, 3- or 5-knot local lines, 3- or 5-knot medians}
// x {linear, geometric in time, log-log}.
std::vector<Candidate> curve_candidates() {
  using K = Smoothing::Kind;
  const Smoothing smoothings[] = {{K::none, 0}, {K::line, 1}, {K::line, 2}, {K::median, 1}, {K::median, 2}};
  std::vector<Candidate> out;
  for (const Smoothing& sm : smoothings) {
    for (int space = 0; space < 3; ++space) {
      Candidate c;
      c.smoothing = sm;
      c.log_y = space > 0;
      c.log_x = space == 2;
      const std::string knots = std::to_string(2 * sm.width + 1) + "-knot";
      c.method = std::string(space == 0 ? "linear" : space == 1 ? "log-linear (in log time)" : "log-log") +
                 " interpolation in num_tokens" +
                 (sm.kind == K::line ? " of " + knots + " local linear fits"
                  : sm.kind == K::median ? " of " + knots + " running medians" : "");
      out.push_back(c);
    }
  }
  return out;
}

std::vector<double> pick(const std::vector<double>& v, const std::vector<std::size_t>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (std::size_t r : rows) out.push_back(v[r]);
  return out;
}

bool is_surface_op(Op op) { return op == Op::attn_decode || op == Op::attn_prefill; }

// Chooses and fits the model of one operator with profile rows.
OperatorModel fit_profile(Op op, const OpSamples& s, int folds) {
  OperatorModel m;
  m.info.op = op;
  m.info.data = s.data;
  m.info.file = s.file;
  m.info.samples = static_cast<std::int64_t>(s.y.size());
  const std::size_t n = s.y.size();
  std::vector<Candidate> candidates;
  if (!is_surface_op(op)) {
    candidates = curve_candidates();
  } else if (op == Op::attn_decode) {
    candidates = {{"per-batch-size linear interpolation in kv_cache_size, linear between batch sizes", false, {}},
                  {"as linear, on 3-knot local linear fits in kv_cache_size", false, {Smoothing::Kind::line, 1}}};
  } else {
    candidates = {{"per-chunk linear interpolation in kv_cache_size, linear in chunk between chunks", false, {}},
                  {"per-chunk linear interpolation in kv_cache_size, linear in chunk^2 between chunks", true, {}}};
  }
  double best = std::numeric_limits<double>::infinity();
  const Candidate* chosen = nullptr;
  for (const Candidate& c : candidates) {
    const double mape = kfold_mape(n, s.y, folds, [&](const auto& train, const auto& test) {
      std::vector<double> out;
      if (is_surface_op(op)) {
        const Surface f = Surface::fit(pick(s.a, train), pick(s.b, train), pick(s.y, train), c.squared, c.smoothing);
        for (std::size_t r : test) out.push_back(f.eval(s.a[r], s.b[r]).ms);
      } else {
        const Curve f = Curve::fit(pick(s.a, train), pick(s.y, train), c.smoothing, c.log_x, c.log_y);
        for (std::size_t r : test) out.push_back(f.eval(s.a[r]).ms);
      }
      return out;
    });
    if (mape < best) {
      best = mape;
      chosen = &c;
    }
  }
  m.info.method = chosen->method;
  m.info.heldout_mape_percent = best;
  if (is_surface_op(op)) {
    m.kind = OperatorModel::Kind::surface;
    m.surface = Surface::fit(s.a, s.b, s.y, chosen->squared, chosen->smoothing);
    m.info.domain = op == Op::attn_decode ? m.surface.domain("batch_size", "kv_cache_size")
                                          : m.surface.domain("chunk", "kv_cache_size");
  } else {
    m.kind = OperatorModel::Kind::curve;
    m.curve = Curve::fit(s.a, s.y, chosen->smoothing, chosen->log_x, chosen->log_y);
    m.info.domain = fmt::format("num_tokens {:g}..{:g} ({} values)", m.curve.xs.front(), m.curve.xs.back(),
                                m.curve.xs.size());
  }
  return m;
}

Peak device_peak(const DeviceSpec& d) { return {d.fp16_tflops * 1e12, d.memory_bandwidth_gbps * 1e9}; }

Peak node_peak(const NodeSpec& n, Op op, bool multi_node) {
  const double gbps = op == Op::send_recv && multi_node ? n.inter_node_bandwidth_gbps : n.link_bandwidth_gbps;
  return {0, gbps * 1e9};
}

[[noreturn]] void missing_figure(const std::string& what, const std::string& name, const char* key, Op op) {
  throw ConfigError(what + " '" + name + "': " + key + " is required: no profile of " + op_name(op) +
                    " exists for this deployment, so it is predicted by the roofline model");
}

// Calibrates a roofline on the nearest hardware (the deployment's own first) that has rows of `op`.
OperatorModel fit_roofline(Op op, const PredictorConfig& config, const ReplicaConfig& r, bool multi_node,
                           TableMemo& memo) {
  OperatorModel m;
  m.kind = OperatorModel::Kind::roofline;
  m.info.op = op;
  m.info.method = "roofline";
  m.shape = shard_shape(r.model.num_q_heads, r.model.num_kv_heads, r.model.embedding_dim, r.model.mlp_hidden_dim,
                        r.model.use_gated_mlp, r.tensor_parallel_size);
  std::vector<std::pair<std::string, Peak>> chain;  // (profile dir, its peaks)
  if (is_network_op(op)) {
    m.peak = node_peak(r.node, op, multi_node);
    if (m.peak.bytes_per_s <= 0) {
      missing_figure("node", r.node.name, multi_node && op == Op::send_recv ? "inter_node_bandwidth_gbps" : "link_bandwidth_gbps", op);
    }
    chain.emplace_back(network_dir(config.profile_dir, r.node.name), m.peak);
    for (const NodeSpec& n : r.node_calibration) {
      chain.emplace_back(network_dir(config.profile_dir, n.name), node_peak(n, op, multi_node));
    }
  } else {
    m.peak = device_peak(r.device);
    if (m.peak.bytes_per_s <= 0) missing_figure("device", r.device.name, "memory_bandwidth_gbps", op);
    chain.emplace_back(config.profile_dir + "/compute/" + r.device.name, m.peak);
    for (const DeviceSpec& d : r.device_calibration) {
      chain.emplace_back(config.profile_dir + "/compute/" + d.name, device_peak(d));
    }
  }
  for (const auto& [dir, peak] : chain) {
    const std::vector<CostSample> rows = read_calibration_rows(dir, op, multi_node, r.tensor_parallel_size, memo);
    if (rows.empty()) continue;
    if (peak.bytes_per_s <= 0) {
      throw ConfigError(dir + ": calibrating the roofline of " + op_name(op) +
                        " needs this hardware's bandwidth figure in configs/hardware/");
    }
    m.roofline = calibrate_roofline(rows, peak);
    m.info.data = "datasheet";
    m.info.file = dir;
    m.info.samples = m.roofline.samples;
    m.info.heldout_mape_percent = m.roofline.mape_percent;
    m.info.domain = fmt::format("calibrated on {} (efficiency flops {:g}, bytes {:g}, overhead {:g} ms{})",
                                fs::path(dir).filename().string(), m.roofline.flops_efficiency,
                                m.roofline.bytes_efficiency, m.roofline.overhead_ms,
                                m.roofline.causal_efficiency < 1
                                    ? fmt::format(", causal {:g}", m.roofline.causal_efficiency)
                                    : std::string());
    return m;
  }
  throw InputError(std::string("no profile of ") + op_name(op) + " for " + r.model.name + " on " +
                   (is_network_op(op) ? r.node.name : r.device.name) + " under " + config.profile_dir +
                   ", and none on the calibration hardware either: add roofline_calibration_" +
                   (is_network_op(op) ? "node" : "device") + " to its configs/hardware/ file");
}

bool op_used(Op op, const PoolConfig& c) {
  if (op == Op::all_reduce) return c.replica.tensor_parallel_size > 1;
  if (op == Op::send_recv) return c.replica.num_pipeline_stages > 1;
  if (op == Op::post_attention_layernorm) return c.replica.model.post_attn_norm;
  return true;
}

std::string device_text(const DeviceSpec& d) {
  std::ostringstream o;
  o.precision(17);
  o << d.name << ' ' << d.fp16_tflops << ' ' << d.total_memory_gb << ' ' << d.memory_bandwidth_gbps;
  return o.str();
}

std::string node_text(const NodeSpec& n) {
  std::ostringstream o;
  o.precision(17);
  o << n.name << ' ' << n.num_devices_per_node << ' ' << n.link_bandwidth_gbps << ' ' << n.inter_node_bandwidth_gbps;
  return o.str();
}

}  // namespace

std::string deployment_key(const PredictorConfig& config, const PoolConfig& cluster) {
  const ReplicaConfig& r = cluster.replica;
  ContentDigest h(DigestAlgorithm::xxh3_128);
  h.add_text(kFormat);
  std::ostringstream o;
  o << r.model.name << ' ' << r.model.num_layers << ' ' << r.model.num_q_heads << ' ' << r.model.num_kv_heads << ' '
    << r.model.embedding_dim << ' ' << r.model.mlp_hidden_dim << ' ' << r.model.use_gated_mlp << ' '
    << r.model.vocab_size << ' ' << r.model.post_attn_norm << " tp " << r.tensor_parallel_size << " pp "
    << r.num_pipeline_stages << " block " << cluster.replica_scheduler.block_size << " folds "
    << config.k_fold_cv_splits;
  h.add_text(o.str());
  std::vector<std::string> dirs{config.profile_dir + "/compute/" + r.device.name,
                                network_dir(config.profile_dir, r.node.name)};
  h.add_text(device_text(r.device));
  h.add_text(node_text(r.node));
  for (const DeviceSpec& d : r.device_calibration) {
    h.add_text(device_text(d));
    dirs.push_back(config.profile_dir + "/compute/" + d.name);
  }
  for (const NodeSpec& n : r.node_calibration) {
    h.add_text(node_text(n));
    dirs.push_back(network_dir(config.profile_dir, n.name));
  }
  for (const std::string& dir : dirs) {
    std::vector<std::string> files;
    if (fs::is_directory(dir)) {
      for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) files.push_back(e.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      h.add_text(fs::relative(f, config.profile_dir).string());
      h.add_file(f);
    }
  }
  return h.hex();
}

TrainedDeployment train_deployment(const PredictorConfig& config, const PoolConfig& cluster, std::string key) {
  const ReplicaConfig& r = cluster.replica;
  if (!fs::is_directory(config.profile_dir)) {
    throw ConfigError("execution_time_predictor.profile_dir: '" + config.profile_dir + "' is not a directory");
  }
  TrainedDeployment t;
  t.key = std::move(key);
  t.deployment = r.model.name + " on " + r.device.name + " / " + r.node.name + ", TP" +
                 std::to_string(r.tensor_parallel_size) + " PP" + std::to_string(r.num_pipeline_stages);
  const bool multi_node = r.tensor_parallel_size * r.num_pipeline_stages > r.node.num_devices_per_node;
  const std::string dir = compute_dir(config.profile_dir, r.device.name, r.model.name);
  PerOp<OpSamples> samples = read_mlp_samples(dir + "/mlp.csv.gz", r.model, r.tensor_parallel_size);
  const PerOp<OpSamples> attention =
      read_attention_profile(dir, r.model, r.tensor_parallel_size, cluster.replica_scheduler.block_size);
  for (Op op : {Op::attn_kv_cache_save, Op::attn_prefill, Op::attn_decode}) samples[index_of(op)] = attention[index_of(op)];
  const std::string net = network_dir(config.profile_dir, r.node.name);
  if (op_used(Op::all_reduce, cluster)) {
    samples[index_of(Op::all_reduce)] =
        read_network_samples(net + "/all_reduce.csv.gz", Op::all_reduce, r.model.embedding_dim, r.tensor_parallel_size,
                             multi_node);
  }
  if (op_used(Op::send_recv, cluster)) {
    samples[index_of(Op::send_recv)] =
        read_network_samples(net + "/send_recv.csv.gz", Op::send_recv, r.model.embedding_dim, r.tensor_parallel_size,
                             multi_node);
  }
  TableMemo memo;
  for (int i = 0; i < kNumOps; ++i) {
    const auto op = static_cast<Op>(i);
    if (!op_used(op, cluster)) continue;
    const OpSamples& s = samples[static_cast<std::size_t>(i)];
    t.ops[static_cast<std::size_t>(i)] =
        s.y.empty() ? fit_roofline(op, config, r, multi_node, memo) : fit_profile(op, s, config.k_fold_cv_splits);
  }
  return t;
}

}  // namespace llmsim::llm::detail
