#!/usr/bin/env python3
"""Check the predictor provenance of an llmsim result file (/predictor).

  check_provenance.py RUN.h5 [--source table] [--min-extrapolated 0.001] [--summary SUMMARY.txt]

Checks that /predictor/operators has one row per operator with its data, method and held-out error; that the
simulated GPU time per source adds up to the shares in the group's attributes (which sum to 1); with --source,
that every operator's time came from that source only; with --min-extrapolated, that at least that share was
extrapolated; with --summary, that the printed summary reports the same shares.
"""
import argparse
import sys

import h5py
import pandas as pd

SOURCES = ("table", "profile", "extrapolated", "roofline")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--source", choices=SOURCES)
    ap.add_argument("--min-extrapolated", type=float)
    ap.add_argument("--summary")
    args = ap.parse_args()
    with h5py.File(args.file, "r") as f:
        ops = pd.DataFrame(f["predictor/operators"][()])
        shares = {s: float(f["predictor"].attrs[f"share_{s}"]) for s in SOURCES}
    ops["operator"] = ops["operator"].str.decode("utf-8")
    problems = []
    if len(ops) < 12 or ops["operator"].duplicated().any():
        problems.append(f"expected one row per operator (at least 12), got {list(ops['operator'])}")
    totals = {s: ops[f"gpu_time_s_{s}"].sum() for s in SOURCES}
    total = sum(totals.values())
    if total <= 0:
        problems.append("no simulated GPU time recorded")
    for s in SOURCES:
        if abs(totals[s] / total - shares[s]) > 1e-9:
            problems.append(f"share_{s} = {shares[s]} but the operator rows give {totals[s] / total}")
    if abs(sum(shares.values()) - 1) > 1e-9:
        problems.append(f"shares sum to {sum(shares.values())}")
    if abs(ops["share_of_gpu_time"].sum() - 1) > 1e-9:
        problems.append("share_of_gpu_time does not sum to 1")
    if (ops["heldout_mape_percent"] < 0).any() and args.source != "table":
        problems.append("an operator has no held-out error")
    if args.source and shares[args.source] != 1.0:
        problems.append(f"expected every prediction from '{args.source}', shares are {shares}")
    if args.min_extrapolated is not None and shares["extrapolated"] < args.min_extrapolated:
        problems.append(f"extrapolated share {shares['extrapolated']} < {args.min_extrapolated}")
    if args.summary:
        text = open(args.summary).read()
        for s in SOURCES:
            if shares[s] > 0 and f"{s} {100 * shares[s]:.1f} %" not in text:
                problems.append(f"the summary does not report '{s} {100 * shares[s]:.1f} %'")
    print(ops[["operator", "data", "heldout_mape_percent", "share_of_gpu_time"]].to_string(index=False))
    print("shares:", {s: round(v, 6) for s, v in shares.items()})
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
