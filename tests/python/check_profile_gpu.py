#!/usr/bin/env python3
"""scripts/profile_gpu.py round trip on the CPU, with tiny shapes: it profiles a 2-layer model at TP1 and TP2, its
files carry only columns Vidur's bundled profiles have, one row per grid point, and llmsim trains every profiled
operator from exactly those rows ('measured', sample counts, domains), predicts from them (source 'profile', the
time of a profiled point near its measured median) and runs a simulation on them. Bad arguments exit 2.

  check_profile_gpu.py LLMSIM LLMSIM_PREDICTOR REPO OUT_DIR
"""
import gzip
import json
import os
import shutil
import subprocess
import sys

import pandas as pd

llmsim, predictor, repo, out = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
profiler = os.path.join(repo, "scripts/profile_gpu.py")
model = os.path.join(out, "tiny.yaml")
with open(model, "w") as f:
    f.write("name: test/tiny-llama\nnum_layers: 2\nnum_q_heads: 4\nnum_kv_heads: 2\nembedding_dim: 64\n"
            "mlp_hidden_dim: 128\nmax_position_embeddings: 256\nuse_gated_mlp: true\nvocab_size: 512\n"
            "post_attn_norm: true\n")
TOKENS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48, 64]
CHUNKS, BATCHES, KV_STEP, MAX_LEN = [16, 32, 64], [1, 2, 4], 32, 256


def run(cmd, code=0):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != code:
        sys.exit(f"FAIL: {' '.join(cmd)}: exit {p.returncode}, expected {code}\n{p.stdout}\n{p.stderr}")
    return p.stdout, p.stderr


grid = ["--tokens", *map(str, TOKENS), "--chunks", *map(str, CHUNKS), "--batch-sizes", *map(str, BATCHES),
        "--kv-step", str(KV_STEP), "--max-model-len", str(MAX_LEN), "--repeats", "7", "--warmup", "2"]
_, log = run([sys.executable, profiler, "--model", model, "--device-name", "cpu-tiny", "--tp", "1", "2",
              "--device", "cpu", "--out", f"{out}/profiles", *grid])
assert "wrote 26 linear-operator rows" in log, log
folder = f"{out}/profiles/compute/cpu-tiny/test/tiny-llama"
mlp = pd.read_csv(f"{folder}/mlp.csv.gz")
attn = pd.read_csv(f"{folder}/attention.csv.gz")


def header(path):
    with gzip.open(path, "rt") as f:
        return set(f.readline().strip().split(","))


# Only columns Vidur's own profiles have (llmsim reads those by name).
vidur = os.path.join(repo, "configs/profiles/compute/a100/meta-llama")
vidur_mlp = header(f"{vidur}/Llama-2-7b-hf/mlp.csv.gz")
vidur_attn = set().union(*(header(os.path.join(d, f)) for d, _, files in os.walk(vidur) for f in files
                           if f.startswith("attention")))
assert set(mlp.columns) <= vidur_mlp, set(mlp.columns) - vidur_mlp
assert set(attn.columns) <= vidur_attn, set(attn.columns) - vidur_attn

# One row per grid point and TP; timings in ms, ordered statistics.
prefill_points = [(c, kv) for c in CHUNKS for kv in range(0, MAX_LEN - c + 1, KV_STEP)]
decode_points = [(b, kv) for kv in range(KV_STEP, MAX_LEN + 1, KV_STEP) for b in BATCHES]
assert len(mlp) == 2 * len(TOKENS) and sorted(mlp.num_tokens.unique()) == TOKENS
assert len(attn) == 2 * (len(prefill_points) + len(decode_points)), len(attn)
assert (mlp.n_head == 4).all() and (mlp.n_kv_head == 2).all() and (mlp.n_embd == 64).all()
for frame, ops in ((mlp, ["attn_pre_proj", "mlp_up_proj", "add", "input_layernorm"]),
                   (attn, ["attn_prefill", "attn_decode", "attn_kv_cache_save"])):
    for op in ops:
        s = frame[[f"time_stats.{op}.{k}" for k in ("min", "median", "max", "std")]].dropna()
        s.columns = ["min", "median", "max", "std"]
        assert len(s) > 0 and (s["min"] > 0).all() and (s["min"] <= s["median"]).all(), op
        assert (s["median"] <= s["max"]).all() and (s["std"] >= 0).all() and (s["max"] < 1000).all(), op
