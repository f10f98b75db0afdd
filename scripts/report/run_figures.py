"""Figures of one or several runs (one colour and legend entry per run). Each function returns a figure.Plot, or
None when no run has the data it needs (the page then lists it as not drawn, with the reason)."""
import math

import numpy as np

from . import figure
from .metrics import METRICS
from .results import seconds

SOURCES = ("table", "profile", "extrapolated", "roofline")  # prediction sources of /predictor/operators
HATCHES = {"table": "", "profile": "", "extrapolated": "//", "roofline": "xx"}
SOURCE_ALPHA = {"table": 1.0, "profile": 0.75, "extrapolated": 0.5, "roofline": 0.35}
MAX_CDF_POINTS = 4000  # larger runs are drawn at this many evenly spaced ranks (same curve to the pixel)


def cdf_points(values):
    v = np.sort(values)
    y = np.arange(1, len(v) + 1) / len(v)
    if len(v) > MAX_CDF_POINTS:
        idx = np.unique(np.linspace(0, len(v) - 1, MAX_CDF_POINTS).round().astype(np.int64))
        v, y = v[idx], y[idx]
    return v, y


def metric_cdf(runs, metric, out):
    fig, ax = figure.new()
    drawn = 0
    for i, run in enumerate(runs):
        v = metric.values(run)
        if v is None or len(v) == 0:
            continue
        x, y = cdf_points(v)
        ax.step(x, y, where="post", color=figure.color(i),
                label=f"{run.label} (n={len(v)}, P50 {np.median(v):.4g} {metric.unit})")
        drawn += 1
    if not drawn:
        figure.plt.close(fig)
        return None
    for q in (0.5, 0.9, 0.99):
        ax.axhline(q, color="grey", lw=0.6, ls=":")
    title = f"CDF of {metric.name}"
    ax.set_title(title)
    ax.set_xlabel(f"{metric.name} ({metric.unit})")
    ax.set_ylabel("fraction of completed requests")
    ax.set_ylim(0, 1.01)
    ax.legend(loc="lower right")
    return figure.save(fig, out, f"{metric.key}_cdf.png", title,
                       f"Cumulative distribution over completed requests (dotted lines: P50, P90, P99). "
                       f"Reads /requests columns completed, {metric.column}.")


def nice_width(target):
    """The smallest 1, 2 or 5 x 10^k seconds that is >= target."""
    if target <= 0 or not math.isfinite(target):
        return 1.0
    exp = math.floor(math.log10(target))
    for m in (1, 2, 5, 10):
        if m * 10.0 ** exp >= target:
            return m * 10.0 ** exp
    return 10.0 ** (exp + 1)


def arrivals_completions(runs, out):
    series = []
    for run in runs:
        req, units = run.requests, run.units["requests"]
        arrived = seconds(req, "arrived_at", units)
        done = run.completed()
        finished = seconds(done, "completed_at", units) if "completed_at" in done.columns else None
        series.append((run, arrived, finished))
    horizon = max(max([a.max() if len(a) else 0.0] + [f.max() if f is not None and len(f) else 0.0])
                  for _, a, f in series)
    if horizon <= 0:
        return None
    width = nice_width(horizon / 80)
    edges = np.arange(int(math.ceil(horizon / width)) + 1) * width
    if edges[-1] <= horizon:  # the last completion belongs in the last bin
        edges = np.append(edges, edges[-1] + width)
    fig, ax = figure.new()
    for i, (run, arrived, finished) in enumerate(series):
        ax.stairs(np.histogram(arrived, edges)[0] / width, edges, color=figure.color(i), lw=1.2,
                  label=f"{run.label}: arrivals ({len(arrived)})")
        if finished is not None:
            ax.stairs(np.histogram(finished, edges)[0] / width, edges, color=figure.color(i), lw=1.2, ls="--",
                      label=f"{run.label}: completions ({len(finished)})")
    title = "Request arrivals and completions over time"
    ax.set_title(title)
    ax.set_xlabel(f"simulated time (s; bins of {width:g} s)")
    ax.set_ylabel("requests per second")
    ax.set_xlim(0, edges[-1])
    ax.legend(loc="upper right")
    return figure.save(fig, out, "arrivals_completions.png", title,
                       f"Arrivals (solid) and completions (dashed) per {width:g} s bin, as a rate. Reads /requests "
                       "columns arrived_at, completed, completed_at.")


