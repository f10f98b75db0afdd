// SPDX-License-Identifier: MIT
// ExecutionTime summation (Vidur vidur/entities/execution_time.py), left to right for bit-exactness.
#include "llmsim/llm/execution_time.hpp"

namespace llmsim::llm {

double ExecutionTime::model_time_s() const {
  const double attention_layer = attention_pre_proj + attention_post_proj + attention_rope + attention_kv_cache_save +
                                 attention_decode + attention_prefill + tensor_parallel_communication + attn_norm;
  const double mlp_layer = mlp_up_proj + mlp_down_proj + mlp_act + tensor_parallel_communication + mlp_norm;
  const double block = attention_layer + mlp_layer + add;
  return (block * num_layers + pipeline_parallel_communication) * 1e-3;
}

double ExecutionTime::stage_time_ms(Op op) const {
  double per_layer = 0;
  switch (op) {
    case Op::attn_pre_proj: per_layer = attention_pre_proj; break;
    case Op::attn_post_proj: per_layer = attention_post_proj; break;
    case Op::attn_rope: per_layer = attention_rope; break;
    case Op::attn_kv_cache_save: per_layer = attention_kv_cache_save; break;
    case Op::attn_decode: per_layer = attention_decode; break;
    case Op::attn_prefill: per_layer = attention_prefill; break;
    case Op::mlp_up_proj: per_layer = mlp_up_proj; break;
    case Op::mlp_down_proj: per_layer = mlp_down_proj; break;
    case Op::mlp_act: per_layer = mlp_act; break;
    case Op::input_layernorm: per_layer = attn_norm; break;
    case Op::post_attention_layernorm: per_layer = mlp_norm; break;
    case Op::add: per_layer = add; break;
    case Op::all_reduce: per_layer = 2 * tensor_parallel_communication; break;
    case Op::send_recv: return pipeline_parallel_communication;
  }
  return per_layer * num_layers;
}

}  // namespace llmsim::llm
