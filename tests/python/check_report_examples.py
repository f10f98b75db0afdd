#!/usr/bin/env python3
"""Check llmsim --report on every bundled example configuration.

Usage: check_report_examples.py --llmsim BIN/llmsim --examples configs/examples --workdir DIR [--jobs N]
For every YAML in configs/examples/ and configs/examples/schedulers/ except the benchmark workloads (bench-*.yaml:
benchmarks of 50k and 1M requests on 64 and 1024 replicas, far too long for a test; scripts/bench_core.sh and
bench_scaling.sh run them), runs
  llmsim --quiet --config X --set metrics.store_token_completion_metrics=true --set metrics.store_time_series=true
         --output DIR/<name>.h5 --report
(<name>: the path under configs/examples without .yaml, "/" replaced by "_") and checks:
  * exit 0; DIR/<name>.h5 is format 2 with rows in /tokens and /timeseries;
  * DIR/<name>.h5.report/index.html references exactly the PNGs of that directory, each embedded in the page, each a
    valid 1000x600 PNG (signature and IHDR read with struct); the PNGs are exactly the run figures expected for a
    file with tokens and time series (report_checks.RUN_PNGS), less the two /batches histograms when the example does
    not store batch metrics, which the page then lists as not drawn for that reason, plus the KV-cache transfers
    figure (kv_transfers.png) exactly when the file has /kv_transfers rows (the disaggregated examples);
  * the summary table (report_checks.check_run_rows, as check_report.py compares it): counts, makespan, throughputs
    and P50/P90/P99 of TTFT, TPOT, ITL, TBT, e2e and scheduling delay equal the numpy recomputation from /requests and
    /tokens and the file's /summary attributes (exact value in data-value, printed text to its last digit), the
    page shows no /summary warning, it has a Pools table (equal to /pools) exactly when the run has several
    pools (report_checks.check_pools_rows), and a KV-cache transfers table (transfers, GB moved, mean and P99 copy
    time, P99 wait for memory equal to their numpy recomputation from /kv_transfers) exactly when the run has
    /kv_transfers (report_checks.check_kv_transfers);
  * /operator_times against /replica_stages (docs/hdf5-schema.md, /operator_times): per replica, the operators' GPU
    time equals the stages' summed busy_time, and with PP > 1 every stage but the last is busy for the same time,
    the last for that less the replica's send_recv / (PP - 1) (to the nanosecond per batch stage).
The simulations take 0.1-0.4 s each; the report's matplotlib time dominates (2.4-4.6 s an example, 35 s for all 11
serially), so the examples run --jobs at a time (default 2: 17 s). Exit 0 when every check holds, 1 otherwise (every
failing example's reason is printed).
"""
import argparse
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np

from report_checks import (BATCH_PNGS, FORMAT_VERSION, KV_PNG, RUN_PNGS, TOKENS_AND_SERIES, check, check_files,
                           check_run_rows, run_checks)


def examples_of(root):
    """(name, path) of every bundled example but the benchmarks, sorted."""
    configs = sorted(root.glob("*.yaml")) + sorted((root / "schedulers").glob("*.yaml"))
    chosen = [(str(p.relative_to(root).with_suffix("")).replace("/", "_"), p)
              for p in configs if not p.name.startswith("bench-")]
    check(chosen, f"no example configuration in {root}")
    check(len({n for n, _ in chosen}) == len(chosen), f"two examples share a name: {[n for n, _ in chosen]}")
    return chosen


def simulate(llmsim, config, h5):
    """llmsim --report on one example (output and report from an earlier run removed first): (process, seconds)."""
    for stale in (h5, Path(f"{h5}.report")):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    cmd = [llmsim, "--quiet", "--config", config, *TOKENS_AND_SERIES, "--output", h5, "--report"]
    start = time.monotonic()
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    return cmd, p, time.monotonic() - start


