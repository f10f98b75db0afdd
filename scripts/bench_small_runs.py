#!/usr/bin/env python3
"""Whole-process time of llmsim on every bundled example (the fixed cost of a small run).

Runs each config of configs/examples (and configs/examples/schedulers) --runs times on one core and prints the
minimum and median wall time. With --reference BIN the same runs are made with another llmsim
binary (e.g. a build of an earlier commit) and the two outputs are compared byte for byte.

The two large benchmarks (bench-1024-replicas-1m, bench-8192-replicas-10m) are left out: they take minutes and their
start-up cost is noise (scripts/bench_core.sh, scripts/bench_scaling.sh measure them).

Usage: scripts/bench_small_runs.py [--bin build/src/app/llmsim] [--reference OTHER_LLMSIM] [--runs 7] [--only NAME]
"""
import argparse
import filecmp
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIPPED = {"bench-1024-replicas-1m.yaml", "bench-8192-replicas-10m.yaml"}


def examples(only):
    found = sorted((ROOT / "configs/examples").glob("*.yaml")) + sorted((ROOT / "configs/examples/schedulers").glob("*.yaml"))
    return [p for p in found if p.name not in SKIPPED and (not only or only in p.stem)]


def one_core():
    return ["taskset", "-c", "0"] if shutil.which("taskset") else []


def run_once(binary, config, output):
    cmd = one_core() + [binary, "--config", str(config), "--output", str(output)]
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    return seconds


def measure(binary, config, output, runs):
    run_once(binary, config, output)  # warm-up: fills the predictor cache and the page cache
    times = [run_once(binary, config, output) for _ in range(runs)]
    return min(times), statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "build/src/app/llmsim"), help="llmsim binary to time")
    ap.add_argument("--reference", help="a second llmsim binary: timed too, and its outputs must be byte-identical")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per config after one warm-up (default 7)")
    ap.add_argument("--only", help="only configs whose name contains this")
    args = ap.parse_args()
    binaries = [("llmsim", args.bin)] + ([("reference", args.reference)] if args.reference else [])
    for _, b in binaries:
        if not os.access(b, os.X_OK):
            sys.exit(f"{b}: not an executable (build first with scripts/build.sh)")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {os.cpu_count()} cores, {cpu}; {time.strftime('%Y-%m-%d')}; min and median of {args.runs} runs, "
          f"one core{'' if one_core() else ' (no taskset: unpinned)'}")
    header = f"{'config':<48} {'min ms':>8} {'median':>8}"
    if args.reference:
        header += f" {'ref min':>8} {'ref med':>8} {'speed-up':>8}  output"
    print(header)
    differing = 0
    with tempfile.TemporaryDirectory() as tmp:
        for config in examples(args.only):
            name = str(config.relative_to(ROOT / "configs/examples"))
            outs = {label: pathlib.Path(tmp) / f"{label}-{config.stem}.h5" for label, _ in binaries}
            got = {label: measure(b, config, outs[label], args.runs) for label, b in binaries}
            line = f"{name:<48} {got['llmsim'][0] * 1e3:8.1f} {got['llmsim'][1] * 1e3:8.1f}"
            if args.reference:
                same = filecmp.cmp(outs["llmsim"], outs["reference"], shallow=False)
                differing += not same
                line += (f" {got['reference'][0] * 1e3:8.1f} {got['reference'][1] * 1e3:8.1f}"
                         f" {got['reference'][0] / got['llmsim'][0]:7.2f}x  {'identical' if same else 'DIFFERS'}")
            print(line, flush=True)
    if differing:
        sys.exit(f"{differing} output(s) differ from the reference binary's")


if __name__ == "__main__":
    main()
