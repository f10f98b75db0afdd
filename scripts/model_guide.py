#!/usr/bin/env python3
"""Demonstrations of docs/model.md, produced by running llmsim, so the guide cannot drift from the code.

  model_guide.py BUILD_DIR --update docs/model.md   rewrite every <!-- demo:NAME --> ... <!-- /demo --> block
  model_guide.py BUILD_DIR --check docs/model.md    exit 1 if any block differs from what the code gives now

Demos (all deterministic, no timings):
  predictor   per-operator training data, model and k-fold held-out MAPE (llmsim-predictor train --json)
  capacity    P99 scheduling delay against QPS, with and without a time limit (llmsim runs)
  sqrt        prefill attention of mixed batches as one sequence of length sqrt(sum p^2) vs the sum of each
              sequence's own profiled time (llmsim predict --json)
  comm        the communication terms of one batch on Llama-2-70B TP4 x PP2 (llmsim predict)
  params      parameter counts of the bundled models, whole and per device (llmsim plan --json)
  plan        the memory plan of Llama-2-70B at PP 1, 2, 4 and what the request slots occupy (llmsim plan --json)
"""
import argparse
import itertools
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "configs" / "examples"
PROFILED_7B = EX / "vidur-default-7b-profiled.yaml"
TABLE_7B = EX / "vidur-default-7b.yaml"
PROFILED_70B = EX / "llama2-70b-tp4pp2-lor-vllm-profiled.yaml"
GIB = 1024.0 ** 3


class Tools:
    def __init__(self, build):
        self.llmsim = str(Path(build) / "src" / "app" / "llmsim")
        self.predictor = str(Path(build) / "src" / "app" / "llmsim-predictor")

    def json(self, *cmd):
        return json.loads(subprocess.run(list(cmd), check=True, capture_output=True, text=True).stdout)

    def text(self, *cmd):
        return subprocess.run(list(cmd), check=True, capture_output=True, text=True).stdout


def demo_predictor(t):
    ops = t.json(t.predictor, "train", "-c", str(PROFILED_7B), "--json", "--predictor-cache", "none")
    rows = ["| operator | data | rows | held-out MAPE % | model |", "| --- | --- | --- | --- | --- |"]
    for o in ops:
        rows.append(f"| {o['operator']} | {o['data']} | {o['samples']} | {o['heldout_mape_percent']:.3f} | {o['method']} |")
    return "\n".join(rows)


def demo_capacity(t):
    rows = ["| QPS | completed (no limit) | P99 delay (s) | restarts | completed (60 s limit) | P99 delay (s) |",
            "| --- | --- | --- | --- | --- | --- |"]
    with tempfile.TemporaryDirectory() as tmp:
        for qps in (0.5, 1, 1.5, 2, 2.5, 3, 4, 6):
            cells = [f"{qps:g}"]
            for limit in (0, 60):
                out = Path(tmp) / "run.h5"
                subprocess.run([t.llmsim, "-q", "-c", str(TABLE_7B), "-o", str(out),
                                "--set", "request_generator.num_requests=200",
                                "--set", f"request_generator.interval_generator.qps={qps}",
                                "--set", f"time_limit={limit}"], check=True, capture_output=True)
                with h5py.File(out, "r") as f:
                    r = f["requests"][()]
                done = r[r["completed"] == 1]
                p99 = np.percentile(done["scheduling_delay"] / 1e9, 99)
                cells += [str(len(done)), f"{p99:.3f}"]
                if limit == 0:
                    cells.append(str(int(r["num_restarts"].sum())))
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def prefill_ms(t, chunks):
    cmd = [t.llmsim, "predict", "-c", str(PROFILED_7B), "--json"]
    for c in chunks:
        cmd += ["--prefill", str(c)]
    stage = t.json(*cmd)["stages"][0]
    return next(o["stage_ms"] for o in stage["operators"] if o["operator"] == "attn_prefill") / stage["layers"]


def demo_sqrt(t):
    sizes = (128, 512, 1024, 2048)
    batches = [list(b) for n in (2, 3) for b in itertools.combinations_with_replacement(sizes, n)
               if sum(b) <= 4096]
    single = {c: prefill_ms(t, [c]) for c in sizes}
    rows = ["| prefill chunks | sqrt(sum p^2) | one sequence (ms) | sum of sequences (ms) | error % |",
            "| --- | --- | --- | --- | --- |"]
    errors = []
    for b in batches:
        together = prefill_ms(t, b)
        apart = sum(single[c] for c in b)
        err = 100 * (together - apart) / apart
        errors.append(err)
        rows.append(f"| {' + '.join(map(str, b))} | {round(np.sqrt(sum(c * c for c in b)))} | {together:.4f} | "
                    f"{apart:.4f} | {err:+.1f} |")
    errors = np.array(errors)
    rows.append("")
    rows.append(f"{len(batches)} batches: error median {np.median(errors):+.1f} %, min {errors.min():+.1f} %, "
                f"max {errors.max():+.1f} % (per layer, Llama-2-7B A100, synthetic attention profile; llmsim's "
                f"Vidur-compatible batch model applies no GQA factor here, Llama-2-7B has none)")
    return "\n".join(rows)


