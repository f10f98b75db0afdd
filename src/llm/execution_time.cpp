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

void ExecutionTime::add_stage_ms(PerOp<std::array<double, kNumSources>>& acc) const {
  const auto layers = static_cast<double>(num_layers);
  const auto put = [&](Op op, double ms) {
    acc[static_cast<std::size_t>(op)][static_cast<std::size_t>(source[static_cast<std::size_t>(op)])] += ms;
  };
  put(Op::attn_pre_proj, attention_pre_proj * layers);
  put(Op::attn_post_proj, attention_post_proj * layers);
  put(Op::attn_rope, attention_rope * layers);
  put(Op::attn_kv_cache_save, attention_kv_cache_save * layers);
  put(Op::attn_decode, attention_decode * layers);
  put(Op::attn_prefill, attention_prefill * layers);
  put(Op::mlp_up_proj, mlp_up_proj * layers);
  put(Op::mlp_down_proj, mlp_down_proj * layers);
  put(Op::mlp_act, mlp_act * layers);
  put(Op::input_layernorm, attn_norm * layers);
  put(Op::post_attention_layernorm, mlp_norm * layers);
  put(Op::add, this->add * layers);
  put(Op::all_reduce, 2 * tensor_parallel_communication * layers);
  put(Op::send_recv, pipeline_parallel_communication);
}

}  // namespace llmsim::llm
