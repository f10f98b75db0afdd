# SPDX-License-Identifier: MIT
"""The robustness corpus: one line (or a few) per hostile input. Vocabulary in corpus_support.py, checks in
run_corpus.py. Unless a case says otherwise: tool llmsim on configs/examples/schedulers/vllm.yaml (2 Llama-2-7B
replicas, vLLM, LOR routing, Vidur's 7B tables), `-q --output @DIR@/out.h5` added, expected exit code 2.
`want`: a substring stderr must contain (the file or the key); "a|b" accepts either. `note`: what the case is
about; "KNOWN" marks defects known when the corpus was written (all fixed since: these cases are their
regression tests).
"""
import os

from corpus_support import (ALLREDUCE_NVLINK, ATTN_7B, MLP_7B, Node, Raw, S, big_text, billion_laughs, case, csv,
                            drop_rows, gz, gz_bad_crc, gz_bomb, gz_corrupt_middle, gz_no_trailer, gz_truncated,
                            fifo, interval_trace_config, keep_rows, lengths, long_trace, map_column, nested_lists,
                            nested_maps, profiles, replay_config, section, set_column, sweep_yaml, symlink, tables, trace)

QPS = "request_generator.interval_generator.qps"
NREQ = "request_generator.num_requests"
LG = "request_generator.length_generator"
IG = "request_generator.interval_generator"
RS = "cluster.replica_scheduler"
RT = "cluster.routing"
REP = "cluster.replica"
PRED = "execution_time_predictor"
PROFILED = "@EX@/vidur-default-7b-profiled.yaml"  # 1 replica, Sarathi, profiled predictor, 128 requests
FEW = S(NREQ, "20")


def vllm_copy(extra: str):
    """configs/examples/schedulers/vllm.yaml with absolute catalog paths, plus `extra` text appended."""
    return lambda ctx, path: open(ctx.examples + "/schedulers/vllm.yaml").read().replace("../../", "@CONFIGS@/") + extra


# ---------------------------------------------------------------------------------------------------------------
section("control")  # must succeed: proves the bases and the harness are sound
case("ok_vllm", "llmsim", FEW, expect=0)
case("ok_trace_replay", "llmsim", "", expect=0, base="@DIR@/replay.yaml",
     files={"replay.yaml": replay_config(), "trace.csv": trace("0.5,200,20", "1.0,300,5")})
case("ok_trace_replay_gz_crlf", "llmsim", "", expect=0, base="@DIR@/replay.yaml",
     files={"replay.yaml": replay_config("trace.csv.gz"), "trace.csv.gz": gz(long_trace(50).replace("\n", "\r\n"))})
case("ok_plan", "plan", "", expect=0)
case("ok_predict", "predict", "--prefill 512 --decode 2000x4", expect=0)
case("ok_predictor_train", "predictor", "train", expect=0, base=PROFILED)
case("ok_sweep_list", "sweep", "list @DIR@/s.yaml -o @DIR@/out.h5", expect=0,
     files={"s.yaml": sweep_yaml("axes:\n  qps: {key: " + QPS + ", values: [1, 2]}\n")})
case("ok_unservable_exit3", "llmsim",
     f"{FEW} {S(LG, '{name: fixed, prefill_tokens: 3000, decode_tokens: 16}')} {S(RS + '.max_tokens_in_batch', '2048')}",
     expect=3, want="could never be served", note="prompt larger than max_tokens_in_batch: exit 3, results written")

# ---------------------------------------------------------------------------------------------------------------
section("cli")  # src/app/main.cpp, sweep_main.cpp, predictor_main.cpp (CLI11), inspect_commands.cpp
case("cli_no_config", "llmsim", "", base=None, want="--config")
case("cli_local_ranks_4096_2_replicas", "llmsim", f"--local-ranks 4096 {S(RT + '.latency', '50us')} {FEW}",
     want="local-ranks", note="KNOWN: 4096 in-process ranks for 2 replicas: thread exhaustion, abort, bad_alloc")
case("cli_local_ranks_4096_no_latency", "llmsim", f"--local-ranks 4096 {FEW}", want="latency|local-ranks",
     note="latency 0 cannot run on several ranks: must be refused before 4096 threads start")
case("cli_progress_interval_nan", "llmsim", "--progress-interval nan", want="progress-interval",
     note="CLI::PositiveNumber lets NaN through")
case("cli_set_no_equals", "llmsim", "--set cluster.num_replicas", want="KEY=VALUE")
case("cli_set_empty_segment", "llmsim", S("cluster..num_replicas", "2"), want="cluster")
case("cli_set_through_scalar", "llmsim", S("cluster.num_replicas.x", "1"), want="num_replicas")
case("cli_config_is_directory", "llmsim", "--config @EX@", base=None, want="config")
case("cli_config_dev_null", "llmsim", "--config /dev/null", base=None, want="/dev/null")
case("cli_config_dev_zero", "llmsim", "--config /dev/zero", base=None, want="/dev/zero")
case("cli_output_is_directory", "llmsim", "--output @DIR@", want="--output")
case("cli_output_is_input_config", "llmsim", "--config @DIR@/c.yaml --output @DIR@/c.yaml", base=None,
     files={"c.yaml": vllm_copy("")}, want="--output")
case("cli_output_dev_null", "llmsim", "--output /dev/null", want="--output")
case("cli_chrome_trace_is_directory", "llmsim", "--chrome-trace @DIR@", want="--chrome-trace")
case("cli_csv_is_file", "llmsim", "--csv @DIR@/afile", files={"afile": "x"}, want="--csv",
     note="--csv is not checked before the run as --output is: filesystem_error (exit 1) after out.h5 is written")