def _batches(runs, column):
    return [(i, run, run.batches[column].to_numpy()) for i, run in enumerate(runs)
            if run.batches is not None and column in run.batches.columns and len(run.batches)]


def batch_size_hist(runs, out):
    data = _batches(runs, "size")
    if not data:
        return None
    top = max(int(v.max()) for _, _, v in data)
    edges = np.arange(0.5, top + 1.5)
    fig, ax = figure.new()
    for i, run, v in data:
        ax.stairs(np.histogram(v, edges)[0] / len(v), edges, color=figure.color(i), lw=1.2,
                  label=f"{run.label} ({len(v)} batches, mean {v.mean():.2f})")
    title = "Batch size distribution"
    ax.set_title(title)
    ax.set_xlabel("requests per batch (count)")
    ax.set_ylabel("fraction of batches")
    ax.set_xlim(0.5, top + 0.5)
    ax.legend(loc="upper right")
    return figure.save(fig, out, "batch_size_hist.png", title,
                       "Share of batches (iterations, all replicas) by the number of requests in them. "
                       "Reads /batches column size.")


def batch_tokens_hist(runs, out):
    data = _batches(runs, "num_tokens")
    if not data:
        return None
    top = max(int(v.max()) for _, _, v in data)
    edges = np.unique(np.round(np.geomspace(1, top + 1, 61))) - 0.5  # log-spaced, each bin whole token counts
    fig, ax = figure.new()
    for i, run, v in data:
        ax.stairs(np.histogram(v, edges)[0] / len(v), edges, color=figure.color(i), lw=1.2,
                  label=f"{run.label} ({len(v)} batches, mean {v.mean():.1f})")
    ax.set_xscale("log")
    title = "Batch token-count distribution"
    ax.set_title(title)
    ax.set_xlabel("tokens per batch (prefill + decode; log scale, log-spaced bins of whole token counts)")
    ax.set_ylabel("fraction of batches")
    ax.legend(loc="upper right")
    return figure.save(fig, out, "batch_tokens_hist.png", title,
                       "Share of batches by their token count (prefill tokens plus one per decoding request). "
                       "Reads /batches column num_tokens.")


def _grouped(ax, keys, series, ylabel):
    """Bars side by side per key (markers when there are too many to read); series = (label, colour, values)."""
    x = np.arange(len(keys))
    if len(keys) * len(series) <= 96:
        w = 0.8 / len(series)
        for j, (label, c, vals) in enumerate(series):
            ax.bar(x - 0.4 + w * (j + 0.5), vals, w, color=c, label=label)
    else:
        for label, c, vals in series:
            ax.plot(x, vals, marker="o", ms=3, lw=0.8, color=c, label=label)
    figure.thin_ticks(ax, x, keys)
    ax.set_ylabel(ylabel)
    ax.set_xlim(-0.6, len(keys) - 0.4)


def _stage_keys(runs, column):
    have = [(i, run) for i, run in enumerate(runs)
            if run.replica_stages is not None and column in run.replica_stages.columns and len(run.replica_stages)]
    keys = sorted({(int(r), int(s)) for _, run in have
                   for r, s in zip(run.replica_stages["replica_id"], run.replica_stages["stage_id"])})
    staged = any(s > 0 for _, s in keys)
    names = [f"r{r}.s{s}" if staged else f"r{r}" for r, s in keys]
    return have, keys, names, staged


def _aligned(frame, key_cols, keys, values):
    lookup = {tuple(int(k) for k in row): v for row, v in zip(zip(*(frame[c] for c in key_cols)), values)}
    return np.array([lookup.get(k if isinstance(k, tuple) else (k,), np.nan) for k in keys], dtype=np.float64)


