#!/usr/bin/env python3
"""Plots from an llmsim-sweep HDF5 file (h5py + pandas + matplotlib).

  plot_sweep.py SWEEP.h5 [--out DIR] [--max-curves N]

Writes into DIR (default: SWEEP.h5 without .h5, plus "-plots"):
  latency_cdfs.png     CDFs of TTFT, TBT and end-to-end latency over completed requests, one curve per
                       configuration (the N with the lowest median TTFT when there are more)
  capacity_pareto.png  capacity (QPS under the SLO) against cost per hour, Pareto frontier highlighted, and
                       QPS per dollar per configuration (only for sweeps with a capacity search)
  summary.csv          the /summary table
Reads format_version 1 and 2 sweep files (docs/hdf5-schema.md); a newer or unknown version is read with a warning.
Exit 2 for a missing, non-HDF5 or run (not sweep) file.
"""
import argparse
import sys
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report.metrics import pareto_mask  # noqa: E402  (one definition of the frontier for both plotters)
from report.results import (LayoutError, decode as decode_value, format_check, format_version_of,  # noqa: E402
                            kind_of, open_file)  # one format policy and one layout test for every reader

METRICS = [("TTFT (s)", "prefill_e2e_time", 1e-9),
           ("TBT (ms per output token)", "decode_time_execution_plus_preemption_normalized", 1e3),
           ("end-to-end latency (s)", "e2e_time", 1e-9)]


def decode(frame):
    """HDF5 strings arrive as bytes (fixed-length ones in format 1, variable-length ones in format 2); make them str."""
    for col in frame.columns:
        if frame[col].dtype == object and len(frame) and isinstance(frame[col].iloc[0], bytes):
            frame[col] = [decode_value(v) for v in frame[col]]
    return frame


def latency_cdfs(f, summary, out, max_curves):
    chosen = summary.sort_values("ttft_p50_s").head(max_curves)
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    colors = plt.get_cmap("tab20")
    for k, (_, row) in enumerate(chosen.iterrows()):
        req = pd.DataFrame(f["configs"][row["id"]]["requests"][()])
        req = req[req["completed"] == 1]
        for ax, (title, col, scale) in zip(axes, METRICS):
            values = np.sort(req[col].to_numpy() * scale)
            ax.plot(values, np.arange(1, len(values) + 1) / len(values), label=row["label"], color=colors(k % 20))
    for ax, (title, _, _) in zip(axes, METRICS):
        ax.set_xlabel(title)
        ax.set_ylabel("fraction of requests")
        ax.grid(alpha=0.3)
    axes[0].set_xscale("symlog", linthresh=0.1)
    axes[2].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{f.attrs['sweep_name']}: latency CDFs ({len(chosen)} of {len(summary)} configurations)")
    fig.tight_layout()
    fig.savefig(out / "latency_cdfs.png", dpi=120)
    plt.close(fig)


def capacity_pareto(f, summary, out, max_bars):
    found = summary[summary["capacity_found"] == 1].copy()
    if found.empty:
        print("no capacity results (no capacity_search, or no configuration met the SLO): skipping capacity_pareto.png")
        return
    cost = found["cost_per_hour"].to_numpy()
    capacity = found["capacity_qps"].to_numpy()
    frontier = pareto_mask(cost, capacity)
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 5.5))
    left.scatter(cost, capacity, color="tab:blue", label="configurations")
    order = np.argsort(cost[frontier])
    left.plot(cost[frontier][order], capacity[frontier][order], "o-", color="tab:orange", label="Pareto frontier")
    labels = {}  # configurations tied on the frontier share one annotation
    for c, q, label in zip(cost[frontier], capacity[frontier], found["label"][frontier]):
        labels.setdefault((c, q), []).append(label)
    for (c, q), names in labels.items():
        left.annotate("\n".join(names), (c, q), fontsize=7, xytext=(4, -4), textcoords="offset points", va="top")
    left.set_xlabel("cost ($ per hour: GPUs x price)")
    left.set_ylabel("capacity (QPS meeting the SLO)")
    left.grid(alpha=0.3)
    left.legend()
    ranked = found.sort_values("qps_per_dollar").tail(max_bars)
    right.barh(ranked["label"], ranked["qps_per_dollar"], color="tab:green")
    right.set_xlabel("QPS per $/hour")
    if len(found) > max_bars:
        right.set_title(f"best {max_bars} of {len(found)} configurations", fontsize=9)
    right.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"{f.attrs['sweep_name']}: capacity vs cost")
    fig.tight_layout()
    fig.savefig(out / "capacity_pareto.png", dpi=120)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep_file")
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--max-curves", type=int, default=12)
    ap.add_argument("--max-bars", type=int, default=25, help="configurations in the QPS-per-dollar ranking")
    args = ap.parse_args()
    out = Path(args.out or str(Path(args.sweep_file).with_suffix("")) + "-plots")
    try:
        f = open_file(args.sweep_file)
        with f:
            kind = kind_of(f)
    except LayoutError as e:
        print(f"plot_sweep.py: error: {e}", file=sys.stderr)
        return 2
    if kind != "sweep":
        print(f"plot_sweep.py: error: {args.sweep_file} is a run file, not an llmsim-sweep file "
              "(scripts/llmsim-report draws run files)", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    with h5py.File(args.sweep_file, "r") as f:
        warning = format_check(args.sweep_file, format_version_of(f))
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
        summary = decode(pd.DataFrame(f["summary"][()]))
        summary.to_csv(out / "summary.csv", index=False)
        latency_cdfs(f, summary, out, args.max_curves)
        capacity_pareto(f, summary, out, args.max_bars)
    print(f"wrote plots into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