case("cli_csv_under_file", "llmsim", "--csv @DIR@/afile/sub", files={"afile": "x"}, want="--csv")
case("cli_config_fifo", "llmsim", "--config @DIR@/c.yaml", base=None, files={"c.yaml": fifo()}, want="c.yaml")
case("cli_sweep_missing_job", "sweep", "run @DIR@/none.yaml", want="none.yaml")
case("cli_sweep_shard_bad", "sweep", "run @DIR@/s.yaml -o @DIR@/out.h5 --shard 3/2", want="--shard",
     files={"s.yaml": sweep_yaml("axes:\n  qps: {key: " + QPS + ", values: [1]}\n")})
case("cli_sweep_ranks_per_config_no_mpi", "sweep", "run @DIR@/s.yaml -o @DIR@/out.h5 --ranks-per-config 2",
     want="ranks-per-config", files={"s.yaml": sweep_yaml("axes:\n  qps: {key: " + QPS + ", values: [1]}\n")})
case("cli_predictor_compare_no_tables", "predictor", "compare --tables @DIR@/none", base=PROFILED, want="tables")
case("cli_predict_prefill_overflow", "predict", "--prefill 1:9223372036854775807", want="--prefill|outside",
     note="chunk + kv overflows int64 in make_batch (inspect_commands.cpp)")
case("cli_predict_decode_count_huge", "predict", "--decode 2000x1000000000", want="--decode|outside",
     note="1e9 requests are built one by one before the batch size meets the table's limit (128)")
case("cli_predict_decode_overflow", "predict", "--decode 99999999999999999999", want="--decode")

# ---------------------------------------------------------------------------------------------------------------
section("yaml")  # src/io/config/yaml_section.cpp: parse_yaml, reject_duplicate_keys, YamlSection
Y = dict(base="@DIR@/c.yaml")
case("yaml_unclosed_flow", "llmsim", "", files={"c.yaml": "cluster: {num_replicas: 2\n"}, want="c.yaml", **Y)
case("yaml_tab_indent", "llmsim", "", files={"c.yaml": "cluster:\n\tnum_replicas: 2\n"}, want="c.yaml", **Y)
case("yaml_top_level_list", "llmsim", "", files={"c.yaml": "- cluster\n- seed\n"}, want="c.yaml", **Y)
case("yaml_empty_file", "llmsim", "", files={"c.yaml": ""}, want="c.yaml", **Y)
case("yaml_binary_garbage", "llmsim", "", files={"c.yaml": bytes(range(256)) * 8}, want="c.yaml", **Y)
case("yaml_nul_bytes", "llmsim", "", files={"c.yaml": b"seed: 1\x00\x00\ncluster: {}\n"}, want="c.yaml", **Y)
case("yaml_cluster_is_list", "llmsim", S("cluster", "[1, 2]"), want="cluster")
case("yaml_replica_is_list", "llmsim", S(REP, "[a, b]"), want="replica")
case("yaml_duplicate_top_key", "llmsim", "", want="given twice", files={"c.yaml": vllm_copy("seed: 7\n")}, **Y)
case("yaml_duplicate_key_in_flow_set", "llmsim", S(RT, "{latency: 1ms, latency: 2ms}"), want="given twice")
case("yaml_duplicate_key_in_list_item", "llmsim", S("metrics", "[{a: 1, a: 2}]"), want="given twice|metrics")
case("yaml_complex_key_top", "llmsim", "", want="c.yaml", files={"c.yaml": vllm_copy("? [a, b]\n: 1\n")},
     note="YamlSection::finish calls as<std::string>() on a sequence key: yaml-cpp BadConversion, exit 1", **Y)
case("yaml_complex_key_nested", "llmsim", S(RT, "{[a, b]: 1}"), want="routing")
case("yaml_map_key_in_set", "llmsim", S("metrics", "{{x: 1}: true}"), want="metrics")
case("yaml_deep_nested_lists", "llmsim", "", files={"c.yaml": nested_lists(100000)}, want="c.yaml", **Y)
case("yaml_deep_nested_maps", "llmsim", "", files={"c.yaml": nested_maps(50000)}, want="c.yaml", **Y)
case("yaml_billion_laughs", "llmsim", "", files={"c.yaml": billion_laughs(40)}, want="c.yaml",
     note="aliases expand 2^40 times when reject_duplicate_keys walks them as a tree", **Y)
case("yaml_huge_scalar_key", "llmsim", "", files={"c.yaml": big_text(4 << 20, "k") + ": 1\n"}, want="c.yaml", **Y)
case("yaml_undefined_alias", "llmsim", "", files={"c.yaml": "seed: *nothing\n"}, want="c.yaml", **Y)
case("yaml_recursive_alias_map", "llmsim", "", files={"c.yaml": vllm_copy("a: &a\n  b: *a\n")}, want="c.yaml:",
     note="KNOWN (issue 26): an alias inside its own anchor recursed without end in check_keys (SIGSEGV)", **Y)
case("yaml_recursive_alias_list", "llmsim", "", files={"c.yaml": vllm_copy("a: &a [x, *a]\n")}, want="c.yaml:", **Y)
case("yaml_recursive_alias_in_set", "llmsim", S("metrics", "&m {x: *m}"), want="--set|metrics")

# ---------------------------------------------------------------------------------------------------------------
section("types")  # wrong types and out-of-range scalars (YamlSection::get_int/get_double/get_bool)
for key, value, tag in [
    ("cluster.num_replicas", "two", "text"), ("cluster.num_replicas", "2.5", "fraction"),
    ("cluster.num_replicas", "[2]", "list"), 
    ("cluster.num_replicas", "99999999999999999999", "int_overflow"),
    ("cluster.num_replicas", ".nan", "nan"), ("cluster.num_replicas", "16777217", "above_max"),
    (QPS, "0", "zero"), (QPS, "-1", "negative"), (QPS, ".inf", "inf"),
    (QPS, ".nan", "nan"), ("metrics.store_batch_metrics", "maybe", "text"), (RS + ".watermark_blocks_fraction", "1", "one"),
    (RS + ".num_blocks", "0", "zero"), (REP + ".memory_margin_fraction", ".nan", "nan"),
    (NREQ, "1e9", "float_form"), (PRED + ".kv_cache_prediction_granularity", "0", "zero"),
]:
    short = key.rsplit(".", 1)[-1]
    case(f"type_{short}_{tag}", "llmsim", S(key, value), want=short)

