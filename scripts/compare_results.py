#!/usr/bin/env python3
"""Compare llmsim HDF5 result files.

  compare_results.py --exact A.h5 B.h5 [C.h5 ...]   every dataset and the /summary attributes of B, C, ...
                                                    identical to A's (numbers byte for byte, strings by value)
  compare_results.py A.h5 B.h5 [--tolerance 0.01]   makespan and P50/P90/P99 of TTFT, TBT, e2e and scheduling
                                                    delay of B within the relative tolerance of A (table printed)
      [--no-scheduling-delay]                       leave scheduling delay out of the check (still printed)
Exit status 0 when the check holds, 1 otherwise.
"""
import argparse
import sys

import h5py
import numpy as np

DATASETS = ("requests", "batches", "replica_stages", "replicas", "tokens", "timeseries", "operator_times",
            "prefix_cache/replicas", "prefix_cache/requests", "pools", "predictor/operators", "kv_transfers")
METRICS = [("TTFT (s)", "prefill_e2e_time", 1e-9),
           ("TBT (s/token)", "decode_time_execution_plus_preemption_normalized", 1.0),
           ("e2e (s)", "e2e_time", 1e-9),
           ("scheduling delay (s)", "scheduling_delay", 1e-9)]


def content(f, name):
    """A dataset's rows as bytes (variable-length strings by value, not by pointer), or the /summary attributes."""
    if name == "summary":
        return repr(sorted((k, repr(v)) for k, v in f[name].attrs.items())).encode()
    rows = f[name][()]
    return repr(rows.tolist()).encode() if rows.dtype.hasobject else rows.tobytes()


def exact(paths):
    names = DATASETS + ("summary",)
    with h5py.File(paths[0], "r") as ref:
        base = {name: content(ref, name) for name in names if name in ref}
    ok = True
    for path in paths[1:]:
        with h5py.File(path, "r") as f:
            for name in base:
                if name not in f or content(f, name) != base[name]:
                    print(f"{path}: {name} differs from {paths[0]}")
                    ok = False
            print(f"{path}: num_ranks={f.attrs['num_ranks']} partition={f.attrs['partition']}")
    print("identical" if ok else "DIFFERENT")
    return 0 if ok else 1


def stats(path):
    with h5py.File(path, "r") as f:
        req = f["requests"][()]
        out = {"makespan (s)": f.attrs["makespan_ns"] * 1e-9}
    done = req[req["completed"] == 1]
    for label, col, scale in METRICS:
        for q in (50, 90, 99):
            out[f"{label} P{q}"] = float(np.percentile(done[col].astype(float) * scale, q))
    return out


def close(a_path, b_path, tolerance, scheduling_delay=True):
    a, b = stats(a_path), stats(b_path)
    worst = 0.0
    print(f"{'statistic':<28} {'A':>14} {'B':>14} {'rel. diff':>10}")
    for key in a:
        d = abs(b[key] - a[key]) / abs(a[key]) if a[key] else abs(b[key])
        checked = scheduling_delay or not key.startswith("scheduling delay")
        if checked:
            worst = max(worst, d)
        print(f"{key:<28} {a[key]:>14.6g} {b[key]:>14.6g} {d:>10.2e}{'' if checked else '  (not checked)'}")
    ok = worst <= tolerance
    print(f"largest relative difference {worst:.2e} (tolerance {tolerance}): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--tolerance", type=float, default=0.01)
    ap.add_argument("--no-scheduling-delay", action="store_true")
    args = ap.parse_args()
    if len(args.files) < 2:
        ap.error("give at least two files")
    if args.exact:
        return exact(args.files)
    return close(args.files[0], args.files[1], args.tolerance, not args.no_scheduling_delay)


if __name__ == "__main__":
    sys.exit(main())
