#!/usr/bin/env python3
"""Join llmsim's held-out errors with Vidur's random-forest ones, per operator, as a Markdown table.

  llmsim-predictor train -c X.yaml --json > ours.json
  scripts/predictor_accuracy_sklearn.py ... --out rf.csv
  scripts/predictor_accuracy_table.py ours.json rf.csv [--label "7B A100 TP1"] [--check]

Both sides use the same folds (row i of the filtered profile in fold i mod k) and Vidur's MAPE. With --check,
exit 1 if llmsim's error is above the forest's on any operator.
"""
import argparse
import json
import sys

import pandas as pd


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ours", help="llmsim-predictor train --json output")
    ap.add_argument("rf", help="predictor_accuracy_sklearn.py output CSV")
    ap.add_argument("--label", default="", help="deployment label for the first column")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    ours = {row["operator"]: row for row in json.load(open(args.ours))}
    rf = pd.read_csv(args.rf)
    worse = []
    print("| deployment | operator | rows | Vidur RF MAPE % (grid, best candidate) | llmsim MAPE % | llmsim model |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rf.itertuples():
        o = ours.get(r.operator)
        if o is None or o["data"] == "datasheet":  # a roofline is not trained on these rows
            continue
        mark = ""
        if o["heldout_mape_percent"] > r.rf_mape_percent:
            worse.append(r.operator)
            mark = " (higher)"
        candidate = f"{r.grid}: {r.rf_n_estimators} trees, depth {r.rf_max_depth}, split {r.rf_min_samples_split}"
        print(f"| {args.label} | {r.operator} | {r.rows} | {r.rf_mape_percent:.3f} ({candidate}) | "
              f"{o['heldout_mape_percent']:.3f}{mark} | {o['method']} |")
    if worse:
        print(f"\nllmsim's error is higher on: {', '.join(worse)}", file=sys.stderr)
    return 1 if args.check and worse else 0


if __name__ == "__main__":
    sys.exit(main())