def check_stage_times(name, f):
    """/operator_times per replica = its /replica_stages busy time; stages differ only by send_recv (PP > 1)."""
    stages = f["replica_stages"][()]
    ops = f["operator_times"][()]
    operator = np.array([o.decode() if isinstance(o, bytes) else o for o in ops["operator"]])
    for replica in np.unique(stages["replica_id"]):
        s = np.sort(stages[stages["replica_id"] == replica], order="stage_id")
        mine = ops["replica_id"] == replica
        busy = s["busy_time"].astype(np.int64)
        slack = int(s["num_batch_stages"].sum())  # ns: each batch stage's time is rounded to the nanosecond
        total_ns = ops["gpu_time_s"][mine].sum() * 1e9
        check(abs(busy.sum() - total_ns) <= slack + 1e-9 * total_ns,
              f"{name}: replica {replica}: /operator_times sums to {total_ns:.0f} ns, its stages were busy "
              f"{busy.sum()} ns")
        pp = len(s)
        if pp == 1:
            continue
        send_recv_ns = ops["gpu_time_s"][mine & (operator == "send_recv")].sum() * 1e9
        check(send_recv_ns > 0, f"{name}: replica {replica}: PP {pp} but no send_recv time")
        for k in range(pp - 1):
            extra = busy[k] - busy[-1]
            check(abs(extra - send_recv_ns / (pp - 1)) <= slack + 1e-9 * total_ns,
                  f"{name}: replica {replica}: stage {k} busy {extra} ns longer than the last stage, send_recv / "
                  f"(PP - 1) is {send_recv_ns / (pp - 1):.0f} ns")


def check_example(name, h5):
    """Every check on one example's result and report; returns the page's notes (informational ones)."""
    out = Path(f"{h5}.report")
    with h5py.File(h5, "r") as f:
        check(int(f.attrs["format_version"]) == FORMAT_VERSION,
              f"{h5}: format_version {f.attrs['format_version']}, not {FORMAT_VERSION}")
        for table in ("tokens", "timeseries"):
            check(table in f and len(f[table]) > 0, f"{h5}: no rows in /{table} although stored")
        has_batches = len(f["batches"]) > 0
        has_transfers = "kv_transfers" in f and len(f["kv_transfers"]) > 0
        check_stage_times(name, f)
    expected = (RUN_PNGS if has_batches else RUN_PNGS - BATCH_PNGS) | ({KV_PNG} if has_transfers else set())
    page = check_files(out, expected)
    pngs = {p.name for p in out.glob("*.png")}
    check(pngs == expected, f"{out}: figures {sorted(pngs)}, expected exactly {sorted(expected)}")
    if not has_batches:
        html = (out / "index.html").read_text(encoding="utf-8")
        for what in ("batch size distribution", "batch token-count distribution"):
            check(re.search(rf"<li>{what}: no /batches rows \(not stored: metrics\.store_batch_metrics is false",
                            html), f"{out}/index.html does not list '{what}' as not drawn for store_batch_metrics")
    check_run_rows(page, {name: h5})
    return page.notes


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--llmsim", "--examples", "--workdir"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--jobs", type=int, default=2, help="examples simulated and reported at a time (default 2)")
    args = ap.parse_args()
    work = Path(args.workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    examples = examples_of(Path(args.examples).resolve())
    start = time.monotonic()
    failures = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:  # each job waits on its own llmsim process
        runs = [(name, work / f"{name}.h5", pool.submit(simulate, args.llmsim, config, work / f"{name}.h5"))
                for name, config in examples]
        for name, h5, future in runs:  # checked in order while later examples still run
            cmd, p, seconds = future.result()
            try:
                check(p.returncode == 0, f"{' '.join(map(str, cmd))}: exit {p.returncode}\n{p.stdout}{p.stderr}")
                notes = check_example(name, h5)
                print(f"{name}: ok in {seconds:.1f} s" + (f" (notes: {' | '.join(notes)})" if notes else ""))
            except AssertionError as e:
                failures.append(f"{name}: {e}")
                print(f"{name}: FAILED: {e}", file=sys.stderr)
    elapsed = time.monotonic() - start
    if failures:
        print(f"check failed on {len(failures)} of {len(examples)} examples:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    print(f"llmsim --report: {len(examples)} examples checked in {elapsed:.1f} s ({args.jobs} at a time) in {work}")
    return 0


if __name__ == "__main__":
    run_checks(main)
