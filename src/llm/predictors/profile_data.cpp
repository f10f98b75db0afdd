// SPDX-License-Identifier: MIT
// Profile CSV reading with Vidur's filters (predictor spec 3.6) and features (2.3).
#include "profile_data.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string_view>
#include <unordered_set>

#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm::detail {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kMeasuredAttention = "attention.csv.gz";
constexpr const char* kSyntheticAttention = "attention.SYNTHETIC.csv.gz";
constexpr Op kMlpOps[] = {Op::attn_pre_proj, Op::attn_post_proj, Op::attn_rope,       Op::mlp_up_proj,
                          Op::mlp_down_proj, Op::mlp_act,        Op::input_layernorm, Op::post_attention_layernorm,
                          Op::add};

std::string target_column(Op op) { return std::string("time_stats.") + op_name(op) + ".median"; }

// Vidur fills these targets with 0 when the column is missing or empty (spec 1.7).
bool zero_filled(Op op) {
  return op == Op::input_layernorm || op == Op::post_attention_layernorm || op == Op::add ||
         op == Op::attn_kv_cache_save;
}

// Rows that survive pandas' drop_duplicates(): the first occurrence of each distinct line.
std::vector<std::size_t> unique_rows(const CsvTable& t) {
  std::unordered_set<std::string_view> seen;
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (seen.insert(t.row_text(r)).second) rows.push_back(r);
  }
  return rows;
}

std::vector<bool> bool_column(const CsvTable& t, const std::string& name) {
  std::vector<bool> out;
  for (std::string_view v : t.text_column(name)) {
    if (v != "True" && v != "False") {
      throw InputError(t.path() + ": column '" + name + "': expected True or False, found '" + std::string(v) + "'");
    }
    out.push_back(v == "True");
  }
  return out;
}

std::vector<double> target(const CsvTable& t, Op op) {
  const std::string col = target_column(op);
  if (!t.has_column(col)) {
    if (zero_filled(op)) return std::vector<double>(t.rows(), 0.0);
    t.numeric_column(col);  // throws, naming the columns present
  }
  std::vector<double> y = t.numeric_column(col, kNaN);
  for (std::size_t r = 0; r < y.size(); ++r) {
    if (std::isnan(y[r]) && zero_filled(op)) y[r] = 0;
    if (!std::isnan(y[r]) && !(y[r] >= 0 && y[r] <= kMaxOperatorMs)) {
      throw InputError(
          fmt::format("{}:{}: column '{}': {:g} is not an operator time (0 to 1e7 ms)", t.path(), t.line_of(r), col, y[r]));
    }
  }
  return y;
}

std::string data_label(const CsvTable& t, Op op) {
  if (!t.has_column(target_column(op))) return "absent";
  if (t.has_column("attention_backend")) {
    const auto backend = t.text_column("attention_backend");
    if (!backend.empty() && backend.front() == "SYNTHETIC_STANDIN") return "synthetic";
  }
  return "measured";
}

void append(OpSamples& s, double a, double b, double y, const CsvTable& t, std::size_t row) {
  if (std::isnan(y)) {
    throw InputError(t.path() + ":" + std::to_string(t.line_of(row)) + ": empty time for a row that should have one");
  }
  s.a.push_back(a);
  s.b.push_back(b);
  s.y.push_back(y);
}

std::string shape_text(double q, double kv, double h, double mlp) {
  return "n_head " + std::to_string(static_cast<long long>(q)) + ", n_kv_head " +
         std::to_string(static_cast<long long>(kv)) + ", n_embd " + std::to_string(static_cast<long long>(h)) +
         (mlp >= 0 ? ", n_expanded_embd " + std::to_string(static_cast<long long>(mlp)) : std::string());
}

[[noreturn]] void wrong_model(const CsvTable& t, const ModelSpec& m, double q, double kv, double h, double mlp) {
  throw InputError(t.path() + ": this profile was measured for a model with " + shape_text(q, kv, h, mlp) +
                   ", but the config's model '" + m.name + "' has " +
                   shape_text(m.num_q_heads, m.num_kv_heads, m.embedding_dim, mlp >= 0 ? m.mlp_hidden_dim : -1) +
                   " (use the profile of that model, or fix cluster.replica.model)");
}