# ---------------------------------------------------------------------------------------------------------------
section("absurd")  # values a type check accepts but no run can use: overflow, huge allocation, hang
case("absurd_num_requests_1e9", "llmsim", S(NREQ, "1000000000"), want="num_requests",
     note="KNOWN: 1e9 requests are generated up front: bad_alloc or hang")
case("absurd_num_requests_int64_max", "llmsim", S(NREQ, "9223372036854775807"), want="num_requests")
case("absurd_duration_1e300", "llmsim", f"{S('request_generator.duration', '1e300')} {S(NREQ, '~')}",
     want="duration", note="generation runs until t >= duration: endless")
case("absurd_qps_tiny", "llmsim", S(QPS, "1e-300"), want="qps",
     note="gaps of 1e300 s: 'time value ... not representable' without naming the key")
case("absurd_gamma_cv_tiny", "llmsim", S(IG, "{name: gamma, qps: 1, cv: 1e-200}"), want="cv",
     note="shape 1/cv^2 = inf: NaN gaps")
case("absurd_gamma_cv_huge", "llmsim", S(IG, "{name: gamma, qps: 1, cv: 1e200}"), want="cv",
     note="shape 1/cv^2 = 0, scale inf: NaN gaps")
case("absurd_time_limit_1e300", "llmsim", S("time_limit", "1e300"), want="time_limit")
case("absurd_num_replicas_max", "llmsim", f"{S('cluster.num_replicas', '16777216')} {FEW}",
     expect=(0, 2), want="num_replicas", note="16M replicas (the documented maximum): bad_alloc; run it or refuse it")
case("absurd_total_memory_1e300", "llmsim",
     f"{S(REP + '.device', '{name: a100, fp16_tflops: 312, total_memory_gb: 1e300, memory_bandwidth_gbps: 2039}')} {FEW}",
     want="total_memory_gb", note="overflow in the memory plan: reported as 'not enough memory'")
case("absurd_model_param_overflow", "plan",
     S(REP + ".model", "{name: meta-llama/Llama-2-7b-hf, num_layers: 100000, num_q_heads: 32, num_kv_heads: 32, "
                       "embedding_dim: 9999968, mlp_hidden_dim: 10000000, vocab_size: 100000000}"),
     want="not enough memory|model", note="parameter bytes overflow int64: plan prints negative GiB, exit 0")
case("absurd_model_kv_heads_gt_q_heads", "llmsim",
     f"{S(REP + '.model', '{name: meta-llama/Llama-2-7b-hf, num_layers: 32, num_q_heads: 32, num_kv_heads: 64, embedding_dim: 4096, mlp_hidden_dim: 11008}')} {FEW}",
     want="num_kv_heads", note="grouped-query attention needs num_q_heads % num_kv_heads == 0")
case("absurd_model_kv_heads_not_dividing", "llmsim",
     f"{S(REP + '.model', '{name: meta-llama/Llama-2-7b-hf, num_layers: 32, num_q_heads: 32, num_kv_heads: 3, embedding_dim: 4096, mlp_hidden_dim: 11008}')} {FEW}",
     want="num_kv_heads")
case("absurd_zipf_max_tokens_huge", "llmsim", S(LG, "{name: zipf, min_tokens: 1, max_tokens: 1000000000000000000}"),
     want="max_tokens", note="ZipfLengths: zeta(max_tokens - min_tokens + 1) sums 1e18 terms")
case("absurd_fixed_prefill_huge", "llmsim", S(LG, "{name: fixed, prefill_tokens: 9223372036854775807}"),
     want="prefill_tokens|max_tokens", note="int64 -> double -> int64 round trip: -9223372036854775808 prefill")
case("absurd_latency_1e300s", "llmsim", f"{S(RT + '.latency', '1e300s')} {FEW}", want="latency")
case("absurd_gqa_overhead_huge", "llmsim",
     f"{S(REP + '.model', '@CONFIGS@/models/llama-3-8b.yaml')} {S(PRED + '.attention_decode_batching_overhead_fraction', '1e300')} {FEW}",
     base=PROFILED, want="attention_decode_batching_overhead_fraction", note="GQA decode stage times of 1e300 s")
case("absurd_nccl_overhead_huge", "llmsim",
     f"{S(PRED + '.nccl_cpu_launch_overhead_ms', '1e300')} {S(REP + '.tensor_parallel_size', '2')} {FEW}",
     base=PROFILED, want="nccl_cpu_launch_overhead_ms")
case("absurd_fp16_tflops_tiny", "llmsim",
     f"{S(REP + '.device', '{name: h200x, fp16_tflops: 1e-300, total_memory_gb: 141, memory_bandwidth_gbps: 4800, roofline_calibration_device: @CONFIGS@/hardware/h100.yaml}')} {FEW}",
     base=PROFILED, want="fp16_tflops", note="roofline times of 1e300 s")

# ---------------------------------------------------------------------------------------------------------------
section("routing")  # RoutingConfig (include/llmsim/llm/config.hpp) and YamlSection::get_bytes/get_bandwidth
R = f"{S('cluster.num_replicas', '2')} {FEW}"
case("routing_bandwidth_1e-300", "llmsim",
     f"{S(RT + '.bandwidth', '1e-300')} {S(RT + '.request_overhead_bytes', '1KiB')} {R}",
     want="bandwidth", note="KNOWN: transfer_time = bytes * 1e9 / 1e-300 = inf, cast to int64: abort")
case("routing_bandwidth_1bps_huge_bytes", "llmsim",
     f"{S(RT + '.bandwidth', '1bps')} {S(RT + '.request_overhead_bytes', '1e15GiB')} {R}",
     want="bandwidth|request_overhead_bytes", note="KNOWN: transfer time beyond int64 ns")
