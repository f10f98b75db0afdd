#!/usr/bin/env python3
"""llmsim calibrate round trip: measurements made by llmsim itself with known CPU-overhead terms (written as the
per-request CSV and as a vLLM bench-serve result JSON) are calibrated from zero terms; the fit must find the terms,
its held-out error must vanish, and a run that names the written file as cpu_overhead must reproduce the
measurements exactly. Bad measurement files exit 2 naming file and column or key.

  check_calibrate.py LLMSIM REPO OUT_DIR
"""
import json
import os
import subprocess
import sys

import h5py
import pandas as pd

llmsim, repo, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
config = os.path.join(repo, "configs/examples/vidur-default-7b-profiled.yaml")
small = ["--set", "request_generator.num_requests=32"]
truth = {"per_iteration_ms": 3, "per_request_ms": 0.05}  # on the search grids


def run(args, code=0):
    p = subprocess.run([llmsim] + args, capture_output=True, text=True)
    if p.returncode != code:
        sys.exit(f"FAIL: llmsim {' '.join(args)}: exit {p.returncode}, expected {code}\n{p.stdout}\n{p.stderr}")
    return p.stdout + p.stderr


def requests(path):
    with h5py.File(path) as f:
        return pd.DataFrame(f["requests"][()])


sets = [f"--set=execution_time_predictor.cpu_overhead.{k}={v}" for k, v in truth.items()]
run(["-c", config, *small, *sets, "-o", f"{out}/truth.h5"])
d = requests(f"{out}/truth.h5")
assert len(d) == 32 and d.completed.all()
csv = pd.DataFrame({"arrival_s": d.arrived_at / 1e9, "prompt_tokens": d.num_prefill_tokens,
                    "output_tokens": d.num_decode_tokens, "ttft_ms": d.prefill_e2e_time / 1e6,
                    "e2e_ms": d.e2e_time / 1e6})
csv.to_csv(f"{out}/measured.csv", index=False, float_format="%.17g")
# The same requests as vLLM's result file: seconds, inter-token gaps that sum to the decode time.
vllm = {"request_rate": 1.0, "input_lens": csv.prompt_tokens.tolist(), "output_lens": csv.output_tokens.tolist(),
        "start_times": (1000 + csv.arrival_s).tolist(), "ttfts": (csv.ttft_ms / 1e3).tolist(),
        "itls": [[(e - t) / 1e3 / (n - 1)] * (n - 1) for t, e, n in zip(csv.ttft_ms, csv.e2e_ms, csv.output_tokens)],
        "errors": [""] * len(csv)}
with open(f"{out}/measured.json", "w") as f:
    json.dump(vllm, f)

for name in ["measured.csv", "measured.json"]:
    text = run(["calibrate", "-c", config, *small, "-m", f"{out}/{name}", "--folds", "4", "-o", f"{out}/{name}.yaml"])
    with open(f"{out}/{name}.yaml") as f:
        fitted = dict(line.split(": ") for line in f.read().splitlines() if not line.startswith("#"))
    for k, v in truth.items():
        assert float(fitted[k]) == v, (name, fitted)
    # The launch floor (32 layers x L) never exceeds these batches' model time here, so any small L fits equally:
    # the search keeps the smallest.
    assert float(fitted["launch_per_layer_ms"]) == 0, fitted
    pooled = text.split("held-out, pooled:")[1]
    before, after = pooled.split("after")
    assert float(before.split("TTFT")[1].split("%")[0]) > 5, before  # zero terms are far off
    assert float(after.split("TPOT")[1].split("%")[0]) < 0.01, after  # folds fitted without a request predict it
    print(f"ok: calibrated from {name}: {fitted}")

# The written file, named as cpu_overhead, reproduces the measured run.
run(["-c", config, *small, f"--set=execution_time_predictor.cpu_overhead={out}/measured.csv.yaml",
     "-o", f"{out}/replay.h5"])
r = requests(f"{out}/replay.h5")
for col in ["prefill_e2e_time", "e2e_time", "completed_at"]:
    assert (r[col] == d[col]).all(), col
print("ok: the calibration file replays the measurements")

# Bad measurement files: exit 2 naming the file and what is wrong.
bad = csv.copy()
bad["prompt_tokens"] = bad["prompt_tokens"].astype(float)
bad.loc[3, "prompt_tokens"] = 100.7
bad.to_csv(f"{out}/fractional.csv", index=False)
msg = run(["calibrate", "-c", config, "-m", f"{out}/fractional.csv"], code=2)
assert "fractional.csv:5: column 'prompt_tokens': 100.7 is not a token count" in msg, msg
del vllm["start_times"]
with open(f"{out}/no_arrivals.json", "w") as f:
    json.dump(vllm, f)
msg = run(["calibrate", "-c", config, "-m", f"{out}/no_arrivals.json"], code=2)
assert "no 'start_times' and request_rate 1.0" in msg, msg
vllm["max_concurrency"] = 4
vllm["request_rate"] = "inf"
with open(f"{out}/closed_loop.json", "w") as f:
    json.dump(vllm, f)
msg = run(["calibrate", "-c", config, "-m", f"{out}/closed_loop.json"], code=2)
assert "key 'max_concurrency'" in msg, msg
print("calibrate: all ok")
