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

}  // namespace llmsim::llm