// A file of model profiles: rows are (shape columns, TP, ...). Calls `take(row)` for the rows of `model` at `tp`;
// throws if no row at all has `model`'s shape.
template <typename Take>
void for_model_rows(const CsvTable& t, const ModelSpec& m, int tp, bool mlp, Take take) {
  const auto q = t.numeric_column(mlp ? "n_head" : "n_q_head");
  const auto kv = t.numeric_column(mlp ? "n_kv_head" : "n_kv_head");
  const auto h = t.numeric_column("n_embd");
  const auto workers = t.numeric_column("num_tensor_parallel_workers");
  std::vector<double> hidden, vocab;
  std::vector<bool> gated;
  if (mlp) {
    hidden = t.numeric_column("n_expanded_embd");
    vocab = t.numeric_column("vocab_size");
    gated = bool_column(t, "use_gated_mlp");
  }
  bool model_seen = false;
  const std::vector<std::size_t> rows = unique_rows(t);
  for (std::size_t r : rows) {
    bool same = q[r] == m.num_q_heads && kv[r] == m.num_kv_heads && h[r] == m.embedding_dim;
    if (mlp) same = same && hidden[r] == m.mlp_hidden_dim && gated[r] == m.use_gated_mlp && vocab[r] == m.vocab_size;
    if (!same) continue;
    model_seen = true;
    if (workers[r] == tp) take(r);
  }
  if (!model_seen && !rows.empty()) wrong_model(t, m, q[0], kv[0], h[0], mlp ? hidden[0] : -1);
}

}  // namespace

bool is_attention_op(Op op) { return op == Op::attn_kv_cache_save || op == Op::attn_prefill || op == Op::attn_decode; }

bool is_network_op(Op op) { return op == Op::all_reduce || op == Op::send_recv; }

std::string compute_dir(const std::string& profile_dir, const std::string& device, const std::string& model) {
  return profile_dir + "/compute/" + device + "/" + model;
}

std::string network_dir(const std::string& profile_dir, const std::string& node) {
  return profile_dir + "/network/" + node;
}

PerOp<OpSamples> read_mlp_samples(const std::string& path, const ModelSpec& model, int tp) {
  PerOp<OpSamples> out;
  if (!fs::is_regular_file(path)) return out;
  const CsvTable t = CsvTable::read(path);
  const auto tokens = t.numeric_column("num_tokens");
  PerOp<std::vector<double>> targets;
  for (Op op : kMlpOps) {
    if (op == Op::post_attention_layernorm && !model.post_attn_norm) continue;
    targets[index_of(op)] = target(t, op);
    out[index_of(op)].file = path;
    out[index_of(op)].data = data_label(t, op);
  }
  for_model_rows(t, model, tp, true, [&](std::size_t r) {
    for (Op op : kMlpOps) {
      if (!targets[index_of(op)].empty()) append(out[index_of(op)], tokens[r], 0, targets[index_of(op)][r], t, r);
    }
  });
  return out;
}

PerOp<OpSamples> read_attention_samples(const std::string& path, const ModelSpec& model, int tp, int block_size) {
  PerOp<OpSamples> out;
  if (path.empty()) return out;
  const CsvTable t = CsvTable::read(path);
  const auto batch = t.numeric_column("batch_size");
  const auto chunk = t.numeric_column("prefill_chunk_size");
  const auto kv = t.numeric_column("kv_cache_size");
  const auto block = t.numeric_column("block_size");
  const auto save = target(t, Op::attn_kv_cache_save);
  const auto prefill = target(t, Op::attn_prefill);
  const auto decode = target(t, Op::attn_decode);
  for (Op op : {Op::attn_kv_cache_save, Op::attn_prefill, Op::attn_decode}) {
    out[index_of(op)].file = path;
    out[index_of(op)].data = data_label(t, op);
  }
  for_model_rows(t, model, tp, false, [&](std::size_t r) {
    if (block[r] != block_size) return;
    append(out[index_of(Op::attn_kv_cache_save)], std::max(chunk[r], batch[r]), 0, save[r], t, r);
    if (chunk[r] > 0) {
      append(out[index_of(Op::attn_prefill)], chunk[r], kv[r], prefill[r], t, r);
    } else {
      append(out[index_of(Op::attn_decode)], batch[r], kv[r], decode[r], t, r);
    }
  });
  return out;
}

PerOp<OpSamples> read_attention_profile(const std::string& dir, const ModelSpec& model, int tp, int block_size) {
  PerOp<OpSamples> out;
  for (const char* name : {kMeasuredAttention, kSyntheticAttention}) {
    if (!fs::is_regular_file(dir + "/" + name)) continue;
    out = read_attention_samples(dir + "/" + name, model, tp, block_size);
    if (!out[index_of(Op::attn_prefill)].y.empty() || !out[index_of(Op::attn_decode)].y.empty()) return out;
  }
  return out;
}