case("routing_overhead_1e300GiB", "llmsim",
     f"{S(RT + '.request_overhead_bytes', '1e300GiB')} {S(RT + '.bandwidth', '1GB/s')} {R}",
     want="request_overhead_bytes", note="KNOWN: llround(1e300 * 2^30) overflows and became 0")
case("routing_overhead_1e300GiB_no_bandwidth", "llmsim", f"{S(RT + '.request_overhead_bytes', '1e300GiB')} {R}",
     want="request_overhead_bytes", note="KNOWN: accepted as 0 bytes")
case("routing_per_token_bytes_overflow", "llmsim",
     f"{S(RT + '.request_bytes_per_prompt_token', '4000000000000000000')} {S(RT + '.bandwidth', '1GB/s')} {R}",
     want="request_bytes_per_prompt_token", note="bytes per token x prompt tokens overflows int64 in request_delay")
case("routing_load_notice_huge", "llmsim",
     f"{S(RT + '.load_notice_bytes', '9e18')} {S(RT + '.bandwidth', '1GB/s')} {S('cluster.global_scheduler.name', 'lor')} {R}",
     want="load_notice_bytes")
case("routing_bandwidth_negative", "llmsim", S(RT + ".bandwidth", "-1"), want="bandwidth")
case("routing_bandwidth_nan", "llmsim", S(RT + ".bandwidth", ".nanGB/s"), want="bandwidth")
case("routing_latency_negative", "llmsim", S(RT + ".latency", "-1ms"), want="latency")
case("routing_overhead_negative", "llmsim", S(RT + ".request_overhead_bytes", "-1KiB"), want="request_overhead_bytes")

# ---------------------------------------------------------------------------------------------------------------
section("catalog")  # model / device / network_device files (config_loader.cpp parse_model/parse_device/parse_node)
M = "@DIR@/m.yaml"
MODEL_OK = ("name: meta-llama/Llama-2-7b-hf\nnum_layers: 32\nnum_q_heads: 32\nnum_kv_heads: 32\n"
            "embedding_dim: 4096\nmlp_hidden_dim: 11008\n")
DEV = "name: x{0}\nfp16_tflops: 300\ntotal_memory_gb: 80\nmemory_bandwidth_gbps: 2000\nroofline_calibration_device: d{1}.yaml\n"
case("model_file_missing", "llmsim", S(REP + ".model", "@DIR@/nope.yaml"), want="model")
case("model_file_is_list", "llmsim", S(REP + ".model", M), files={"m.yaml": "- a\n- b\n"}, want="m.yaml")
case("model_no_name", "llmsim", S(REP + ".model", M), files={"m.yaml": MODEL_OK.split("\n", 1)[1]}, want="name")
case("model_missing_layers", "llmsim", S(REP + ".model", M),
     files={"m.yaml": MODEL_OK.replace("num_layers: 32\n", "")}, want="num_layers")
case("model_layers_zero", "llmsim", S(REP + ".model", M),
     files={"m.yaml": MODEL_OK.replace("layers: 32", "layers: 0")}, want="num_layers")
case("model_heads_not_dividing", "llmsim", S(REP + ".model", M),
     files={"m.yaml": MODEL_OK.replace("num_q_heads: 32", "num_q_heads: 30")}, want="embedding_dim")
case("model_is_directory", "llmsim", S(REP + ".model", "@CONFIGS@/models"), want="model")
case("model_symlink_loop", "llmsim", S(REP + ".model", M), files={"m.yaml": symlink("@DIR@/m.yaml")}, want="m.yaml",
     note="YamlSection::get_path: weakly_canonical throws filesystem_error (exit 1)")
case("model_fifo", "llmsim", S(REP + ".model", M), files={"m.yaml": fifo()}, want="m.yaml",
     note="load_yaml_file opens a FIFO and blocks forever")
case("device_memory_zero", "llmsim", S(REP + ".device", "{name: a100, fp16_tflops: 312, total_memory_gb: 0}"),
     want="total_memory_gb")
case("device_memory_tiny", "llmsim", S(REP + ".device", "{name: a100, fp16_tflops: 312, total_memory_gb: 1e-300}"),
     want="memory")
case("device_calibration_cycle", "llmsim", f"{S(REP + '.device', '@DIR@/d1.yaml')} {FEW}", base=PROFILED,
     files={"d1.yaml": DEV.format(1, 2), "d2.yaml": DEV.format(2, 1)}, want="roofline_calibration_device")
case("device_calibration_self", "llmsim", f"{S(REP + '.device', '@DIR@/d1.yaml')} {FEW}", base=PROFILED,
     files={"d1.yaml": DEV.format(1, 1)}, want="roofline_calibration_device")
case("node_devices_zero", "llmsim", S(REP + ".network_device", "{name: a100_pairwise_nvlink, num_devices_per_node: 0}"),
     want="num_devices_per_node")
case("node_is_scalar_garbage", "llmsim", S(REP + ".network_device", "42"), want="network_device")

# ---------------------------------------------------------------------------------------------------------------
section("scheduler")  # per-policy keys (parse_replica_scheduler, parse_lengths, parse_intervals)
case("sched_key_of_other_policy", "llmsim", S(RS + ".chunk_size", "512"), want="chunk_size")
case("sched_sarathi_chunk_zero", "llmsim", S(RS, "{name: sarathi, chunk_size: 0}"), want="chunk_size")
case("sched_lightllm_waiting_negative", "llmsim", S(RS, "{name: lightllm, block_size: 1, max_waiting_iters: -1}"),
     want="max_waiting_iters")
case("router_unknown", "llmsim", S("cluster.global_scheduler.name", "fastest"), want="global_scheduler")
case("gen_no_count_no_duration", "llmsim", S(NREQ, "~"), want="num_requests")
case("len_uniform_min_gt_max", "llmsim", S(LG, "{name: uniform, min_tokens: 600, max_tokens: 500}"), want="min_tokens")
case("len_fixed_decode_zero", "llmsim", S(LG, "{name: fixed, decode_tokens: 0}"), want="decode_tokens")
case("len_trace_missing_file", "llmsim", S(LG, "{name: trace, trace_file: @DIR@/none.csv}"), want="trace_file")
case("int_static_with_duration", "llmsim", f"{S(IG, '{name: static}')} {S('request_generator.duration', '10')}",
     want="duration")

