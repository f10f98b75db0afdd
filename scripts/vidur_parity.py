#!/usr/bin/env python3
"""Compare an llmsim HDF5 result with a Vidur run (request_metrics.csv + summary.json).

Prints makespan and P50/P90/P99 of TTFT, TBT, e2e and scheduling delay for both, their relative
differences, and the largest per-request difference. Exits 1 if any compared statistic differs by
more than --tolerance (relative), so it can serve as a test.

Usage: vidur_parity.py RESULTS.h5 VIDUR_RUN_DIR [--tolerance 0.02]
"""
import argparse
import csv
import json
import os
import sys

import h5py
import numpy as np

# (label, Vidur request_metrics.csv column, llmsim /requests field, scale of the llmsim field to seconds)
METRICS = [
    ("TTFT (s)", "prefill_e2e_time", "prefill_e2e_time", 1e-9),
    ("TBT (s/token)", "decode_time_execution_plus_preemption_normalized",
     "decode_time_execution_plus_preemption_normalized", 1.0),
    ("e2e (s)", "request_e2e_time", "e2e_time", 1e-9),
    ("scheduling delay (s)", "request_scheduling_delay", "scheduling_delay", 1e-9),
]
QUANTILES = (50, 90, 99)


def load_vidur(run_dir):
    with open(os.path.join(run_dir, "request_metrics.csv"), newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["Request Id"]))
    with open(os.path.join(run_dir, "summary.json")) as f:
        makespan = json.load(f)["makespan_s"]
    cols = {m[1]: np.array([float(r[m[1]]) for r in rows]) for m in METRICS}
    return makespan, cols


def load_ours(path):
    with h5py.File(path, "r") as f:
        req = f["requests"][()]
        makespan = f.attrs["makespan_ns"] * 1e-9
    done = req["completed"] == 1
    if not done.all():
        sys.exit(f"{path}: {int((~done).sum())} requests did not complete")
    return makespan, {m[2]: req[m[2]].astype(float) * m[3] for m in METRICS}


def rel(a, b):
    return abs(a - b) / abs(b) if b != 0 else (0.0 if a == 0 else float("inf"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("vidur_run_dir")
    ap.add_argument("--tolerance", type=float, default=0.02)
    args = ap.parse_args()
    v_makespan, vidur = load_vidur(args.vidur_run_dir)
    o_makespan, ours = load_ours(args.results)
    worst = rel(o_makespan, v_makespan)
    print(f"{'statistic':<30} {'Vidur':>14} {'llmsim':>14} {'rel. diff':>10}")
    print(f"{'makespan (s)':<30} {v_makespan:>14.6f} {o_makespan:>14.6f} {worst:>10.2e}")
    for label, vcol, ocol, _ in METRICS:
        v, o = vidur[vcol], ours[ocol]
        if len(v) != len(o):
            sys.exit(f"request counts differ: Vidur {len(v)}, llmsim {len(o)}")
        for q in QUANTILES:
            vq, oq = np.percentile(v, q), np.percentile(o, q)
            d = rel(oq, vq)
            worst = max(worst, d)
            print(f"{label + f' P{q}':<30} {vq:>14.6g} {oq:>14.6g} {d:>10.2e}")
        print(f"{label + ' max per-request |diff|':<30} {np.max(np.abs(v - o)):>14.3g}")
    ok = worst <= args.tolerance
    print(f"largest relative difference {worst:.2e} (tolerance {args.tolerance}): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
