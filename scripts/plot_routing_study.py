#!/usr/bin/env python3
"""Capacity and TTFT bars of the routing x prefix-caching study (docs/routing-study.md).

  plot_routing_study.py CAPACITY_SWEEP.h5 REFERENCE_SWEEP.h5 OUT.png

CAPACITY_SWEEP is jobs/routing-prefix-study.yaml's result, REFERENCE_SWEEP jobs/routing-prefix-study-ref.yaml's.
Left: capacity (sessions/s per replica meeting the P99 TTFT SLO) per router, caching on/off, 8 and 64 replicas.
Right: P99 TTFT at the common reference load, same layout. Needs h5py, pandas, matplotlib.
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROUTERS = ["round_robin", "lor", "session_affinity", "prefix_aware"]


def summary(path):
    with h5py.File(path, "r") as f:
        s = pd.DataFrame(f["summary"][()])
    for c in s.columns:
        if s[c].dtype == object:
            s[c] = [v.decode() if isinstance(v, bytes) else v for v in s[c]]
    return s


def bars(ax, s, value, ylabel, title):
    groups = [(r, c) for r in (8, 64) for c in ("true", "false")]
    width = 0.8 / len(groups)
    x = np.arange(len(ROUTERS))
    for k, (replicas, caching) in enumerate(groups):
        rows = s[(s["num_replicas"] == replicas) & (s["axis_caching"] == caching)].set_index("axis_router")
        ax.bar(x + (k - 1.5) * width, [value(rows.loc[r]) for r in ROUTERS], width,
               label=f"{replicas} replicas, caching {'on' if caching == 'true' else 'off'}",
               color=["tab:blue", "lightsteelblue", "tab:orange", "navajowhite"][k])
    ax.set_xticks(x, ROUTERS)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    cap, ref = summary(sys.argv[1]), summary(sys.argv[2])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    bars(left, cap, lambda row: row["capacity_qps"] / row["num_replicas"], "sessions/s per replica",
         "capacity: P99 TTFT <= 0.5 s")
    bars(right, ref, lambda row: row["ttft_p99_s"], "P99 TTFT (s)", "P99 TTFT at 1.25 sessions/s per replica")
    right.axhline(0.5, color="grey", linestyle="--", linewidth=1)
    left.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(sys.argv[3], dpi=90)
    return 0


if __name__ == "__main__":
    sys.exit(main())