# ---------------------------------------------------------------------------------------------------------------
section("trace")  # trace_replay CSVs (request_generator.cpp trace_replay_drafts, util/csv_table.cpp)
T = dict(base="@DIR@/replay.yaml")
TOKENS = "KNOWN: float -> int cast of trace token counts (trace_replay_drafts)"


def trace_case(name, content, want="trace.csv", file="trace.csv", generator_extra="", **kw):
    files = {"replay.yaml": replay_config(file, generator_extra), file: content}
    case(name, "llmsim", "", files=files, want=want, **T, **kw)


for value, tag in (("nan", "nan"), ("inf", "inf"), ("1e30", "1e30"), ("-5", "negative"), ("0", "zero"),
                   ("1e19", "above_int64")):
    trace_case(f"trace_prefill_{tag}", trace(f"0.5,{value},20"), note=TOKENS)
for value, tag in (("nan", "nan"), ("1e30", "1e30"), ("-5", "negative"), ("0", "zero")):
    trace_case(f"trace_decode_{tag}", trace(f"0.5,200,{value}"), note=TOKENS)
for value, tag in (("nan", "nan"), ("1e30", "1e30"), ("-0.5", "negative"), ("soon", "text")):
    trace_case(f"trace_arrival_{tag}", trace(f"{value},200,20"))
trace_case("trace_prefill_fraction", trace("0.5,100.7,20"), want="trace.csv:3: column 'num_prefill_tokens'",
           note="KNOWN (issue 26): 100.7 tokens silently became 100")
trace_case("trace_decode_fraction", trace("0.5,200,20.5"), want="trace.csv:3: column 'num_decode_tokens'")
trace_case("trace_whole_float_tokens", trace("0.5,200.0,20.0"), expect=0, want="",
           note="a token column written as floats (200.0) is whole numbers: accepted")
trace_case("trace_duplicate_column", csv("arrived_at,num_prefill_tokens,num_decode_tokens,num_prefill_tokens",
                                         "0.0,100,10,7"), want="trace.csv:1: column 'num_prefill_tokens' appears twice",
           note="KNOWN (issue 26): the first of two same-named columns was used silently")
trace_case("trace_plain_named_gz", long_trace(50), file="trace.csv.gz", want="trace.csv.gz: not gzip-compressed",
           note="KNOWN (issue 26): reported as 'no data rows' instead of naming the mislabelled file")
trace_case("trace_empty_named_gz", "", file="trace.csv.gz", want="not gzip-compressed")
trace_case("trace_missing_decode_column", csv("arrived_at,num_prefill_tokens", "0.0,100", "1.0,200"),
           want="num_decode_tokens")
trace_case("trace_header_only", csv("arrived_at,num_prefill_tokens,num_decode_tokens"),
           note="judgement: a trace without a single request gives an empty result file and exit 0")
trace_case("trace_empty_file", "")
trace_case("trace_fewer_cells", trace("0.5,200"))
trace_case("trace_non_numeric", trace("0.5,lots,20"))
trace_case("trace_unsorted", trace("5.0,200,20", "1.0,200,20"))
trace_case("trace_bom_header", "\ufeff" + trace("0.5,200,20"), expect=0, want="",
           note="a UTF-8 byte-order mark before the header is skipped (Excel writes one)")
trace_case("trace_huge_cell", trace("0.5," + big_text(8 << 20) + ",20"),
           note="the message must not echo an 8 MB cell")
trace_case("trace_binary_garbage", bytes(range(256)) * 64)
trace_case("trace_gz_truncated", gz_truncated(long_trace()), file="trace.csv.gz", want="trace.csv.gz",
           note="KNOWN: gzread's truncation error is never checked (csv_table.cpp read_all)")
trace_case("trace_gz_no_trailer", gz_no_trailer(long_trace()), file="trace.csv.gz", want="trace.csv.gz",
           note="KNOWN: truncated gzip (CRC/length trailer missing) accepted")
trace_case("trace_gz_bad_crc", gz_bad_crc(long_trace()), file="trace.csv.gz", want="trace.csv.gz")
trace_case("trace_gz_corrupt_middle", gz_corrupt_middle(long_trace()), file="trace.csv.gz", want="trace.csv.gz")
trace_case("trace_gz_bomb", gz_bomb(trace("0.5,"), ",20\n"), file="trace.csv.gz", want="trace.csv.gz",
           note="1.5 GiB cell from a 1.6 MB file: read_all inflates everything into memory (bad_alloc under 1 GiB)")
trace_case("trace_gz_header_only_bytes", gz(long_trace())[:10], file="trace.csv.gz", want="trace.csv.gz")
case("trace_dev_zero", "llmsim", S("request_generator.trace_file", "/dev/zero"), want="/dev/zero|trace_file",
     files={"replay.yaml": replay_config()}, note="KNOWN: reads /dev/zero forever (bad_alloc or hang)", **T)
case("trace_is_directory", "llmsim", S("request_generator.trace_file", "@DIR@"), want="trace_file|@DIR@",
     files={"replay.yaml": replay_config()}, **T)
case("trace_fifo", "llmsim", "", files={"replay.yaml": replay_config(), "trace.csv": fifo()}, want="trace.csv",
     note="gzopen on a FIFO blocks forever", **T)
case("trace_symlink_loop", "llmsim", "", files={"replay.yaml": replay_config(), "trace.csv": symlink("@DIR@/trace.csv")},
     want="trace.csv", note="YamlSection::get_path: weakly_canonical throws filesystem_error (exit 1)", **T)
case("trace_dev_null", "llmsim", S("request_generator.trace_file", "/dev/null"), want="/dev/null|trace_file",
     files={"replay.yaml": replay_config()}, **T)
