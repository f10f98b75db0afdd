"""Figures of one or several runs (one colour and legend entry per run). Each function returns a figure.Plot, or
None when no run has the data it needs (the page then lists it as not drawn, with the reason)."""
import math

import numpy as np

from . import figure
from .metrics import KV_INTERVALS, METRICS, kv_transfer_ms, percentile
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
                label=f"{run.label} (n={len(v)}, P50 {percentile(v, 50):.4g} {metric.unit}, "
                      f"P99 {percentile(v, 99):.4g} {metric.unit})")
        drawn += 1
    if not drawn:
        figure.plt.close(fig)
        return None
    for q in (0.5, 0.9, 0.99):
        ax.axhline(q, color="grey", lw=0.6, ls=":")
    title = f"CDF of {metric.name}"
    ax.set_title(title)
    ax.set_xlabel(f"{metric.name} ({metric.unit})")
    ax.set_ylabel(f"fraction of {metric.population}")
    ax.set_ylim(0, 1.01)
    ax.legend(loc="lower right")
    reads = (f"/tokens columns {metric.column} and /requests columns request_id, completed" if metric.table == "tokens"
             else f"/requests columns completed, {metric.column}")
    return figure.save(fig, out, f"{metric.key}_cdf.png", title,
                       f"Cumulative distribution over {metric.population} (dotted lines: P50, P90, P99). "
                       f"Reads {reads}.")


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


def _operator_sums(run, sources):
    """The run's gpu_time_s_<source> columns per operator, summed over its pools (/predictor/operators has one row
    per pool and operator), operators in order of first appearance."""
    cols = [f"gpu_time_s_{s}" for s in sources if f"gpu_time_s_{s}" in run.operators.columns]
    frame = run.operators[["operator"] + cols].copy()
    for col in cols:
        frame[col] = frame[col].astype(np.float64)
    return frame.groupby("operator", sort=False)[cols].sum()


def operator_time(runs, out):
    have = [(i, run) for i, run in enumerate(runs) if run.operators is not None and len(run.operators)
            and "operator" in run.operators.columns]
    if not have:
        return None
    sources = [s for s in SOURCES if any(f"gpu_time_s_{s}" in run.operators.columns for _, run in have)]
    if not sources:
        return None
    per_run = {j: _operator_sums(run, sources) for j, (_, run) in enumerate(have)}
    totals = {}
    for ops in per_run.values():
        for name, v in zip(ops.index, ops.sum(axis=1).to_numpy(np.float64)):
            totals[name] = max(totals.get(name, 0.0), v)
    names = [n for n in dict.fromkeys(n for ops in per_run.values() for n in ops.index) if totals[n] > 0]
    if not names:
        return None
    fig, ax = figure.new()
    y = np.arange(len(names))
    h = 0.8 / len(have)
    used = set()
    widest = 0.0
    for j, (i, run) in enumerate(have):
        ops = per_run[j]
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
        widest = max(widest, float(left.max()))
        ax.barh([np.nan], [0], color=figure.color(i), label=run.label)  # one legend entry per run
    for s in SOURCES:
        if s in used:
            ax.barh([np.nan], [0], color="lightgrey", alpha=SOURCE_ALPHA[s], hatch=HATCHES[s], edgecolor="black",
                    lw=0.3, label=f"source: {s}")
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05 * widest)  # explicit: a zero-width segment at a bar's end would pin the axis to it
    title = "Simulated GPU time per operator, by prediction source"
    ax.set_title(title)
    ax.set_xlabel("simulated GPU time (s, summed over all replicas)")
    ax.set_ylabel("operator")
    ax.legend(loc="lower right")
    return figure.save(fig, out, "operator_time.png", title,
                       "Per predicted operator, the simulated GPU time, split by where the prediction came from "
                       "(table, profile, extrapolated outside the profiled domain, roofline); operators with no "
                       "time are left out; a cluster of several pools sums its pools' rows. Reads "
                       "/predictor/operators columns operator, gpu_time_s_*.")