def replica_busy(runs, out):
    have, keys, names, staged = _stage_keys(runs, "busy_time")
    if not have:
        return None
    busy, pct = [], []
    for i, run in have:
        st = run.replica_stages
        busy.append((run.label, figure.color(i), _aligned(st, ("replica_id", "stage_id"), keys,
                                                          seconds(st, "busy_time", run.units["replica_stages"]))))
        if "busy_time_percent" in st.columns:
            pct.append((run.label, figure.color(i), _aligned(st, ("replica_id", "stage_id"), keys,
                                                             st["busy_time_percent"].to_numpy(np.float64))))
    fig, (left, right) = figure.new(2, 1, sharex=True)
    _grouped(left, names, busy, "busy time (s)")
    if pct:
        _grouped(right, names, pct, "busy (% of active window)")
    what = "replica and pipeline stage" if staged else "replica"
    title = f"Busy time and utilisation per {what}"
    left.set_title(title)
    right.set_title("utilisation: busy time / (last batch end - first batch start) per " + what, fontsize=9)
    right.set_xlabel(f"{what} (r = replica id" + (", s = stage id)" if staged else ")"))
    right.set_ylim(0, 118)  # room for the legend above full bars
    left.set_ylim(0, 1.18 * max(float(np.nanmax(v)) if np.isfinite(v).any() else 0 for _, _, v in busy) or 1)
    left.legend(loc="best")
    right.legend(loc="best")
    return figure.save(fig, out, "replica_busy.png", title,
                       "Time each replica (pipeline stage) spent executing batches, and that time as a share of "
                       "its active window. Reads /replica_stages columns replica_id, stage_id, busy_time, "
                       "busy_time_percent.")


def replica_mfu(runs, out):
    have, keys, names, staged = _stage_keys(runs, "mfu_percent")
    if not have:
        return None
    fig, ax = figure.new()
    series = [(run.label, figure.color(i),
               _aligned(run.replica_stages, ("replica_id", "stage_id"), keys,
                        run.replica_stages["mfu_percent"].to_numpy(np.float64))) for i, run in have]
    what = "replica and pipeline stage" if staged else "replica"
    _grouped(ax, names, series, "MFU (% of peak FP16 FLOP/s)")
    top = max(float(np.nanmax(v)) if np.isfinite(v).any() else 0 for _, _, v in series)
    ax.set_ylim(0, 1.2 * top or 1)
    title = f"Model FLOPs utilisation (MFU) per {what}"
    ax.set_title(title)
    ax.set_xlabel(f"{what} (r = replica id" + (", s = stage id)" if staged else ")"))
    ax.legend(loc="best")
    return figure.save(fig, out, "replica_mfu.png", title,
                       "Model FLOPs over the stage's time at the device's peak (Vidur's definition). "
                       "Reads /replica_stages columns replica_id, stage_id, mfu_percent.")


def kv_memory(runs, out):
    have = [(i, run) for i, run in enumerate(runs)
            if run.replicas is not None and "memory_usage_mean_percent" in run.replicas.columns and len(run.replicas)]
    if not have:
        return None
    keys = sorted({int(r) for _, run in have for r in run.replicas["replica_id"]})
    names = [f"r{k}" for k in keys]
    fig, ax = figure.new()
    series = [(f"{run.label}: mean", figure.color(i),
               _aligned(run.replicas, ("replica_id",), keys, run.replicas["memory_usage_mean_percent"].to_numpy(float)))
              for i, run in have]
    _grouped(ax, names, series, "KV-cache blocks in use (% of the replica's blocks)")
    peak_drawn = False
    bars = ax.containers
    for j, (i, run) in enumerate(have):
        if "memory_usage_peak_percent" not in run.replicas.columns:
            continue
        peak = _aligned(run.replicas, ("replica_id",), keys, run.replicas["memory_usage_peak_percent"].to_numpy(float))
        x = np.array([b.get_x() + b.get_width() / 2 for b in bars[j]]) if len(bars) == len(have) else np.arange(len(keys))
        ax.plot(x, peak, ls="none", marker="v", ms=6, mec="black", mew=0.6, color=figure.color(i),
                label=f"{run.label}: peak")
        peak_drawn = True
    title = "KV-cache memory use per replica"
    ax.set_title(title)
    ax.set_xlabel("replica (r = replica id)")
    ax.set_ylim(0, 118)  # room for the legend above full bars
    ax.legend(loc="best")
    blocks = ", ".join(f"{run.label}: {int(run.replicas['num_blocks'].iloc[0])} blocks per replica"
                       for _, run in have if "num_blocks" in run.replicas.columns)
    return figure.save(fig, out, "replica_kv_memory.png", title,
                       "Mean share of the replica's KV-cache blocks in use over its scheduling samples (Vidur's "
                       f"mean, including the initial zero){'; triangles: peak' if peak_drawn else ''}"
                       f"{' (' + blocks + ')' if blocks else ''}. Reads /replicas columns replica_id, "
                       "memory_usage_mean_percent, memory_usage_peak_percent, num_blocks.")