trace_case("trace_prefill_scale_huge", trace("0.5,200,20"), generator_extra="  prefill_scale_factor: 1e300\n",
           want="prefill_scale_factor|trace.csv", note="200 x 1e300 tokens cast to int64")
trace_case("trace_time_scale_huge", trace("0.5,200,20"), generator_extra="  time_scale_factor: 1e300\n",
           want="time_scale_factor|trace.csv")
trace_case("trace_max_tokens_int64", trace("0.5,200,20"), generator_extra="  max_tokens: 9223372036854775807\n",
           expect=(0, 2), want="max_tokens", note="p + d - max_tokens must not overflow")

# --- length traces (synthetic generator, length_generator.name: trace; length_generators.cpp TraceLengths) ----
LT = S(LG, "{name: trace, trace_file: @DIR@/lengths.csv, max_tokens: 4096}")
for p, d, tag in (("nan", "10", "prefill_nan"), ("1e30", "10", "prefill_1e30"), ("-50", "10", "prefill_negative"),
                  ("100", "nan", "decode_nan"),
                  ("100", "-1e30", "decode_neg_1e30")):
    case(f"lentrace_{tag}", "llmsim", f"{LT} {FEW}", want="lengths.csv", files={"lengths.csv": lengths(f"{p},{d},10,1.0")},
         note="KNOWN: float -> int cast of token counts (TraceLengths)")
case("lentrace_fraction", "llmsim", f"{LT} {FEW}", want="lengths.csv:32: column 'num_decode_tokens'",
     files={"lengths.csv": lengths("100,10.25,110,1.0")}, note="KNOWN (issue 26): fractional token counts accepted")
case("lentrace_duplicate_column", "llmsim", f"{LT} {FEW}", want="appears twice",
     files={"lengths.csv": csv("num_prefill_tokens,num_decode_tokens,num_decode_tokens", "100,10,10")})
case("lentrace_gz_truncated", "llmsim", f"{S(LG, '{name: trace, trace_file: @DIR@/lengths.csv.gz}')} {FEW}",
     want="lengths.csv.gz",
     files={"lengths.csv.gz": gz_truncated(lengths(*[f"{200 + i},{20 + i % 7},0,0" for i in range(3000)]))},
     note="KNOWN: truncated gzip accepted")
case("lentrace_scale_huge", "llmsim",
     f"{S(LG, '{name: trace, trace_file: @DIR@/lengths.csv, decode_scale_factor: 1e300}')} {FEW}",
     want="decode_scale_factor|lengths.csv", files={"lengths.csv": lengths()})
case("lentrace_too_short", "llmsim", f"{LT} {S(NREQ, '500')}", want="ran out|num_requests",
     files={"lengths.csv": lengths()})

# --- arrival-time traces (interval_generator.name: trace; interval_generators.cpp TraceIntervals) --------------
I = dict(base="@DIR@/c.yaml")
ARR = "arrival_time"
case("arrivals_bad_timestamp", "llmsim", "", want="arrivals.csv", **I,
     files={"c.yaml": interval_trace_config(), "arrivals.csv": csv(ARR, "1970-01-04 12:00:01", "yesterday noon")})
case("arrivals_none_in_window", "llmsim", "", want="arrivals.csv", **I,
     files={"c.yaml": interval_trace_config(), "arrivals.csv": csv(ARR, "2001-01-01 00:00:00")})
case("arrivals_bad_start_time", "llmsim", S(IG + ".start_time", "noon"), want="start_time", **I,
     files={"c.yaml": interval_trace_config(), "arrivals.csv": csv(ARR, "1970-01-04 12:00:01")})
case("arrivals_time_scale_huge", "llmsim", S(IG + ".time_scale_factor", "1e300"), want="time_scale_factor|arrivals.csv",
     **I, files={"c.yaml": interval_trace_config(),
                 "arrivals.csv": csv(ARR, *[f"1970-01-04 12:00:{s:02d}" for s in range(1, 9)])})

# ---------------------------------------------------------------------------------------------------------------
section("tables")  # Vidur prediction tables (predictors/prediction_tables.cpp, vidur_table_predictor.cpp)
TB = S(PRED + ".table_dir", "@DIR@/tables")
NEG = "KNOWN: negative stage times schedule events in the past: abort"


def table_case(name, want="tables", note="", **edits):
    case(name, "llmsim", f"{TB} {FEW}", files={"tables": tables(**edits)}, want=want, note=note)


table_case("table_negative_prediction", add=set_column("prediction", "-1.0"), want="add_", note=NEG)
table_case("table_negative_some_rows", mlp_up_proj=set_column("prediction", "-500", rows=lambda i: i < 64),
           want="mlp_up_proj", note=NEG)
table_case("table_decode_negative", attn_decode=set_column("prediction", "-3"), want="attn_decode", note=NEG)
table_case("table_nan_prediction", attn_rope=set_column("prediction", "nan"), want="attn_rope")
table_case("table_huge_prediction", mlp_act=set_column("prediction", "1e300"), want="mlp_act",
           note="accepted at load; the first stage time overflows without naming the table")
table_case("table_prefill_nan", attn_prefill=set_column("prediction", "nan", rows=lambda i: i < 5000),
           want="attn_prefill")
table_case("table_truncated_gz", mlp_down_proj=Raw(gz_truncated), want="mlp_down_proj",
           note="KNOWN: truncated gzip accepted")
table_case("table_no_trailer_gz", mlp_down_proj=Raw(gz_no_trailer), want="mlp_down_proj",
           note="KNOWN: truncated gzip (no trailer) accepted")
table_case("table_missing_op", mlp_act=None, want="mlp_act")
table_case("table_two_files_for_op",
           **{"mlp_act_00000000_predictions.csv.gz": Raw(lambda _: gz("num_tokens,prediction\n1,0.1\n"))},
           want="mlp_act")