def demo_comm(t):
    text = t.text(t.llmsim, "predict", "-c", str(PROFILED_70B), "--prefill", "512", "--decode", "1024x16")
    keep = [line for line in text.splitlines()
            if re.match(r"(batch:|stage|  all_reduce|  send_recv|  one all-reduce|  stage time)", line)]
    return "```\n" + "\n".join(keep) + "\n```"


def demo_params(t):
    rows = ["| model | layers | parameters counted | as fp16 (GiB) | per device at TP4 x PP2 (GiB) |",
            "| --- | --- | --- | --- | --- |"]
    for model in ("llama-2-7b", "llama-3-8b", "internlm-20b", "codellama-34b-instruct", "llama-2-70b", "qwen-72b"):
        full = t.json(t.llmsim, "plan", "-c", str(PROFILED_7B), "--json",
                      "--set", f"cluster.replica.model={ROOT}/configs/models/{model}.yaml",
                      "--set", "cluster.replica.device={name: big, fp16_tflops: 1, total_memory_gb: 100000}")
        split = t.json(t.llmsim, "plan", "-c", str(PROFILED_7B), "--json",
                       "--set", f"cluster.replica.model={ROOT}/configs/models/{model}.yaml",
                       "--set", f"cluster.replica.network_device={ROOT}/configs/hardware/a100_dgx.yaml",
                       "--set", "cluster.replica.tensor_parallel_size=4",
                       "--set", "cluster.replica.num_pipeline_stages=2")
        rows.append(f"| {full['model']} | {full['layers_per_stage']} | {full['params_per_device'] / 1e9:.2f} B | "
                    f"{full['param_bytes_per_device'] / GIB:.1f} | {split['param_bytes_per_device'] / GIB:.2f} |")
    return "\n".join(rows)


def demo_plan(t):
    rows = ["| PP | layers per stage | parameters per device (GiB) | free for KV (GiB) | KV of one request per device (GiB) | "
            "request slots | KV at full slots (GiB) | fits |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for pp in (1, 2, 4):
        p = t.json(t.llmsim, "plan", "-c", str(PROFILED_70B), "--json",
                   "--set", f"cluster.replica.num_pipeline_stages={pp}")
        free = p["available_bytes_per_device"] - p["param_bytes_per_device"]
        used = p["request_slots"] * p["kv_bytes_per_request_per_device"]
        rows.append(f"| {pp} | {p['layers_per_stage']} | {p['param_bytes_per_device'] / GIB:.2f} | {free / GIB:.2f} | "
                    f"{p['kv_bytes_per_request_per_device'] / GIB:.4f} | {p['request_slots']} | {used / GIB:.2f} | "
                    f"{'yes' if used <= free else 'NO'} |")
    return "\n".join(rows)


DEMOS = {"predictor": demo_predictor, "capacity": demo_capacity, "sqrt": demo_sqrt, "comm": demo_comm,
         "params": demo_params, "plan": demo_plan}
BLOCK = re.compile(r"(<!-- demo:(\w+) -->\n)(.*?)(<!-- /demo -->)", re.S)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--update", metavar="GUIDE")
    mode.add_argument("--check", metavar="GUIDE")
    args = ap.parse_args()
    guide = Path(args.update or args.check)
    text = guide.read_text()
    tools = Tools(args.build)
    stale = []

    def render(m):
        name = m.group(2)
        if name not in DEMOS:
            sys.exit(f"{guide}: unknown demo '{name}'; known: {', '.join(DEMOS)}")
        body = DEMOS[name](tools) + "\n"
        if body != m.group(3):
            stale.append(name)
        return m.group(1) + body + m.group(4)

    new = BLOCK.sub(render, text)
    if args.update:
        guide.write_text(new)
        print(f"updated {guide}: {', '.join(stale) or 'nothing changed'}")
        return 0
    for name in stale:
        print(f"{guide}: demo '{name}' differs from what the code gives now; run scripts/model_guide.py --update")
    print(f"{len(BLOCK.findall(text))} demos checked, {len(stale)} stale")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
