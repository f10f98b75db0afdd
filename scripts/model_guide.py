#!/usr/bin/env python3
"""Demonstrations of docs/model.md, produced by running llmsim, so the guide cannot drift from the code.

  model_guide.py BUILD_DIR --update docs/model.md   rewrite every <!-- demo:NAME --> ... <!-- /demo --> block
  model_guide.py BUILD_DIR --check docs/model.md    exit 1 if any block differs from what the code gives now

Demos (all deterministic, no timings):
  predictor   per-operator training data, model and k-fold held-out MAPE (llmsim-predictor train --json)
  capacity    P99 scheduling delay against QPS, with and without a time limit (llmsim runs)
  sqrt        prefill attention of the mixed batches of a vLLM run as one sequence of length sqrt(sum p^2) vs the
              sum of each sequence's own profiled time (llmsim run + predict --json)
  comm        the communication terms of one batch on Llama-2-70B TP4 x PP2 (llmsim predict)
  params      parameter counts of the bundled models, whole and per device (llmsim plan --json)
  plan        the memory plan of Llama-2-70B at PP 1, 2, 4 and what the request slots occupy (llmsim plan --json)
"""
import argparse
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
    def __init__(self, build, images):
        self.llmsim = str(Path(build) / "src" / "app" / "llmsim")
        self.predictor = str(Path(build) / "src" / "app" / "llmsim-predictor")
        self.images = images  # where --update writes figures (None: --check, text only)

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
    series = {0: [], 60: []}
    grid = (0.5, 1, 1.5, 2, 2.5, 3, 4, 6)
    with tempfile.TemporaryDirectory() as tmp:
        for qps in grid:
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
                series[limit].append(p99)
                cells += [str(len(done)), f"{p99:.3f}"]
                if limit == 0:
                    cells.append(str(int(r["num_restarts"].sum())))
            rows.append("| " + " | ".join(cells) + " |")
    if t.images:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6.5, 4))
        ax.plot(grid, series[0], "o-", label="whole run (200 requests)")
        ax.plot(grid, series[60], "s--", label="60 s time limit (completed requests only)")
        ax.axhline(5, color="gray", lw=0.8, ls=":", label="SLO 5 s")
        ax.set_yscale("log")
        ax.set_xlabel("QPS")
        ax.set_ylabel("P99 scheduling delay (s)")
        ax.set_title("Llama-2-7B, A100, Sarathi 512: delay against load")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(Path(t.images) / "model-capacity.png", dpi=110)
        plt.close(fig)
    return "\n".join(rows)


def replay_batches(trace_path, prompts, last_stage):
    """Yields (event, [(request, tokens this iteration, tokens processed before it)]) for every batch stage of a
    Chrome trace in time order, replaying each request's processed tokens as the simulation advances them."""
    events = json.load(open(trace_path))["traceEvents"]
    processed = {}
    for e in sorted((e for e in events if e["ph"] == "X"), key=lambda e: (e["ts"], e["pid"])):
        ids, tokens = e["args"]["request_ids"], e["args"]["num_tokens"]
        yield e, [(r, n, processed.get(r, 0)) for r, n in zip(ids, tokens)]
        if e["tid"] != last_stage:
            continue  # request state changes when the batch leaves the last stage
        for r, n in zip(ids, tokens):
            processed[r] = processed.get(r, 0) + n
            if processed[r] == prompts[r]:
                processed[r] += 1  # the prefill iteration also produces the first output token


def prefill_ms(t, prefills):
    cmd = [t.llmsim, "predict", "-c", str(PROFILED_7B), "--json"]
    for chunk, kv in prefills:
        cmd += ["--prefill", f"{chunk}:{kv}"]
    stage = t.json(*cmd)["stages"][0]
    return next(o["stage_ms"] for o in stage["operators"] if o["operator"] == "attn_prefill") / stage["layers"]


def demo_sqrt(t, max_batches=16):
    with tempfile.TemporaryDirectory() as tmp:
        h5, trace = Path(tmp) / "run.h5", Path(tmp) / "run.trace.json"
        subprocess.run([t.llmsim, "-q", "-c", str(PROFILED_7B), "-o", str(h5), "--chrome-trace", str(trace),
                        "--set", "cluster.replica_scheduler={name: vllm, batch_size_cap: 128, max_tokens_in_batch: 4096}",
                        "--set", "request_generator.num_requests=300",
                        "--set", "request_generator.length_generator={name: zipf, min_tokens: 64, max_tokens: 4096, "
                                 "theta: 0.6, prefill_to_decode_ratio: 10}",
                        "--set", "request_generator.interval_generator.qps=4"], check=True, capture_output=True)
        with h5py.File(h5, "r") as f:
            prompts = f["requests"]["num_prefill_tokens"]
        mixed = [[(n, kv) for r, n, kv in reqs if kv < prompts[r]] for _, reqs in replay_batches(trace, prompts, 0)]
    mixed = [b for b in mixed if len(b) >= 2]
    picks = [mixed[i] for i in np.linspace(0, len(mixed) - 1, min(max_batches, len(mixed)), dtype=int)]
    rows = ["| prefill chunks | sqrt(sum p^2) | one sequence (ms) | sum of sequences (ms) | error % |",
            "| --- | --- | --- | --- | --- |"]
    errors = []
    for b in picks:
        together = prefill_ms(t, b)
        apart = sum(prefill_ms(t, [p]) for p in b)
        err = 100 * (together - apart) / apart
        errors.append(err)
        rows.append(f"| {' + '.join(str(c) for c, _ in b)} | {round(np.sqrt(sum(c * c for c, _ in b)))} | "
                    f"{together:.4f} | {apart:.4f} | {err:+.1f} |")
    errors = np.array(errors)
    rows.append("")
    rows.append(f"{len(mixed)} of the run's batches hold two or more prefills; {len(picks)} spread over the run shown: "
                f"error median {np.median(errors):+.1f} %, min {errors.min():+.1f} %, max {errors.max():+.1f} % (per "
                f"layer, Llama-2-7B on A100, synthetic attention profile)")
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
    tools = Tools(args.build, guide.parent / "img" if args.update else None)
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