MAX_REPLICA_LINES = 8  # replicas drawn one by one in the time-series figures; the mean covers all of them
MAX_STEPS = 400  # a time-series line with more changes is drawn as time-weighted means over TIME_BINS bins
TIME_BINS = 400
# column -> (file, title, y label, what one value is)
TIMESERIES = {
    "queue_length": ("replica_queue.png", "Queue length over time", "requests waiting in the queue (count)",
                     "requests waiting in the replica's queue"),
    "running_requests": ("replica_running.png", "Running requests over time", "requests in batches in flight (count)",
                         "requests inside batches in flight (the running batch size; with pipeline parallelism, all "
                         "stages)"),
    "kv_blocks_used": ("replica_kv_timeseries.png", "KV-cache memory over time",
                       "KV-cache blocks in use (% of the replica's blocks)",
                       "KV-cache blocks allocated, as a share of the replica's num_blocks (/replicas)"),
}


def _replica_ids(run):
    """Every replica of the run (those without a time-series row stayed at 0 all run)."""
    ids = set(int(r) for r in run.timeseries["replica_id"])
    if run.replicas is not None and "replica_id" in run.replicas.columns:
        ids |= set(int(r) for r in run.replicas["replica_id"])
    return sorted(ids)


def _replica_steps(run, column):
    """{replica: (times s, values)} of the run's /timeseries column, starting at (0, 0): the state holds until the
    replica's next row. KV blocks become percent of the replica's num_blocks. None when that cannot be computed."""
    ts = run.timeseries
    if ts is None or column not in ts.columns:
        return None
    blocks = None
    if column == "kv_blocks_used":
        if run.replicas is None or "num_blocks" not in run.replicas.columns:
            return None
        blocks = dict(zip(run.replicas["replica_id"].astype(int), run.replicas["num_blocks"].astype(float)))
    rid_all = ts["replica_id"].to_numpy(np.int64)
    order = np.lexsort((ts["time"].to_numpy(np.int64), rid_all))  # written so; one pass splits it per replica
    rid_all = rid_all[order]
    t_all = seconds(ts, "time", run.units.get("timeseries", {}))[order]
    v_all = ts[column].to_numpy(np.float64)[order]
    steps = {}
    for r in _replica_ids(run):
        lo, hi = np.searchsorted(rid_all, r, side="left"), np.searchsorted(rid_all, r, side="right")
        t, v = t_all[lo:hi], v_all[lo:hi]
        if blocks is not None:
            v = 100.0 * v / blocks[r] if blocks.get(r, 0) > 0 else np.full(len(v), np.nan)
        steps[r] = (np.concatenate([[0.0], t]), np.concatenate([[0.0], v]))
    return steps


def _mean_steps(steps):
    """The mean over replicas of step functions (each from time 0), exactly, as a step function: every change of
    any replica is one change of the sum."""
    times = np.concatenate([t for t, _ in steps.values()])
    deltas = np.concatenate([np.diff(v, prepend=0.0) for _, v in steps.values()])
    order = np.argsort(times, kind="stable")
    times, total = times[order], np.cumsum(deltas[order])
    last = np.append(times[1:] != times[:-1], True)  # the sum after all changes at one instant
    return times[last], total[last] / len(steps)


def _integral(t, v, horizon):
    """(change times + horizon, integral of the step function from 0 at each of them)."""
    tt = np.append(t, max(horizon, t[-1]))
    return tt, np.concatenate([[0.0], np.cumsum(v * np.diff(tt))])


def _time_weighted_mean(t, v, horizon):
    tt, area = _integral(t, v, horizon)
    return float(area[-1] / tt[-1]) if tt[-1] > 0 else float(v[-1])


def _binned(t, v, horizon, edges):
    """Exact time-weighted mean of the step function over each bin between `edges`."""
    tt, area = _integral(t, v, horizon)
    return np.diff(np.interp(edges, tt, area)) / np.diff(edges)


class _Lines:
    """Draws step functions either exactly or, when some line changes more often than the figure can show, each as
    its exact time-weighted mean per bin (the same bins for every line of the figure)."""

    def __init__(self, series, horizon):
        self.horizon = horizon
        self.binned = max(len(t) for t, _ in series) > MAX_STEPS
        self.edges = np.linspace(0.0, horizon, TIME_BINS + 1) if self.binned else None

    def draw(self, ax, t, v, **kw):
        if self.binned:
            ax.stairs(_binned(t, v, self.horizon, self.edges), self.edges, baseline=None, **kw)
        else:
            ax.step(np.append(t, max(self.horizon, t[-1])), np.append(v, v[-1]), where="post", **kw)

    def note(self):
        return (f"; drawn as the time-weighted mean per {self.edges[1]:.3g} s bin ({TIME_BINS} bins): the series "
                "change more often than the figure can show" if self.binned else "")