def operator_time(runs, out):
    have = [(i, run) for i, run in enumerate(runs) if run.operators is not None and len(run.operators)
            and "operator" in run.operators.columns]
    if not have:
        return None
    sources = [s for s in SOURCES if any(f"gpu_time_s_{s}" in run.operators.columns for _, run in have)]
    if not sources:
        return None
    totals = {}
    for _, run in have:
        ops = run.operators
        t = sum(ops[f"gpu_time_s_{s}"].to_numpy(np.float64) for s in sources if f"gpu_time_s_{s}" in ops.columns)
        for name, v in zip(ops["operator"], t):
            totals[name] = max(totals.get(name, 0.0), v)
    names = [n for n in dict.fromkeys(n for _, run in have for n in run.operators["operator"]) if totals[n] > 0]
    if not names:
        return None
    fig, ax = figure.new()
    y = np.arange(len(names))
    h = 0.8 / len(have)
    used = set()
    for j, (i, run) in enumerate(have):
        ops = run.operators.set_index("operator")
        left = np.zeros(len(names))
        for s in sources:
            col = f"gpu_time_s_{s}"
            if col not in ops.columns:
                continue
            v = np.array([float(ops[col].get(n, 0.0)) for n in names])
            if not v.any():
                continue
            used.add(s)
            ax.barh(y - 0.4 + h * (j + 0.5), v, h, left=left, color=figure.color(i), alpha=SOURCE_ALPHA[s],
                    hatch=HATCHES[s], edgecolor="black", lw=0.3)
            left += v
        ax.barh([np.nan], [0], color=figure.color(i), label=run.label)  # one legend entry per run
    for s in SOURCES:
        if s in used:
            ax.barh([np.nan], [0], color="lightgrey", alpha=SOURCE_ALPHA[s], hatch=HATCHES[s], edgecolor="black",
                    lw=0.3, label=f"source: {s}")
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    title = "Simulated GPU time per operator, by prediction source"
    ax.set_title(title)
    ax.set_xlabel("simulated GPU time (s, summed over all replicas)")
    ax.set_ylabel("operator")
    ax.legend(loc="lower right")
    return figure.save(fig, out, "operator_time.png", title,
                       "Per predicted operator, the simulated GPU time, split by where the prediction came from "
                       "(table, profile, extrapolated outside the profiled domain, roofline); operators with no "
                       "time are left out. Reads /predictor/operators columns operator, gpu_time_s_*.")


def all_figures(runs, out):
    """(plots, skipped): figures drawn, and (figure, reason) for those the files have no data for."""
    plots, skipped = [], []

    def add(plot, what, reason):
        (plots.append(plot) if plot else skipped.append((what, reason)))

    for m in METRICS:
        add(metric_cdf(runs, m, out), f"CDF of {m.name}", f"no completed request with /requests column {m.column}")
    add(arrivals_completions(runs, out), "arrivals and completions", "no request arrivals")
    unstored = [r.label for r in runs if (r.config.get("metrics") or {}).get("store_batch_metrics") is False]
    no_batches = "no /batches rows" + (f" (not stored: metrics.store_batch_metrics is false in {', '.join(unstored)})"
                                       if unstored else " (no batch ran)")
    add(batch_size_hist(runs, out), "batch size distribution", no_batches)
    add(batch_tokens_hist(runs, out), "batch token-count distribution", no_batches)
    add(replica_busy(runs, out), "busy time per replica", "no /replica_stages table with busy_time")
    add(replica_mfu(runs, out), "MFU per replica", "no /replica_stages column mfu_percent")
    add(operator_time(runs, out), "operator time breakdown", "no /predictor/operators table with GPU time")
    add(kv_memory(runs, out), "KV memory per replica", "no /replicas column memory_usage_mean_percent")
    return plots, skipped