OpSamples read_network_samples(const std::string& path, Op op, int embedding_dim, int tp, bool multi_node) {
  OpSamples s;
  if (!fs::is_regular_file(path)) return s;
  const CsvTable t = CsvTable::read(path);
  s.file = path;
  s.data = "measured";
  const auto y = target(t, op);
  const auto workers = t.numeric_column("num_workers");
  const auto per_node = t.numeric_column("devices_per_node");
  const auto size = t.numeric_column("size");
  const auto collective = t.text_column("collective");
  for (std::size_t r : unique_rows(t)) {
    if (collective[r] != op_name(op)) continue;
    const bool keep = op == Op::all_reduce ? workers[r] == tp && per_node[r] == tp : per_node[r] == (multi_node ? 1 : 2);
    if (keep) append(s, size[r] / embedding_dim / 2, 0, y[r], t, r);
  }
  return s;
}

std::vector<CostSample> read_calibration_rows(const std::string& dir, Op op, bool multi_node, int tp,
                                              TableMemo& memo) {
  std::vector<std::string> files;
  if (fs::is_directory(dir)) {
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      const bool wanted = is_network_op(op) ? name == std::string(op_name(op)) + ".csv.gz"
                          : is_attention_op(op) ? name.rfind("attention.", 0) == 0
                                                : name == "mlp.csv.gz";
      if (e.is_regular_file() && wanted) files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  const auto table = [&](const std::string& path) -> const CsvTable& {
    auto it = memo.find(path);
    if (it == memo.end()) it = memo.emplace(path, CsvTable::read(path)).first;
    return it->second;
  };
  std::erase_if(files, [&](const std::string& f) { return !table(f).has_column(target_column(op)); });
  const auto measured = [](const std::string& f) { return fs::path(f).filename() == kMeasuredAttention; };
  if (is_attention_op(op) && std::any_of(files.begin(), files.end(), measured)) {
    std::erase_if(files, [&](const std::string& f) { return !measured(f); });
  }
  std::vector<CostSample> out;
  for (const std::string& path : files) {
    const CsvTable& t = table(path);
    const std::vector<double> y = target(t, op);
    const std::vector<std::size_t> rows = unique_rows(t);
    if (is_network_op(op)) {
      const auto workers = t.numeric_column("num_workers");
      const auto per_node = t.numeric_column("devices_per_node");
      const auto size = t.numeric_column("size");
      const auto collective = t.text_column("collective");
      const bool has_tp = std::any_of(rows.begin(), rows.end(), [&](std::size_t r) {
        return workers[r] == tp && per_node[r] == tp;
      });
      for (std::size_t r : rows) {
        if (collective[r] != op_name(op) || std::isnan(y[r]) || y[r] <= 0) continue;
        if (op == Op::all_reduce && (workers[r] != per_node[r] || (has_tp && workers[r] != tp))) continue;
        if (op == Op::send_recv && per_node[r] != (multi_node ? 1 : 2)) continue;
        const double n = workers[r];
        out.push_back({{0, op == Op::all_reduce ? size[r] * 2 * (n - 1) / n : size[r]}, y[r]});
      }
      continue;
    }
    const bool mlp = !is_attention_op(op);
    const auto q = t.numeric_column(mlp ? "n_head" : "n_q_head");
    const auto kv = t.numeric_column("n_kv_head");
    const auto h = t.numeric_column("n_embd");
    const auto workers_tp = t.numeric_column("num_tensor_parallel_workers");
    const auto hidden = mlp ? t.numeric_column("n_expanded_embd") : std::vector<double>(t.rows(), 0.0);
    const auto gated = mlp ? bool_column(t, "use_gated_mlp") : std::vector<bool>(t.rows(), true);
    const auto tokens = mlp ? t.numeric_column("num_tokens") : std::vector<double>{};
    const auto batch = mlp ? std::vector<double>{} : t.numeric_column("batch_size");
    const auto chunk = mlp ? std::vector<double>{} : t.numeric_column("prefill_chunk_size");
    const auto kv_size = mlp ? std::vector<double>{} : t.numeric_column("kv_cache_size");
    for (std::size_t r : rows) {
      if (std::isnan(y[r]) || y[r] <= 0) continue;
      if (op == Op::attn_prefill && chunk[r] <= 0) continue;
      if (op == Op::attn_decode && chunk[r] > 0) continue;
      const ShardShape shape = shard_shape(static_cast<int>(q[r]), static_cast<int>(kv[r]), static_cast<int>(h[r]),
                                           static_cast<int>(hidden[r]), gated[r], static_cast<int>(workers_tp[r]));
      double a = 0, b = 0;
      if (mlp) {
        a = tokens[r];
      } else if (op == Op::attn_kv_cache_save) {
        a = std::max(chunk[r], batch[r]);
      } else if (op == Op::attn_prefill) {
        a = kv_size[r];
        b = chunk[r];
      } else {
        a = batch[r];
        b = kv_size[r];
      }
      out.push_back({op_cost(op, shape, a, b), y[r]});
    }
  }
  return out;
}

}  // namespace llmsim::llm::detail