def replica_timeseries(runs, column, out):
    file, title, ylabel, what = TIMESERIES[column]
    have = [(i, run, steps) for i, run in enumerate(runs) for steps in [_replica_steps(run, column)] if steps]
    if not have:
        return None
    fig, ax = figure.new()
    horizon = max(max(run.makespan_s(), max(float(t[-1]) for t, _ in steps.values())) for _, run, steps in have)
    if len(have) == 1:
        _, run, steps = have[0]
        shown = list(steps)[:MAX_REPLICA_LINES]
        mean = _mean_steps(steps) if len(steps) > 1 else None
        lines = _Lines([steps[r] for r in shown] + ([mean] if mean else []), horizon)
        for k, r in enumerate(shown):
            t, v = steps[r]
            lines.draw(ax, t, v, color=figure.color(k), lw=0.9, alpha=0.75 if mean else 1.0,
                       label=f"replica {r} (time-weighted mean {_time_weighted_mean(t, v, horizon):.3g})")
        if mean:
            lines.draw(ax, *mean, color="black", lw=1.8,
                       label=f"mean over {'all' if len(steps) > len(shown) else 'the'} {len(steps)} replicas "
                             f"(time-weighted mean "
                             f"{_time_weighted_mean(*mean, horizon):.3g})")
        drawn = (f"replicas {shown[0]}-{shown[-1]} of {len(steps)} drawn, black: mean over all {len(steps)}"
                 if len(steps) > len(shown) else
                 (f"black: mean over the {len(steps)} replicas" if mean else "one replica"))
        full_title = f"{title} per replica ({drawn})"
        legend_title = run.label
        which = f"each of up to {MAX_REPLICA_LINES} replicas and the mean over all replicas"
    else:
        means = [(i, run, len(steps), _mean_steps(steps)) for i, run, steps in have]
        lines = _Lines([m for _, _, _, m in means], horizon)
        for i, run, n, (t, v) in means:
            lines.draw(ax, t, v, color=figure.color(i), lw=1.2,
                       label=f"{run.label}: mean over {n} replica{'s' if n > 1 else ''} "
                             f"(time-weighted mean {_time_weighted_mean(t, v, horizon):.3g})")
        full_title = f"{title}: mean over each run's replicas"
        legend_title = None
        which = "the mean over all replicas of each run"
    if lines.binned:
        full_title += f"; time-weighted mean per {lines.edges[1]:.3g} s"
    ax.set_title(full_title, fontsize=10)
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, horizon if horizon > 0 else 1)
    top = max(float(np.nanmax(v)) if np.isfinite(v).any() else 0.0 for _, _, steps in have for _, v in steps.values())
    ax.set_ylim(0, 1.25 * top or 1)  # room for the legend above the highest value
    ax.legend(loc="upper right", title=legend_title, fontsize=7)
    return figure.save(fig, out, file, full_title,
                       f"The replica's state after each scheduling round ({what}), held until its next change: "
                       f"{which} (legend: time-weighted mean over the run){lines.note()}. Reads /timeseries columns "
                       f"replica_id, time, {column}"
                       f"{' and /replicas num_blocks' if column == 'kv_blocks_used' else ''}.")


def _sources_in(frames):
    seen = set(str(s) for f in frames for s in f["source"])
    return [s for s in SOURCES if s in seen] + sorted(seen - set(SOURCES))


