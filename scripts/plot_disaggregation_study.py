#!/usr/bin/env python3
"""SLO attainment across load of the disaggregation study (docs/disaggregation-study.md).

  plot_disaggregation_study.py LOAD_SWEEP.h5 OUT.png [--ttft 2] [--tpot 0.1] [--attainment 0.9]

LOAD_SWEEP is jobs/disaggregation-70b-load.yaml's result: axes `cluster` and `qps`, no capacity search. For every
configuration the attainment is computed from its requests (/configs/<id>/requests), as DistServe defines it: the
fraction of all requests that completed with TTFT (prefill_e2e_time) <= the TTFT SLO and TPOT =
(completed_at - prefill_completed_at) / (num_decode_tokens - 1) <= the TPOT SLO; a request of one output token
needs only the TTFT; an unfinished request misses. Left panel: the A100 configurations; right panel: H100 and
heterogeneous ones. Solid: both SLOs; dotted: TTFT alone; dashed: TPOT alone (a 1000 x 600 PNG of 256 colours).
Prints a table of the attainments and, per configuration, the QPS where the both-SLO curve crosses the attainment
target (linear interpolation, as DistServe's plotting script). Needs h5py, pandas, matplotlib.
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# (title, configurations, largest QPS shown)
PANELS = [("16 A100 (4 x TP4)", ["mixed-a100-vllm", "mixed-a100-sarathi512", "disagg-a100-3p1d"], 20),
          ("16 H100, or 8 H100 + 8 A100 (4 x TP4)",
           ["mixed-h100-sarathi512", "disagg-h100-3p1d", "disagg-2p-h100-2d-a100"], None)]
COLORS = {"mixed-a100-vllm": "tab:gray", "mixed-a100-sarathi512": "tab:blue", "disagg-a100-3p1d": "tab:orange",
          "mixed-h100-sarathi512": "tab:blue", "disagg-h100-3p1d": "tab:orange", "disagg-2p-h100-2d-a100": "tab:green"}
COLUMNS = ["completed", "prefill_e2e_time", "prefill_completed_at", "completed_at", "num_decode_tokens"]


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def attainment(requests, ttft_s, tpot_s):
    """(both, ttft only, tpot only): fractions of all requests meeting the SLOs."""
    done = requests["completed"].to_numpy() == 1
    ttft_ok = done & (requests["prefill_e2e_time"].to_numpy() <= ttft_s * 1e9)
    decodes = requests["num_decode_tokens"].to_numpy()
    decode_ns = (requests["completed_at"] - requests["prefill_completed_at"]).to_numpy().astype(float)
    tpot = np.where(decodes > 1, decode_ns / np.maximum(decodes - 1, 1), 0.0)
    tpot_ok = done & (tpot <= tpot_s * 1e9)
    n = len(requests)
    return (ttft_ok & tpot_ok).sum() / n, ttft_ok.sum() / n, tpot_ok.sum() / n


def crossing(qps, values, target):
    """First QPS where the curve falls below target (linear interpolation); NaN if it never does."""
    for k in range(len(qps) - 1):
        if values[k] >= target > values[k + 1]:
            return qps[k] + (target - values[k]) * (qps[k + 1] - qps[k]) / (values[k + 1] - values[k])
    return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep_file")
    ap.add_argument("out_png")
    ap.add_argument("--ttft", type=float, default=2.0, help="TTFT SLO in seconds (default 2)")
    ap.add_argument("--tpot", type=float, default=0.1, help="TPOT SLO in seconds (default 0.1)")
    ap.add_argument("--attainment", type=float, default=0.9, help="target fraction (default 0.9)")
    args = ap.parse_args()

    rows = []
    with h5py.File(args.sweep_file, "r") as f:
        summary = pd.DataFrame(f["summary"][()])
        for col in ("id", "axis_cluster", "axis_qps"):
            if col not in summary.columns:
                print(f"plot_disaggregation_study.py: error: {args.sweep_file} has no /summary column {col} "
                      "(expected jobs/disaggregation-70b-load.yaml's result)", file=sys.stderr)
                return 2
        for _, row in summary.iterrows():
            data = f["configs"][text(row["id"])]["requests"][()]
            requests = pd.DataFrame({c: data[c] for c in COLUMNS})
            both, ttft, tpot = attainment(requests, args.ttft, args.tpot)
            rows.append({"cluster": text(row["axis_cluster"]), "qps": float(text(row["axis_qps"])),
                         "both": both, "ttft": ttft, "tpot": tpot})
    table = pd.DataFrame(rows).sort_values(["cluster", "qps"])

    fig, axes = plt.subplots(1, 2, figsize=(10, 6))
    for ax, (title, clusters, xmax) in zip(axes, PANELS):
        for cluster in clusters:
            t = table[table["cluster"] == cluster]
            if t.empty:
                continue
            color = COLORS.get(cluster)
            qps = t["qps"].to_numpy()
            ax.plot(qps, 100 * t["both"], "o-", color=color, label=cluster, markersize=4)
            ax.plot(qps, 100 * t["ttft"], ":", color=color, linewidth=1)
            ax.plot(qps, 100 * t["tpot"], "--", color=color, linewidth=1)
        ax.axhline(100 * args.attainment, color="grey", linewidth=0.8)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("load (QPS; per GPU: QPS / 16)")
        ax.set_ylim(0, 102)
        if xmax:
            ax.set_xlim(0, xmax)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
    axes[0].set_ylabel("SLO attainment (%)")
    fig.suptitle(f"Llama-2-70B, Splitwise conversation lengths: requests with TTFT <= {args.ttft:g} s and "
                 f"TPOT <= {1e3 * args.tpot:g} ms\n(solid: both; dotted: TTFT alone; dashed: TPOT alone)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out_png, dpi=100)
    plt.close(fig)
    # 256 colours keep the PNG small (~40 KB instead of ~110 KB); Pillow comes with matplotlib.
    from PIL import Image
    Image.open(args.out_png).convert("RGB").quantize(256).save(args.out_png, optimize=True)

    pivot = table.pivot(index="qps", columns="cluster", values="both")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("attainment (both SLOs) per QPS:")
        print((100 * pivot).round(1).to_string())
    print(f"QPS at {100 * args.attainment:g} % attainment (interpolated):")
    for cluster in pivot.columns:
        t = table[table["cluster"] == cluster]
        qps, both = t["qps"].to_numpy(), t["both"].to_numpy()
        q = crossing(qps, both, args.attainment)
        if q == q:
            print(f"  {cluster:28s} {q:6.2f} QPS  ({q / 16:.3f} per GPU)")
        elif both[0] < args.attainment:
            print(f"  {cluster:28s} below the lowest load run ({qps[0]:g} QPS)")
        else:
            print(f"  {cluster:28s} above the highest load run ({qps[-1]:g} QPS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