table_case("table_gap_in_tokens", add=drop_rows(10), want="add_")
table_case("table_fractional_key", add=set_column("num_tokens", "1.5", rows=lambda i: i == 0), want="add_")
table_case("table_header_only", add=keep_rows(0), want="add_")
table_case("table_short_token_table", add=keep_rows(100), want="add_|outside the prediction table",
           note="a table shorter than the manifest's grid: refused at load, or at the first look-up")
table_case("table_decode_irregular", attn_decode=drop_rows(5), want="attn_decode")
table_case("table_prefill_single_kv", attn_prefill=keep_rows(4096), want="attn_prefill")
table_case("table_missing_column", add=lambda t: t.replace("prediction", "pred", 1), want="prediction")
table_case("table_manifest_missing", manifest=None, want="manifest")
table_case("table_manifest_unknown_key", manifest=lambda t: t + "magic: 1\n", want="magic")
table_case("table_manifest_grid_zero", want="prediction_max_batch_size",
           manifest=lambda t: t.replace("prediction_max_batch_size: 128", "prediction_max_batch_size: 0"))
case("table_dir_symlink_loop", "llmsim", TB, files={"tables": symlink("@DIR@/tables")}, want="tables")
table_case("table_file_fifo", want="mlp_act", mlp_act=Node(os.mkfifo), note="gzopen on a FIFO blocks forever")
case("table_dir_is_file", "llmsim", S(PRED + ".table_dir", "@EX@/vidur-default-7b.yaml"), want="table_dir")

# ---------------------------------------------------------------------------------------------------------------
section("profiles")  # profiled predictor inputs (predictors/profile_data.cpp, train_deployment.cpp)
PF = S(PRED + ".profile_dir", "@DIR@/profiles")
UP = "time_stats.mlp_up_proj.median"


def profile_case(name, edits, want, tool="predictor", extra="", **kw):
    args = f"train {PF} {extra}" if tool == "predictor" else f"{PF} {FEW} {extra}"
    case(name, tool, args, base=PROFILED, files={"profiles": profiles(edits)}, want=want, **kw)


profile_case("profile_negative_times", {MLP_7B: set_column(UP, "-0.5")}, "mlp.csv.gz",
             note="KNOWN: negative operator times train a model predicting negative stage times")
profile_case("profile_negative_times_run", {MLP_7B: set_column(UP, "-0.5")}, "mlp.csv.gz", tool="llmsim",
             note="KNOWN: negative predictor values: 'event scheduled in the past' abort")
profile_case("profile_nan_times", {MLP_7B: set_column(UP, "nan")}, "mlp.csv.gz")
profile_case("profile_huge_times", {MLP_7B: set_column(UP, "1e300")}, "mlp.csv.gz", tool="llmsim")
profile_case("profile_decreasing_extrapolation", {MLP_7B: map_column(UP, lambda r: f"{(4100 - int(r['num_tokens'])) * 1e-3:.6f}")},
             "mlp", tool="llmsim", expect=(0, 2),
             extra=f"{S(LG, '{name: fixed, prefill_tokens: 7000, decode_tokens: 4, max_tokens: 8192}')} "
                   f"{S(RS, '{name: sarathi, chunk_size: 8192}')}",
             note="times falling with num_tokens extrapolate below 0 past the profile (8192 > 4096 tokens): "
                  "clamp or refuse, never abort")
profile_case("profile_bad_bool", {MLP_7B: set_column("use_gated_mlp", "Maybe")}, "use_gated_mlp")
profile_case("profile_missing_column", {MLP_7B: lambda t: t.replace("num_tokens", "tokens", 1)}, "num_tokens")
profile_case("profile_header_only", {MLP_7B: keep_rows(0)}, "mlp.csv.gz",
             note="judgement: an empty profile of the deployment's own model and device silently becomes roofline")
profile_case("profile_truncated_gz", {MLP_7B: Raw(lambda t: gz_truncated(t, 0.5))}, "mlp.csv.gz",
             note="KNOWN: truncated gzip accepted")
profile_case("profile_attention_negative", {ATTN_7B: set_column("time_stats.attn_prefill.median", "-1")}, "attention")
profile_case("profile_allreduce_negative", {ALLREDUCE_NVLINK: set_column("time_stats.all_reduce.median", "-1")},
             "all_reduce", tool="llmsim", extra=S(REP + ".tensor_parallel_size", "2"), note="TP2 uses all_reduce")
case("profile_dir_missing", "predictor", f"train {S(PRED + '.profile_dir', '@DIR@/none')}", base=PROFILED,
     want="profile_dir")
case("profile_dir_is_file", "predictor", f"train {S(PRED + '.profile_dir', PROFILED)}", base=PROFILED,
     want="profile_dir")
case("profile_k_fold_one", "predictor", f"train {S(PRED + '.k_fold_cv_splits', '1')}", base=PROFILED,
     want="k_fold_cv_splits")
case("profile_compare_truncated_tables", "predictor", "compare --tables @DIR@/tables", base=PROFILED,
     files={"tables": tables(add=Raw(gz_truncated))}, want="add_", note="KNOWN: truncated gzip accepted")

# ---------------------------------------------------------------------------------------------------------------
section("sweep")  # sweep files (io/config/sweep_loader.cpp load_sweep, app/sweep_commands.cpp)
AX = "axes:\n  qps: {key: " + QPS + ", values: [1, 2]}\n"
AX1 = "axes:\n  r: {key: cluster.num_replicas, values: [1]}\n"
ESCAPE = "KNOWN: the default output out/<name>.h5 escapes out/ (and the case directory gets <name>.h5.parts)"


def sweep_case(name, body, want, cmd="run", out=True, raw=None, **kw):
    text = raw if raw is not None else sweep_yaml(body)
    args = f"{cmd} @DIR@/s.yaml" + (" -o @DIR@/out.h5" if out else "")
    case(name, "sweep", args, files={"s.yaml": text}, want=want, base=None, **kw)