def replica_operator_time(runs, out):
    have = [(i, run) for i, run in enumerate(runs) if run.operator_times is not None and len(run.operator_times)]
    if not have:
        return None
    frames = [run.operator_times for _, run in have]
    cats = [(j, int(r)) for j, (_, run) in enumerate(have) for r in sorted(set(run.operator_times["replica_id"]))]
    index = {c: k for k, c in enumerate(cats)}
    totals = {}
    for f in frames:
        for op, v in zip(f["operator"], f["gpu_time_s"].to_numpy(np.float64)):
            totals[str(op)] = totals.get(str(op), 0.0) + v
    operators = sorted(totals, key=lambda op: (-totals[op], op))  # largest at the bottom of each bar
    sources = _sources_in(frames)
    cells = {}  # (operator, source) -> values per category
    for j, (_, run) in enumerate(have):
        f = run.operator_times
        for r, op, src, v in zip(f["replica_id"], f["operator"], f["source"], f["gpu_time_s"].to_numpy(np.float64)):
            cells.setdefault((str(op), str(src)), np.zeros(len(cats)))[index[(j, int(r))]] += v
    fig, ax = figure.new()
    x = np.arange(len(cats))
    bottom = np.zeros(len(cats))
    edge = {"edgecolor": "black", "lw": 0.3} if len(cats) <= 64 else {"lw": 0}
    cmap = figure.plt.get_cmap("tab20")
    used = set()
    for k, op in enumerate(operators):
        for src in sources:
            v = cells.get((op, src))
            if v is None or not v.any():
                continue
            used.add(src)
            ax.bar(x, v, 0.8, bottom=bottom, color=cmap(k % 20), alpha=SOURCE_ALPHA.get(src, 0.6),
                   hatch=HATCHES.get(src, ".."), **edge)
            bottom += v
    for k, op in reversed(list(enumerate(operators))):  # legend from the top of the stack down
        ax.bar([np.nan], [0], color=cmap(k % 20), label=op)
    for src in sources:
        if src in used and len(used) > 1:
            ax.bar([np.nan], [0], color="lightgrey", alpha=SOURCE_ALPHA.get(src, 0.6), hatch=HATCHES.get(src, ".."),
                   edgecolor="black", lw=0.3, label=f"source: {src}")
    names = [f"{have[j][1].label} r{r}" if len(runs) > 1 else f"r{r}" for j, r in cats]
    figure.thin_ticks(ax, x, names)
    ax.set_xlim(-0.6, len(cats) - 0.4)
    title = "Simulated GPU time per replica, by operator"
    ax.set_title(title + (f" (source: {sorted(used)[0]})" if len(used) == 1 else ""))
    ax.set_xlabel("replica (r = replica id)" if len(runs) == 1 else "run and replica (r = replica id)")
    ax.set_ylabel("simulated GPU time (s, all pipeline stages and layers)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    return figure.save(fig, out, "replica_operator_time.png", title,
                       "Per replica, the simulated GPU time of each operator (stacked, largest at the bottom), summed "
                       "over pipeline stages and layers; shading and hatching give the prediction source when more "
                       "than one was used. Reads /operator_times columns replica_id, operator, source, gpu_time_s.")


KV_PNG = "kv_transfers.png"


def _kv_label(name, v):
    if v.min() == v.max():  # e.g. an unlimited link (every copy takes the latency), no routing latency, no wait
        return f"{name} (n={len(v)}, all {v[0]:.4g} ms)"
    return f"{name} (n={len(v)}, P50 {percentile(v, 50):.4g} ms, P99 {percentile(v, 99):.4g} ms)"


