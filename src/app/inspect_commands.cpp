// SPDX-License-Identifier: MIT
// llmsim plan / predict.
#include "inspect_commands.hpp"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "llmsim/io/config_loader.hpp"
#include "llmsim/llm/memory_planner.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::app {

namespace {

using Json = nlohmann::ordered_json;
constexpr double kGiB = 1073741824.0;

constexpr std::int64_t kMaxTokens = std::int64_t{1} << 24;    // as request_generator.max_tokens
constexpr std::int64_t kMaxRequests = std::int64_t{1} << 20;  // requests in the described batch

// A whole number in [min, max] from `text`, a part of `item` given to `option` (whose syntax is `syntax`).
std::int64_t parse_count(const std::string& text, const std::string& item, const char* syntax, std::int64_t min,
                         std::int64_t max) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    throw ConfigError(std::string(syntax) + ": in '" + item + "', '" + text + "' is not a whole number from " +
                      std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

/// "A<sep>B" -> (A, B or fallback).
std::pair<std::string, std::string> split(const std::string& s, char sep, const std::string& fallback) {
  const std::size_t at = s.find(sep);
  if (at == std::string::npos) return {s, fallback};
  return {s.substr(0, at), s.substr(at + 1)};
}

/// The batch of the options: requests in the state the simulation would have them in when the stage starts.
llm::Batch make_batch(const InspectOptions& o, llm::RequestStore& store) {
  std::vector<llm::RequestId> ids;
  std::vector<std::int64_t> tokens;
  const auto add = [&](std::int64_t prompt, std::int64_t processed, std::int64_t now) {
    const auto id = static_cast<llm::RequestId>(store.size());
    llm::Request& r = store.emplace_back(id, llm::RequestSpec{0, prompt, 2});
    if (processed > 0) r.on_batch_end(0, processed);
    ids.push_back(id);
    tokens.push_back(now);
  };
  for (const std::string& p : o.prefills) {
    const auto [chunk, kv] = split(p, ':', "0");
    const std::int64_t c = parse_count(chunk, p, "--prefill CHUNK[:KV]", 1, kMaxTokens);
    const std::int64_t k = parse_count(kv, p, "--prefill CHUNK[:KV]", 0, kMaxTokens);
    add(k + c, k, c);  // prompt of k + c tokens, k already processed: this iteration prefills c
  }
  for (const std::string& d : o.decodes) {
    const auto [kv, count] = split(d, 'x', "1");
    const std::int64_t k = parse_count(kv, d, "--decode KV[xCOUNT]", 2, kMaxTokens);
    const std::int64_t n = parse_count(count, d, "--decode KV[xCOUNT]", 1, kMaxRequests - std::ssize(ids));
    for (std::int64_t i = 0; i < n; ++i) add(k - 1, k - 1, 1);  // prefill of k - 1 done (+1 first token): context k
  }
  if (ids.empty()) throw ConfigError("llmsim predict: describe a batch with --prefill CHUNK[:KV] and/or --decode KV[xCOUNT]");
  return llm::Batch(std::move(ids), std::move(tokens), store);
}

}  // namespace

int plan_command(const InspectOptions& o) {
  const llm::SimulationConfig c = io::load_config(o.config_path, o.overrides);
  const llm::PoolConfig& pool = io::select_pool(c.cluster, o.pool);
  const llm::ReplicaConfig& r = pool.replica;
  const llm::ReplicaPlan p =
      llm::plan_replica(r, pool.replica_scheduler, c.request_generator.effective_max_tokens());
  Json j{{"pool", pool.name},
         {"model", r.model.name},
         {"device", r.device.name},
         {"network_device", r.node.name},
         {"tensor_parallel_size", r.tensor_parallel_size},
         {"num_pipeline_stages", r.num_pipeline_stages},
         {"replica_scheduler", pool.replica_scheduler.name},
         {"layers_per_stage", p.layers_per_stage},
         {"q_heads_per_device", p.q_heads_per_device},
         {"kv_heads_per_device", p.kv_heads_per_device},
         {"mlp_hidden_per_device", p.mlp_hidden_per_device},
         {"params_per_device", p.params_per_device},
         {"param_bytes_per_device", p.param_bytes_per_device},
         {"available_bytes_per_device", p.available_bytes},
         {"kv_bytes_per_token_per_layer", p.kv_bytes_per_token_per_layer},
         {"max_request_tokens", p.max_request_tokens},
         {"kv_bytes_per_request", p.kv_bytes_per_request},
         {"kv_bytes_per_request_per_device", p.kv_bytes_per_request_per_device},
         {"planner_max_batch_size", p.planner_max_batch_size},
         {"request_slots", p.request_slots},
         {"max_batch_size", p.max_batch_size},
         {"micro_batch_cap", p.micro_batch_cap},
         {"block_size", p.block_size},
         {"max_blocks_per_sequence", p.max_blocks_per_sequence},
         {"num_blocks", p.num_blocks},
         {"watermark_blocks", p.watermark_blocks}};
  if (o.json) {
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%s on %s (%s), TP%d x PP%d, %s\n", r.model.name.c_str(), r.device.name.c_str(), r.node.name.c_str(),
              r.tensor_parallel_size, r.num_pipeline_stages, pool.replica_scheduler.name.c_str());
  std::printf("layout per device: %d layers per stage, %d query heads, %d KV heads, MLP hidden %d\n",
              p.layers_per_stage, p.q_heads_per_device, p.kv_heads_per_device, p.mlp_hidden_per_device);
  std::printf("memory per device: %.2f GiB usable (%.0f GB x (1 - %.2f margin)); parameters %.2f GiB (%lld)\n",
              p.available_bytes / kGiB, r.device.total_memory_gb, r.memory_margin_fraction,
              p.param_bytes_per_device / kGiB, static_cast<long long>(p.params_per_device));
  std::printf("KV cache: %lld B per token per layer per device; a request of %lld tokens: %.3f GiB over all %d "
              "layers (Vidur's planner), %.3f GiB on one stage's device\n",
              static_cast<long long>(p.kv_bytes_per_token_per_layer), static_cast<long long>(p.max_request_tokens),
              p.kv_bytes_per_request / kGiB, r.model.num_layers, p.kv_bytes_per_request_per_device / kGiB);
  std::printf("capacity: planner max batch %lld, request slots %lld (x %d stages), batch limit %lld (Orca/FT) or "
              "%lld (vLLM/Sarathi/LightLLM micro-batch)\n",
              static_cast<long long>(p.planner_max_batch_size), static_cast<long long>(p.request_slots),
              r.num_pipeline_stages, static_cast<long long>(p.max_batch_size),
              static_cast<long long>(p.micro_batch_cap));
  std::printf("KV blocks: %lld of %lld tokens (%lld per request); watermark %lld blocks\n",
              static_cast<long long>(p.num_blocks), static_cast<long long>(p.block_size),
              static_cast<long long>(p.max_blocks_per_sequence), static_cast<long long>(p.watermark_blocks));
  return 0;
}

int predict_command(const InspectOptions& o) {
  const llm::SimulationConfig c = io::load_config(o.config_path, o.overrides);
  const llm::PoolConfig& pool = io::select_pool(c.cluster, o.pool);
  const auto predictor = llm::make_execution_time_predictor(pool.predictor, pool);
  llm::RequestStore store;
  const llm::Batch batch = make_batch(o, store);
  std::vector<llm::OperatorInfo> infos = predictor->describe();
  Json stages = Json::array();
  for (int stage = 0; stage < pool.replica.num_pipeline_stages; ++stage) {
    const llm::ExecutionTime e = predictor->predict(batch, store, stage);
    llm::PerOp<std::array<double, llm::kNumSources>> by_op{};
    e.add_stage_ms(by_op);
    Json ops = Json::array();
    for (const llm::OperatorInfo& info : infos) {
      const auto i = static_cast<std::size_t>(info.op);
      const llm::Source source = e.source[i];
      ops.push_back({{"operator", llm::op_name(info.op)},
                     {"source", llm::source_name(source)},
                     {"stage_ms", by_op[i][static_cast<std::size_t>(source)]}});
    }
    stages.push_back({{"stage", stage},
                      {"layers", e.num_layers},
                      {"operators", ops},
                      {"tensor_parallel_communication_ms", e.tensor_parallel_communication},
                      {"pipeline_parallel_communication_ms", e.pipeline_parallel_communication},
                      {"model_time_s", e.model_time_s()},
                      {"total_time_s", e.total_time_s()}});
  }
  if (o.json) {
    std::printf("%s\n", Json{{"batch_size", batch.size()}, {"tokens", batch.total_num_tokens}, {"stages", stages}}
                            .dump(2)
                            .c_str());
    return 0;
  }
  std::printf("batch: %zu request(s), %lld tokens (%lld prefill, %lld decode); predictor %s\n", batch.size(),
              static_cast<long long>(batch.total_num_tokens), static_cast<long long>(batch.num_prefill_tokens),
              static_cast<long long>(batch.num_decode_tokens), pool.predictor.name.c_str());
  for (const Json& s : stages) {
    std::printf("stage %d (%d layers):\n", s["stage"].get<int>(), s["layers"].get<int>());
    for (const Json& op : s["operators"]) {
      const double ms = op["stage_ms"].get<double>();  // a 0 has no source worth naming (e.g. no decodes)
      std::printf("  %-25s %-12s %12.6f ms\n", op["operator"].get<std::string>().c_str(),
                  ms == 0 ? "-" : op["source"].get<std::string>().c_str(), ms);
    }
    std::printf("  one all-reduce (incl. NCCL launch) %.6f ms, charged twice per layer; send_recv %.6f ms\n",
                s["tensor_parallel_communication_ms"].get<double>(), s["pipeline_parallel_communication_ms"].get<double>());
    std::printf("  stage time %.9f s (model time %.9f s)\n", s["total_time_s"].get<double>(),
                s["model_time_s"].get<double>());
  }
  return 0;
}

int with_exit_codes(const std::function<int()>& command) {
  try {
    return command();
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "llmsim: config error: %s\n", e.what());
    return 2;
  } catch (const InputError& e) {
    std::fprintf(stderr, "llmsim: input error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmsim: internal error: %s\n", e.what());
    return 1;
  }
}

int run_inspect(int (*command)(const InspectOptions&), const InspectOptions& options) {
  return with_exit_codes([&] { return command(options); });
}

}  // namespace llmsim::app