sweep_case("sweep_name_dotdot", "name: ../escape\n" + AX, "name", out=False, note=ESCAPE)
sweep_case("sweep_name_dotdot_deep", "name: ../../escape\n" + AX, "name", out=False, note=ESCAPE)
sweep_case("sweep_name_dotdot_only", "name: ..\n" + AX, "name", out=False, note=ESCAPE)
sweep_case("sweep_name_dotdot_inside", "name: a/../../escape\n" + AX, "name", out=False, note=ESCAPE)
sweep_case("sweep_name_dotdot_list", "name: ../escape\n" + AX, "name", cmd="list", out=False,
           note="list shows the escaping output path; should refuse the name as run must")
sweep_case("sweep_name_empty", "name: ''\n" + AX, "name", out=False, note="judgement: output out/.h5, a hidden file")
sweep_case("sweep_empty_file", None, "s.yaml", raw="")
sweep_case("sweep_no_base", None, "base", raw=AX)
sweep_case("sweep_base_missing", None, "base", raw="base: @DIR@/nope.yaml\n" + AX)
sweep_case("sweep_base_directory", None, "@EX@", raw="base: @EX@\n" + AX)
sweep_case("sweep_base_is_itself", None, "s.yaml", raw="base: s.yaml\n" + AX)
sweep_case("sweep_axes_missing", "", "axes")
sweep_case("sweep_axis_values_empty", "axes:\n  qps: {key: " + QPS + ", values: []}\n", "values")
sweep_case("sweep_axis_values_nested", "axes:\n  qps: {key: " + QPS + ", values: [[1, 2]]}\n", "values")
sweep_case("sweep_axis_keys_map_item", "axes:\n  qps: {keys: [{a: 1}], values: [1]}\n", "keys",
           note="keys items go through as<std::string>() unchecked: BadConversion, exit 1")
sweep_case("sweep_axis_key_unknown", "axes:\n  qps: {key: request_generator.qqps, values: [1]}\n", "qqps")
sweep_case("sweep_axis_key_is_list", "axes:\n  qps: {key: [a, b], values: [1]}\n", "key")
sweep_case("sweep_axis_duplicate_values", "axes:\n  qps: {key: " + QPS + ", values: [1, 1]}\n", "appears twice")
sweep_case("sweep_axis_bundle_set_map_key", "axes:\n  s:\n    values:\n      - {label: a, set: {[x]: 1}}\n", "set",
           note="set keys go through as<std::string>() unchecked: BadConversion, exit 1")
sweep_case("sweep_set_map_key", None, "set", raw="base: @EX@/schedulers/vllm.yaml\nset: {{a: 1}: 2}\n" + AX,
           note="set keys go through as<std::string>() unchecked")
sweep_case("sweep_set_is_list", None, "set", raw="base: @EX@/schedulers/vllm.yaml\nset: [1]\n" + AX)
sweep_case("sweep_exclude_everything", AX + "exclude:\n  - {qps: 1}\n  - {qps: 2}\n", "exclude")
sweep_case("sweep_exclude_unknown_axis", AX + "exclude:\n  - {rate: 1}\n", "rate")
sweep_case("sweep_exclude_reason_list", AX + "exclude:\n  - {qps: 1, reason: [a, b]}\n", "reason|exclude",
           note="reason goes through as<std::string>() unchecked: BadConversion, exit 1")
sweep_case("sweep_exclude_axis_key_map", AX + "exclude:\n  - {{q: 1}: 1}\n", "exclude",
           note="exclusion axis names go through as<std::string>() unchecked")
sweep_case("sweep_unknown_top_key", AX + "axis: {}\n", "axis")
sweep_case("sweep_same_config_twice", "axes:\n  q:\n    values:\n      - {label: a, set: {" + QPS + ": 1}}\n"
           "      - {label: b, set: {" + QPS + ": 1.0}}\n", "same config")
sweep_case("sweep_invalid_in_one_config", "axes:\n  r: {key: cluster.num_replicas, values: [1, 0]}\n", "num_replicas")
sweep_case("sweep_search_slo_negative", AX1 + "capacity_search: {slo: -1}\n", "slo")
sweep_case("sweep_search_varies_qps", AX + "capacity_search: {}\n", "capacity_search")
case("sweep_output_is_directory", "sweep", "run @DIR@/s.yaml -o @DIR@/outdir", base=None, want="outdir",
     files={"s.yaml": sweep_yaml(AX), "outdir/keep": "x"},
     note="every configuration runs (parts written), then the final rename onto the directory fails: exit 1")
case("sweep_merge_nothing_run", "sweep", "merge @DIR@/s.yaml -o @DIR@/out.h5", base=None, expect=1,
     want="not finished", files={"s.yaml": sweep_yaml(AX)},
     note="merge before any configuration ran: exit 1 (documented 'any other failure'), nothing written")

# ---------------------------------------------------------------------------------------------------------------
section("echo")  # runaway values in messages are cut (util/error.cpp shorten_long_words, app/cli_failure_message.hpp)
LONG = "x" * 10000  # issue 26: a 10,000-character name was echoed whole (the harness caps a message at 4 KiB)
case("echo_long_scheduler_name", "llmsim", S(RS + ".name", LONG), want="replica_scheduler.name")
case("echo_long_routing_name", "llmsim", S(RT + ".name", LONG), want="routing.name")
case("echo_long_key", "llmsim", S("cluster." + LONG, "1"), want="cluster")
case("echo_long_model_path", "llmsim", S(REP + ".model", LONG), want="model")
case("echo_long_seed", "llmsim", S("seed", LONG), want="seed")
case("echo_long_config_path", "llmsim", f"--config @DIR@/{LONG}.yaml", base=None, want="--config")
case("echo_long_option", "llmsim", f"--{LONG}", want="not expected")
case("echo_long_sweep_file", "sweep", f"run @DIR@/{LONG}.yaml", want="job")
case("echo_long_predictor_config", "predictor", f"train -c @DIR@/{LONG}.yaml", base=None, want="config")
case("echo_long_trace_cell", "llmsim", "", files={"replay.yaml": replay_config(), "trace.csv": trace("0.5,200," + LONG)},
     want="trace.csv:3", **T)
