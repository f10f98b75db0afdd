// SPDX-License-Identifier: MIT
// Operator and prediction-source names.
#include "llmsim/llm/operators.hpp"

namespace llmsim::llm {

namespace {

constexpr std::array<const char*, kNumOps> kOpNames = {
    "attn_pre_proj", "attn_post_proj", "attn_rope",       "attn_kv_cache_save",       "attn_decode",
    "attn_prefill",  "mlp_up_proj",    "mlp_down_proj",   "mlp_act",                  "input_layernorm",
    "post_attention_layernorm",        "add",             "all_reduce",               "send_recv"};
constexpr std::array<const char*, kNumSources> kSourceNames = {"table", "profile", "extrapolated", "roofline"};

}  // namespace

const char* op_name(Op op) { return kOpNames[static_cast<std::size_t>(op)]; }

const char* source_name(Source source) { return kSourceNames[static_cast<std::size_t>(source)]; }

}  // namespace llmsim::llm
