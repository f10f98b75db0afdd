"""The self-contained index.html: summary table first (every number cell carries its exact value in data-value),
then the figures embedded as base64 PNG (each linking its PNG file), then details tables."""
import base64
import math
from html import escape

import numpy as np

from .metrics import QUANTILES, REQUEST_METRICS, SUMMARY_METRICS, kv_transfer_ms, mean, percentile, throughputs
from .results import config_pools

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 12px; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
.wide { overflow-x: auto; }
.tall { max-height: 520px; overflow-y: auto; }
td.label { white-space: nowrap; }
figure { margin: 1em 0 2em; }
figcaption { font-size: 13px; max-width: 1000px; }
img { border: 1px solid #ddd; }
.note { background: #fff6d5; border: 1px solid #e0c060; padding: 0.4em 0.8em; margin: 0.3em 0; }
"""


def fmt(value, spec):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "&mdash;"
    return escape(format(value, spec))


def num_cell(key, value, spec):
    """A number cell: `spec`-formatted text, exact value in data-value (repr: round-trips the float)."""
    if value is None:
        return f'<td class="num" data-key="{key}">&mdash;</td>'
    exact = repr(float(value)) if isinstance(value, float) else str(int(value))
    return f'<td class="num" data-key="{key}" data-value="{exact}">{fmt(value, spec)}</td>'


def text_cell(text, cls=None):
    return f"<td{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>{escape(str(text))}</td>"


def shares_text(name, shares):
    if shares is None:
        return name or ""
    parts = [f"{s} {100 * v:.1f} %" for s, v in shares.items() if v > 0]
    return f"{name or 'predictor'}: {', '.join(parts)}" if parts else (name or "")


def _head(title):
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n")


def _notes(notes):
    return "".join(f'<p class="note">{escape(n)}</p>\n' for n in notes)


def _figures(out, plots, skipped):
    parts = ["<h2>Figures</h2>\n"]
    if plots:
        parts.append("<ul>" + "".join(f'<li><a href="#fig-{escape(p.file[:-4])}">{escape(p.title)}</a></li>' for p in plots)
                     + "</ul>\n")
    for p in plots:
        data = base64.b64encode((out / p.file).read_bytes()).decode("ascii")
        parts.append(f'<figure id="fig-{escape(p.file[:-4])}">\n<img src="data:image/png;base64,{data}" alt="{escape(p.title)}" '
                     f'width="1000" height="600">\n<figcaption><b>{escape(p.title)}.</b> {escape(p.caption)} '
                     f'File: <a href="{escape(p.file)}">{escape(p.file)}</a></figcaption>\n</figure>\n')
    if skipped:
        parts.append("<h3>Not drawn (no data for them in the input)</h3>\n<ul>\n")
        parts += [f"<li>{escape(what)}: {escape(reason)}</li>\n" for what, reason in skipped]
        parts.append("</ul>\n")
    return "".join(parts)


def _metric_header(metrics):
    top = "".join(f'<th colspan="{len(QUANTILES)}">{escape(m.name)} ({escape(m.unit)})</th>' for m in metrics)
    sub = "".join(f"<th>P{q}</th>" for _ in metrics for q in QUANTILES)
    return top, sub


def _cfg(config, *path, default=""):
    for key in path:
        if not isinstance(config, dict) or key not in config:
            return default
        config = config[key]
    return config


def _joined(pools, *path):
    """The distinct values at `path` over the pools, in pool order, joined with '+' ("" when no pool has one)."""
    values = []
    for pool in pools:
        v = _cfg(pool, *path, default=None)
        if v is not None and v != "" and str(v) not in values:
            values.append(str(v))
    return "+".join(values)


def predictor_name(config):
    """The run's predictor: its pools' execution_time_predictor names, distinct ones joined with '+'."""
    return _joined(config_pools(config), "execution_time_predictor", "name")


def _total_replicas(pools):
    counts = [p.get("num_replicas") for p in pools]
    return sum(counts) if counts and all(isinstance(n, int) for n in counts) else ""


def run_page(runs, out, plots, skipped, notes):
    title = "llmsim report: " + ", ".join(r.label for r in runs)
    html = [_head(title), _notes(notes), "<h2>Summary</h2>\n<div class=\"wide\">\n<table id=\"summary\">\n"]
    metrics = [m for m in SUMMARY_METRICS if m.table != "tokens" or any(r.tokens is not None for r in runs)]
    top, sub = _metric_header(metrics)
    html.append('<tr><th rowspan="2">file</th><th rowspan="2">requests</th><th rowspan="2">completed</th>'
                '<th rowspan="2">restarts</th><th rowspan="2">makespan (s)</th>'
                '<th rowspan="2">throughput (completed requests/s)</th>'
                '<th rowspan="2">output token throughput (tokens/s)</th>' + top +
                '<th rowspan="2">predictor (share of GPU time by source)</th></tr>\n<tr>' + sub + "</tr>\n")
    for run in runs:
        req = run.requests
        request_tp, token_tp = throughputs(run)
        cells = [text_cell(run.label, "label"), num_cell("requests", len(req), "d"),
                 num_cell("completed", int((req["completed"] == 1).sum()), "d"),
                 num_cell("restarts", int(req["num_restarts"].sum()) if "num_restarts" in req else None, "d"),
                 num_cell("makespan", run.makespan_s(), ".6f"),
                 num_cell("request_throughput", request_tp, ".4f"),
                 num_cell("output_token_throughput", token_tp, ".2f")]
        for m in metrics:
            v = m.values(run)
            for q in QUANTILES:
                cells.append(num_cell(f"{m.key}_p{q}", None if v is None else percentile(v, q), ".4f"))
        cells.append(text_cell(shares_text(predictor_name(run.config), run.predictor_shares)))
        html.append(f'<tr data-file="{escape(run.label)}">' + "".join(cells) + "</tr>\n")
    html.append("</table>\n</div>\n<p>Percentiles over completed requests, linear interpolation between closest "
                "ranks, as llmsim's run summary prints them. TTFT: arrival to first output token "
                "(prefill_e2e_time); TPOT: (completed_at - prefill_completed_at) / (output tokens - 1), over requests "
                "with more than one output token; ITL: every gap between consecutive output tokens (/tokens, when "
                "the run stored them); TBT: Vidur's decode time / output tokens; throughputs: completed requests and "
                "their output tokens per second of makespan. Names and definitions: docs/hdf5-schema.md.</p>\n")
    html.append(_kv_table(runs))
    html.append(_figures(out, plots, skipped))
    html.append(_runs_table(runs))
    html.append(_pools_table(runs))
    html.append(_operators(runs))
    html.append("</body>\n</html>\n")
    return "".join(html)


def _kv_table(runs):
    """One row per run with a /kv_transfers table (disaggregated runs); nothing when no run has one."""
    have = [(run, kv_transfer_ms(run)) for run in runs if run.kv_transfers is not None]
    if not have:
        return ""
    parts = ['<h3>KV-cache transfers</h3>\n<div class="wide">\n<table id="kv_transfers">\n<tr><th>file</th>'
             "<th>transfers</th><th>moved (GB)</th><th>copy time mean (ms)</th><th>copy time P99 (ms)</th>"
             "<th>wait for memory P99 (ms)</th></tr>\n"]
    for run, ms in have:
        kv = run.kv_transfers
        moved = float(kv["kv_bytes"].to_numpy(np.float64).sum()) / 1e9 if "kv_bytes" in kv.columns else None
        n = len(kv)
        cells = [text_cell(run.label, "label"), num_cell("kv_transfers", n, "d"), num_cell("kv_gb", moved, ".3f"),
                 num_cell("copy_mean_ms", mean(ms["copy"]) if n else None, ".4f"),
                 num_cell("copy_p99_ms", percentile(ms["copy"], 99) if n else None, ".4f"),
                 num_cell("wait_p99_ms", percentile(ms["wait"], 99) if n else None, ".4f")]
        parts.append(f'<tr data-file="{escape(run.label)}">' + "".join(cells) + "</tr>\n")
    parts.append("</table>\n</div>\n<p>One row per run with prefill and decode pools (/kv_transfers): KV caches "
                 "moved from a prefill to a decode replica, their kv_bytes summed (GB = 10<sup>9</sup> bytes); copy "
                 "time: transfer_completed_at - transfer_started_at; wait for memory: transfer_started_at - "
                 "assigned_at (the decode replica waiting for free KV blocks). Distributions: the KV-cache "
                 "transfers figure.</p>\n")
    return "".join(parts)


def _runs_table(runs):
    rows = ["<h2>Runs</h2>\n<div class=\"wide\">\n<table id=\"runs\">\n<tr><th>file</th><th>path</th>"
            "<th>format_version</th><th>model</th><th>device</th><th>replicas</th><th>TP</th><th>PP</th>"
            "<th>replica scheduler</th><th>router</th><th>predictor</th><th>arrivals</th><th>QPS</th><th>seed</th>"
            "<th>ranks</th><th>events</th><th>time limit reached</th></tr>\n"]
    for run in runs:
        c = run.config
        pools = config_pools(c)  # several pools: their distinct values joined with '+', replicas summed
        cells = [run.label, run.path, run.format_version if run.format_version is not None else "",
                 _joined(pools, "replica", "model", "name"), _joined(pools, "replica", "device", "name"),
                 _total_replicas(pools), _joined(pools, "replica", "tensor_parallel_size"),
                 _joined(pools, "replica", "num_pipeline_stages"), _joined(pools, "replica_scheduler", "name"),
                 _cfg(c, "cluster", "global_scheduler", "name"), _joined(pools, "execution_time_predictor", "name"),
                 _cfg(c, "request_generator", "interval_generator", "name") or _cfg(c, "request_generator", "name"),
                 _cfg(c, "request_generator", "interval_generator", "qps"), run.attrs.get("seed", ""),
                 run.attrs.get("num_ranks", ""), run.attrs.get("num_events", ""),
                 {0: "no", 1: "yes"}.get(run.attrs.get("time_limit_reached"), "")]
        rows.append("<tr>" + "".join(text_cell(x) for x in cells) + "</tr>\n")
    rows.append("</table>\n</div>\n")
    if any(len(config_pools(run.config)) > 1 for run in runs):
        rows.append("<p>A run with several pools of replicas shows each column's distinct values over its pools joined "
                    "with '+' and the total of their replicas (per pool: the Pools table).</p>\n")
    return "".join(rows)


POOL_COLUMNS = (("num_replicas", "replicas", "d"), ("device", "device", None), ("tensor_parallel_size", "TP", "d"),
                ("num_pipeline_stages", "PP", "d"), ("replica_scheduler", "replica scheduler", None),
                ("num_requests", "requests", "d"), ("completed_requests", "completed", "d"),
                ("busy_time_mean_percent", "busy (%)", ".2f"), ("memory_usage_mean_percent", "KV memory (%)", ".2f"),
                ("cost_per_hour", "USD/hour", ".2f"))


def _pools_table(runs):
    """One row per run and pool (/pools), drawn only when a run has more than one pool."""
    have = [r for r in runs if r.pools is not None and len(r.pools)]
    if not any(len(r.pools) > 1 for r in have):
        return ""
    parts = ["<h2>Pools</h2>\n<div class=\"wide\">\n<table id=\"pools\">\n<tr><th>file</th><th>pool</th>" +
             "".join(f"<th>{escape(h)}</th>" for _, h, _ in POOL_COLUMNS) + "</tr>\n"]
    for run in have:
        for _, row in run.pools.iterrows():
            cells = [text_cell(run.label, "label"), text_cell(row.get("pool", ""))]
            for col, _, spec in POOL_COLUMNS:
                v = row.get(col)
                if spec is None:
                    cells.append(text_cell("" if v is None else v))
                else:
                    cells.append(num_cell(col, None if v is None else (int(v) if spec == "d" else float(v)), spec))
            parts.append(f'<tr data-file="{escape(run.label)}">' + "".join(cells) + "</tr>\n")
    parts.append("</table>\n</div>\n<p>One row per pool of replicas (/pools): requests routed to the pool and "
                 "completed; busy: mean busy_time_percent of its replica stages; KV memory: mean of its replicas' "
                 "memory_usage_mean_percent; USD/hour: its GPUs x the device's price per GPU-hour.</p>\n")
    return "".join(parts)


OPERATOR_COLUMNS = (("pool", "pool", None), ("operator", "operator", None), ("data", "data", None), ("method", "method", None),
                    ("heldout_mape_percent", "held-out MAPE (%)", ".2f"), ("samples", "samples", "d"),
                    ("domain", "profiled domain", None), ("share_of_gpu_time", "share of GPU time (%)", ".2f"))


def _operators(runs):
    have = [r for r in runs if r.operators is not None and len(r.operators)]
    if not have:
        return ""
    parts = ["<h2>Predictor operators</h2>\n"]
    for run in have:
        ops = run.operators
        cols = [c for c in OPERATOR_COLUMNS if c[0] in ops.columns]
        parts.append(f"<details{' open' if len(have) == 1 else ''}><summary>{escape(run.label)}: "
                     f"{escape(shares_text(predictor_name(run.config), run.predictor_shares))}"
                     "</summary>\n<div class=\"wide\"><table>\n<tr>" +
                     "".join(f"<th>{escape(h)}</th>" for _, h, _ in cols) + "</tr>\n")
        for _, row in ops.iterrows():
            cells = []
            for col, _, spec in cols:
                v = row[col]
                if col == "share_of_gpu_time":
                    v = 100 * float(v)
                cells.append(num_cell(col, v, spec) if spec else text_cell(v))
            parts.append("<tr>" + "".join(cells) + "</tr>\n")
        parts.append("</table></div></details>\n")
    return "".join(parts)


SWEEP_METRIC_SCALE = {"tbt": 1e3, "tpot": 1e3}  # /summary has seconds; TBT and TPOT in ms like the run report


def sweep_page(sweep, out, plots, skipped, chosen, how, frontier_ids, notes):
    s = sweep.summary
    title = f"llmsim sweep report: {sweep.name()}"
    html = [_head(title), _notes(notes)]
    info = [f"{len(s)} configurations", f"file {sweep.path}"]
    if sweep.format_version is not None:
        info.append(f"format_version {sweep.format_version}")
    if "complete" in sweep.attrs:
        info.append("complete" if int(sweep.attrs["complete"]) == 1 else "INCOMPLETE")
    if sweep.capacity_search:
        cs = sweep.capacity_search
        info.append(f"capacity search: max QPS with P{cs['quantile'] * 100:g} {cs['metric']} <= {cs['slo_s']:g} s")
    html.append(f"<p>{escape('; '.join(info))}.</p>\n")
    html.append("<h2>Summary</h2>\n<p>One row per configuration, "
                + ("highest capacity first" if how == "highest capacity" else "in expansion order")
                + "; * = on the Pareto frontier (capacity vs cost), + = drawn in the latency figures "
                  f"({escape(how)}). Percentiles as written by llmsim-sweep in /summary.</p>\n")
    if how == "highest capacity" and "capacity_qps" in s.columns:
        order = s.assign(_neg=-s["capacity_qps"].fillna(-math.inf)).sort_values(["_neg", "index"] if "index" in s
                                                                               else "_neg", kind="stable")
    else:
        order = s
    plotted = set(chosen["id"])
    numeric = [("num_gpus", "GPUs", "d", 1), ("cost_per_hour", "cost ($/h)", ".2f", 1), ("qps", "QPS (stored run)", ".4g", 1),
               ("capacity_qps", "capacity (req/s)", ".4g", 1), ("qps_per_dollar", "QPS per $/h", ".4g", 1),
               ("num_requests", "requests", "d", 1), ("completed_requests", "completed", "d", 1),
               ("makespan_s", "makespan (s)", ".3f", 1)]
    numeric = [c for c in numeric if c[0] in s.columns]
    metrics = [m for m in REQUEST_METRICS if f"{m.key}_p50_s" in s.columns]
    top, sub = _metric_header(metrics)
    tail = [c for c in (("mfu_mean_percent", "MFU mean (%)", ".2f", 1),
                        ("memory_usage_mean_percent", "KV memory mean (%)", ".2f", 1)) if c[0] in s.columns]
    html.append(f'<div class="wide{" tall" if len(s) > 20 else ""}">\n<table id="summary">\n<tr><th rowspan="2">#</th><th rowspan="2">configuration</th>'
                '<th rowspan="2">id</th>' + ('<th rowspan="2">pools</th>' if "pools" in s.columns else "")
                + "".join(f'<th rowspan="2">{escape(h)}</th>' for _, h, _, _ in numeric)
                + top + "".join(f'<th rowspan="2">{escape(h)}</th>' for _, h, _, _ in tail)
                + ('<th rowspan="2">predictor</th>' if "predictor" in s.columns else "") + "</tr>\n<tr>" + sub
                + "</tr>\n")

    def cell(key, v, spec):
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return num_cell(key, None, spec)
        return num_cell(key, int(v) if spec == "d" else float(v), spec)

    for _, row in order.iterrows():
        marks = ("*" if row["id"] in frontier_ids else "") + ("+" if row["id"] in plotted else "")
        cells = [num_cell("index", int(row["index"]), "d") if "index" in s else text_cell(""),
                 text_cell(f"{row['label']} {marks}".rstrip(), "label"), text_cell(row["id"])]
        if "pools" in s.columns:
            cells.append(text_cell(row["pools"], "label"))
        cells += [cell(col, row[col], spec) for col, _, spec, _ in numeric]
        for m in metrics:
            for q in QUANTILES:
                col = f"{m.key}_p{q}_s"
                v = row[col] if col in s.columns else None
                cells.append(cell(f"{m.key}_p{q}", None if v is None else float(v) * SWEEP_METRIC_SCALE.get(m.key, 1),
                                  ".4f"))
        cells += [cell(col, row[col], spec) for col, _, spec, _ in tail]
        if "predictor" in s.columns:
            cells.append(text_cell(row["predictor"]))
        html.append(f'<tr data-config="{escape(str(row["id"]))}">' + "".join(cells) + "</tr>\n")
    html.append("</table>\n</div>\n")
    html.append(_figures(out, plots, skipped))
    html.append("</body>\n</html>\n")
    return "".join(html)