def kv_transfers(runs, out):
    """CDFs of the /kv_transfers intervals: the copy (left), the wait for decode-side memory and the handoff (right).
    Each curve runs from (smallest value, 0) to (axis end, 1), so equal values (all 0 included) show as one step."""
    have = [(i, run, ms) for i, run in enumerate(runs) for ms in [kv_transfer_ms(run)] if ms and len(ms["copy"])]
    if not have:
        return None
    fig, (left, right) = figure.new(1, 2)
    panels = ((left, ("copy",), "copy time: transfer_completed_at - transfer_started_at"),
              (right, ("wait", "handoff"), "wait for memory: transfer_started_at - assigned_at (solid)\n"
                                           "handoff delay: assigned_at - prefill_completed_at (dashed)"))
    for ax, keys, subtitle in panels:
        top = max(float(ms[k].max()) for _, _, ms in have for k in keys)
        end = 1.05 * top if top > 0 else 1.0
        for i, run, ms in have:
            for key, ls in zip(keys, ("-", "--")):
                x, y = cdf_points(ms[key])
                ax.step(np.concatenate([[x[0]], x, [end]]), np.concatenate([[0.0], y, [1.0]]), where="post",
                        color=figure.color(i), ls=ls, lw=1.2,
                        label=_kv_label(run.label if len(keys) == 1 else f"{run.label}: {KV_INTERVALS[key][0]}",
                                        ms[key]))
        for q in (0.5, 0.9, 0.99):
            ax.axhline(q, color="grey", lw=0.6, ls=":")
        ax.set_xlim(-0.02 * end, end)  # a step at 0 stays visible
        ax.set_ylim(0, 1.01)
        ax.set_title(subtitle, fontsize=9)
        ax.set_xlabel(f"{' / '.join(KV_INTERVALS[k][0] for k in keys)} (ms)")
        ax.legend(loc="lower right", fontsize=7)
    left.set_ylabel("fraction of KV-cache transfers")
    title = "KV-cache transfers"
    fig.suptitle(f"{title}: CDFs over the transfers of each run", fontsize=11)
    absent = [run.label for run in runs if run.kv_transfers is None or not len(run.kv_transfers)]
    return figure.save(fig, out, KV_PNG, title,
                       "Per run with prefill and decode pools, cumulative distribution over its KV-cache transfers "
                       "(dotted lines: P50, P90, P99). Left: the copy from the prefill to the decode replica. Right: "
                       "the decode replica's wait for free KV blocks before the copy starts (blocked admission) and "
                       "the handoff from the first token on the prefill replica to the decode replica's assignment "
                       "(routing messages). A run whose values are all equal shows a single step"
                       + (f"; not drawn (no /kv_transfers rows): {', '.join(absent)}" if absent else "")
                       + ". Reads /kv_transfers columns prefill_completed_at, assigned_at, transfer_started_at, "
                         "transfer_completed_at.")


def all_figures(runs, out):
    """(plots, skipped): figures drawn, and (figure, reason) for those the files have no data for."""
    plots, skipped = [], []

    def add(plot, what, reason):
        (plots.append(plot) if plot else skipped.append((what, reason)))

    def not_stored(key):
        names = [r.label for r in runs if not (r.config.get("metrics") or {}).get(key)]
        return f" (not stored: metrics.{key} is false or absent in {', '.join(names)})" if names else ""

    for m in METRICS:
        reason = (f"no /tokens table{not_stored('store_token_completion_metrics')}" if m.table == "tokens" else
                  f"no completed request with /requests column(s) {m.column}"
                  + (" and more than one output token" if m.key == "tpot" else ""))
        add(metric_cdf(runs, m, out), f"CDF of {m.name}", reason)
    add(arrivals_completions(runs, out), "arrivals and completions", "no request arrivals")
    for column, (_, title, _, _) in TIMESERIES.items():
        add(replica_timeseries(runs, column, out), title, f"no /timeseries table{not_stored('store_time_series')}"
            + (" or no /replicas num_blocks" if column == "kv_blocks_used" else ""))
    unstored = [r.label for r in runs if (r.config.get("metrics") or {}).get("store_batch_metrics") is False]
    no_batches = "no /batches rows" + (f" (not stored: metrics.store_batch_metrics is false in {', '.join(unstored)})"
                                       if unstored else " (no batch ran)")
    add(batch_size_hist(runs, out), "batch size distribution", no_batches)
    add(batch_tokens_hist(runs, out), "batch token-count distribution", no_batches)
    add(replica_busy(runs, out), "busy time per replica", "no /replica_stages table with busy_time")
    add(replica_mfu(runs, out), "MFU per replica", "no /replica_stages column mfu_percent")
    add(kv_memory(runs, out), "KV memory per replica", "no /replicas column memory_usage_mean_percent")
    add(operator_time(runs, out), "operator time breakdown", "no /predictor/operators table with GPU time")
    add(replica_operator_time(runs, out), "GPU time per replica by operator",
        "no /operator_times table (format_version 2 files have it)")
    add(kv_transfers(runs, out), "KV-cache transfers",
        "no /kv_transfers rows (runs of clusters with prefill and decode pools have them)")
    return plots, skipped