assert attn[attn.is_prefill].prefill_chunk_size.gt(0).all() and attn[~attn.is_prefill].prefill_chunk_size.eq(0).all()

# TP2's all-reduce comes from a network profile: the bundled A100 node's, next to the new compute profile.
shutil.copytree(os.path.join(repo, "configs/profiles/network/a100_pairwise_nvlink"),
                f"{out}/profiles/network/a100_pairwise_nvlink")
config = f"{out}/run.yaml"
with open(config, "w") as f:
    f.write(f"""seed: 1
cluster:
  num_replicas: 1
  replica:
    model: {model}
    device: {{name: cpu-tiny, fp16_tflops: 1, total_memory_gb: 16, memory_bandwidth_gbps: 50}}
    network_device: {repo}/configs/hardware/a100_pairwise_nvlink.yaml
    tensor_parallel_size: 1
    num_pipeline_stages: 1
  replica_scheduler: {{name: sarathi, chunk_size: 64, batch_size_cap: 4, block_size: 16}}
request_generator:
  name: synthetic
  num_requests: 4
  length_generator: {{name: fixed, prefill_tokens: 32, decode_tokens: 8, max_tokens: 256}}
  interval_generator: {{name: poisson, qps: 10}}
execution_time_predictor: {{name: profiled, profile_dir: {out}/profiles}}
""")
expected = {"attn_prefill": len(prefill_points), "attn_decode": len(decode_points),
            "attn_kv_cache_save": len(prefill_points) + len(decode_points)}
for tp in (1, 2):
    tp_set = ["--set", f"cluster.replica.tensor_parallel_size={tp}"]
    stdout, _ = run([predictor, "train", "-c", config, *tp_set, "--predictor-cache", "none", "--json"])
    trained = {o["operator"]: o for o in json.loads(stdout)}
    for op in ["attn_pre_proj", "attn_post_proj", "attn_rope", "mlp_up_proj", "mlp_down_proj", "mlp_act",
               "input_layernorm", "post_attention_layernorm", "add", *expected]:
        o = trained[op]
        assert o["data"] == "measured", (tp, o)
        assert os.path.dirname(o["file"]) == folder, (tp, o)
        assert o["samples"] == expected.get(op, len(TOKENS)), (tp, o)
    assert trained["attn_decode"]["domain"].startswith(f"batch_size 1..4 x kv_cache_size 32..{MAX_LEN}"), trained
    # A batch of 40 tokens (a profiled count) and its linear operators' time per layer.
    stdout, _ = run([llmsim, "predict", "-c", config, *tp_set, "--prefill", "40", "--json"])
    stage = json.loads(stdout)["stages"][0]
    times = {o["operator"]: o for o in stage["operators"]}
    row = mlp[(mlp.num_tensor_parallel_workers == tp) & (mlp.num_tokens == 40)].iloc[0]
    for op in ["attn_pre_proj", "mlp_up_proj", "mlp_down_proj", "attn_prefill", "input_layernorm"]:
        assert times[op]["source"] == "profile", (tp, times[op])
    for op in ["attn_pre_proj", "mlp_up_proj", "mlp_down_proj"]:
        per_layer = times[op]["stage_ms"] / stage["layers"]
        measured = row[f"time_stats.{op}.median"]
        assert 0.5 < per_layer / measured < 2, (tp, op, per_layer, measured)
run([llmsim, "-c", config, "-o", f"{out}/run.h5"])

# Bad arguments: exit 2 naming the problem.
bad_model = f"{out}/bad.yaml"
with open(bad_model, "w") as f:
    f.write("name: x\nnum_q_heads: 4\n")
_, err = run([sys.executable, profiler, "--model", bad_model, "--device-name", "x"], code=2)
assert "missing key(s) num_kv_heads" in err, err
_, err = run([sys.executable, profiler, "--model", model, "--device-name", "x", "--tp", "3", "--device", "cpu",
              *grid], code=2)
assert "--tp 3" in err, err
_, err = run([sys.executable, profiler, "--model", model, "--device-name", "x", "--chunks", "512",
              "--max-model-len", "256"], code=2)
assert "no --chunks value" in err, err
print("profile_gpu round trip: OK")
