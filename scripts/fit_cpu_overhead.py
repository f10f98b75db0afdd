#!/usr/bin/env python3
"""Fits the CPU-overhead terms of execution_time_predictor.cpu_overhead on the `fit` cases of a validation run.

  fit_cpu_overhead.py VALIDATION.h5 --gpu a100 --predictor profiled [--layers 80]

Reads the /cases of `llmsim validate` run with the overhead off, and searches a fixed grid (deterministic) for the
launch_per_layer_ms L, per_iteration_ms c0 and per_request_ms c1 that minimise the sum of the median |error| of
prefill_ms and decode_iteration_ms over the GPU's `fit` cases, predicting each as
max(predicted, L x layers) + c0 + c1 x batch (one batch per case, as the suite's settings are). Prints the terms and
the before/after errors of every GPU's cases with them (held-out GPUs show how the terms transfer: docs/validation.md).
The terms then go into a suite deployment's `set` or a config's execution_time_predictor.cpu_overhead, and
`llmsim validate` gives the exact figures.
"""
import argparse

import h5py
import numpy as np
import pandas as pd


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("h5")
    ap.add_argument("--gpu", required=True)
    ap.add_argument("--predictor", required=True)
    ap.add_argument("--layers", type=int, default=80)
    args = ap.parse_args()
    with h5py.File(args.h5) as f:
        c = pd.DataFrame(f["cases"][()])
    for k in c.columns:
        if c[k].dtype == object:
            c[k] = c[k].str.decode("utf-8")
    c = c[(c.predictor == args.predictor) & c.metric.isin(["prefill_ms", "decode_iteration_ms"])].copy()
    c["batch"] = c.case.str.extract(r"batch(\d+)")[0].astype(int)

    def errors(g, L, c0, c1):
        p = np.maximum(g.predicted_ms, L * args.layers) + c0 + c1 * g.batch
        return 100 * (p - g.measured_ms) / g.measured_ms

    fit = c[(c.gpu == args.gpu) & (c.role == "fit")]
    if fit.empty:
        raise SystemExit(f"no fit cases of gpu {args.gpu} and predictor {args.predictor} in {args.h5}")
    best = None
    for L in np.round(np.arange(0, 1.0001, 0.01), 2):
        for c0 in np.round(np.arange(0, 20.0001, 0.25), 2):
            for c1 in (0, 0.05, 0.1, 0.2, 0.3, 0.5):
                e = np.abs(errors(fit, L, c0, c1))
                score = sum(np.median(e[fit.metric == m]) for m in ("prefill_ms", "decode_iteration_ms"))
                if best is None or score < best[0]:
                    best = (score, L, c0, c1)
    _, L, c0, c1 = best
    print(f"launch_per_layer_ms: {L}  per_iteration_ms: {c0}  per_request_ms: {c1}  (fitted on {len(fit)} {args.gpu} cases)")
    print(f"{'gpu':5} {'role':9} {'metric':20} {'before median/P90 %':>20} {'after median/P90 %':>20}")
    for (gpu, role, metric), g in c.groupby(["gpu", "role", "metric"], sort=True):
        b, a = np.abs(g.error_percent), np.abs(errors(g, L, c0, c1))
        print(f"{gpu:5} {role:9} {metric:20} {np.median(b):9.2f} / {np.percentile(b, 90):6.2f} "
              f"{np.median(a):11.2f} / {np.percentile(a, 90):6.2f}")


if __name__ == "__main__":
    main()
