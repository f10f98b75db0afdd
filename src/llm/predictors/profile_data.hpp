// SPDX-License-Identifier: MIT
// Reading Vidur's profiles (predictor spec 3.2-3.4) into training rows with Vidur's filters and features (2.3,
// 3.6), and into roofline calibration rows.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/operators.hpp"
#include "llmsim/util/csv_table.hpp"
#include "roofline.hpp"

namespace llmsim::llm::detail {

/// Training rows of one operator in file order after Vidur's drop_duplicates and filters: features `a` (and `b`
/// for attention: decode (batch_size, kv_cache_size), prefill (prefill_chunk_size, kv_cache_size)) and the median
/// time in ms.
struct OpSamples {
  std::string file;
  std::string data;  ///< measured, synthetic, or absent (Vidur fills a missing column with 0)
  std::vector<double> a;
  std::vector<double> b;
  std::vector<double> y;
};

/// Where a device's profiles for a model live: <profile_dir>/compute/<device>/<model name>/.
std::string compute_dir(const std::string& profile_dir, const std::string& device, const std::string& model);
/// <profile_dir>/network/<node>/.
std::string network_dir(const std::string& profile_dir, const std::string& node);

/// The nine mlp.csv operators for `model` at tensor parallelism `tp` (absent: no file or no row at `tp`).
/// Throws InputError if the file has rows but none of `model`'s shape (a profile of another model).
PerOp<OpSamples> read_mlp_samples(const std::string& path, const ModelSpec& model, int tp);
/// attn_kv_cache_save, attn_prefill and attn_decode from an attention profile; same mismatch rule.
PerOp<OpSamples> read_attention_samples(const std::string& path, const ModelSpec& model, int tp, int block_size);
/// The attention rows of `model` at `tp` and `block_size` in the compute directory `dir`: those of the measured
/// profile (attention.csv.gz) when it has any at this TP and block size, else those of the synthetic stand-in
/// (attention.SYNTHETIC.csv.gz); none when neither has any (the roofline predicts attention then).
PerOp<OpSamples> read_attention_profile(const std::string& dir, const ModelSpec& model, int tp, int block_size);
/// all_reduce (num_workers = devices_per_node = tp) or send_recv (devices_per_node 1 across nodes, 2 inside one),
/// feature num_tokens = size / embedding_dim / 2.
OpSamples read_network_samples(const std::string& path, Op op, int embedding_dim, int tp, bool multi_node);

/// The rows of the profiles of `op` in the compute or network directory `dir` with their roofline cost, for
/// calibration: every model and TP of a compute profile (of attention, only the measured profiles when the
/// directory has any: synthetic stand-ins would teach the roofline their own errors); for all_reduce the single-node rows of `tp` workers if
/// there are any, else of every worker count.
/// Parsed profile files by path, so that calibrating several operators reads each file once.
using TableMemo = std::map<std::string, CsvTable>;
std::vector<CostSample> read_calibration_rows(const std::string& dir, Op op, bool multi_node, int tp,
                                              TableMemo& memo);

/// True for the operators profiled in attention.csv.
bool is_attention_op(Op op);
/// True for all_reduce and send_recv.
bool is_network_op(Op op);

}  // namespace llmsim::llm::detail
