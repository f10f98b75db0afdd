#!/usr/bin/env python3
"""`llmsim plan` and `llmsim predict` report what a simulation uses.

  check_inspect_commands.py LLMSIM CONFIG WORKDIR [--stages N]

Runs CONFIG with a Chrome trace, then
* `llmsim plan --json`: its num_blocks equals every replica's num_blocks in the result file;
* `llmsim predict --json`: for N batch stages of the run (the first ones, all prefill, and evenly spread later ones,
  mixed and decode), the batch is rebuilt from the trace (each request's processed tokens replayed in order) and
  the predicted stage time equals the simulated one to the nanosecond.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from model_guide import replay_batches  # noqa: E402  (the same replay the guide's demonstration uses)


def run_json(cmd):
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("llmsim")
    ap.add_argument("config")
    ap.add_argument("workdir")
    ap.add_argument("--stages", type=int, default=12)
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    h5, trace = work / "run.h5", work / "run.trace.json"
    subprocess.run([args.llmsim, "-q", "-c", args.config, "-o", h5, "--chrome-trace", trace], check=True)
    problems = []

    plan = run_json([args.llmsim, "plan", "-c", args.config, "--json"])
    last_stage = run_json([args.llmsim, "--print-config", "-c", args.config])["cluster"]["pools"][0]["replica"][
        "num_pipeline_stages"] - 1
    with h5py.File(h5, "r") as f:
        blocks = f["replicas"]["num_blocks"]
        prompts = f["requests"]["num_prefill_tokens"]
    if not (blocks == plan["num_blocks"]).all():
        problems.append(f"plan num_blocks {plan['num_blocks']} != simulated {sorted(set(blocks))}")
    print(f"plan: num_blocks {plan['num_blocks']}, max_batch_size {plan['max_batch_size']}")

    events = sorted((e for e in json.load(open(trace))["traceEvents"] if e["ph"] == "X"), key=lambda e: e["ts"])
    picks = set(range(args.stages // 2)) | set(np.linspace(0, len(events) - 1, args.stages // 2, dtype=int))
    for k, (e, reqs) in enumerate(replay_batches(trace, prompts, last_stage)):
        if k not in picks:
            continue
        cmd = [args.llmsim, "predict", "-c", args.config, "--json"]
        for r, n, done in reqs:
            cmd += ["--prefill", f"{n}:{done}"] if done < prompts[r] else ["--decode", str(done)]
        predicted_ns = round(run_json(cmd)["stages"][e["tid"]]["total_time_s"] * 1e9)
        simulated_ns = round(e["dur"] * 1000)
        print(f"batch stage {k} (pipeline stage {e['tid']}): {len(reqs)} request(s), predicted {predicted_ns} ns, "
              f"simulated {simulated_ns} ns")
        if predicted_ns != simulated_ns:
            problems.append(f"batch stage {k}: predict gives {predicted_ns} ns, the simulation took {simulated_ns}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
