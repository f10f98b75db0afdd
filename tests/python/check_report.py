#!/usr/bin/env python3
"""Check scripts/llmsim-report on fresh small runs and a small capacity-search sweep.

Usage: check_report.py --llmsim BIN/llmsim --sweep BIN/llmsim-sweep --report scripts/llmsim-report
                       --examples configs/examples --workdir DIR
  * one run (2 replicas, 96 requests): index.html references exactly the PNGs written, each embedded image equals
    its file, each PNG is a valid 1000x600 PNG (IHDR read with struct), every run figure is there; the summary
    table's counts, makespan and P50/P90/P99 of TTFT, TBT, e2e and scheduling delay equal those computed from the
    HDF5 with numpy (exact value in data-value, printed text to its last digit) and the text llmsim itself printed;
  * two runs overlaid with --label: one summary row per run, each checked the same way;
  * a capacity-search sweep: the sweep figures are there and its summary table equals /summary and the
    percentiles recomputed from each configuration's requests;
  * the same input gives byte-identical output; a missing, non-HDF5 or unknown-layout file exits 2.
Exit 0 when every check holds, 1 otherwise (the reason is printed).
"""
import argparse
import base64
import re
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import h5py
import numpy as np

WIDTH, HEIGHT = 1000, 600
RUN_PNGS = {"ttft_cdf.png", "tbt_cdf.png", "e2e_cdf.png", "scheduling_delay_cdf.png", "e2e_normalized_cdf.png",
            "arrivals_completions.png", "batch_size_hist.png", "batch_tokens_hist.png", "replica_busy.png",
            "replica_mfu.png", "operator_time.png", "replica_kv_memory.png"}
SWEEP_PNGS = {"capacity_vs_cost.png", "pareto_frontier.png", "capacity_probes.png", "sweep_ttft_cdf.png",
              "sweep_tbt_cdf.png", "sweep_e2e_cdf.png", "sweep_scheduling_delay_cdf.png"}
# metric -> (requests column, divisor to the displayed unit, multiplier), as llmsim's summary prints them
METRICS = {"ttft": ("prefill_e2e_time", 1e9, 1.0), "tbt": ("decode_time_execution_plus_preemption_normalized", 1.0, 1e3),
           "e2e": ("e2e_time", 1e9, 1.0), "scheduling_delay": ("scheduling_delay", 1e9, 1.0)}
LLMSIM_LINES = {"ttft": "TTFT (prefill_e2e_time)", "tbt": "TBT (decode time / output token)",
                "e2e": "e2e (request_e2e_time)", "scheduling_delay": "scheduling delay"}
SWEEP_JOB = """name: report-check
base: {base}
set:
  request_generator.num_requests: 64
axes:
  scheduler:
    values:
      - label: vllm
        set: {{cluster.replica_scheduler: {{name: vllm, batch_size_cap: 128}}}}
      - label: sarathi-512
        set: {{cluster.replica_scheduler: {{name: sarathi, chunk_size: 512, batch_size_cap: 128}}}}
  replicas:
    key: cluster.num_replicas
    values: [1, 2]
capacity_search:
  metric: scheduling_delay
  quantile: 0.99
  slo: 1s
  start_qps: 2
  max_iterations: 5
  min_search_granularity_percent: 10
"""


def check(cond, message):
    if not cond:
        raise AssertionError(message)


class Page(HTMLParser):
    """Images, links, and the cells of table#summary: rows of (tr attributes, [(td attributes, text)])."""

    def __init__(self):
        super().__init__()
        self.images, self.links, self.rows = [], [], []
        self._table = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "table":
            self._table = a.get("id")
        elif tag == "tr" and self._table == "summary":
            self.rows.append((a, []))
        elif tag == "td" and self._table == "summary":
            self._cell = (a, [])

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1].append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1][1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None
        elif tag == "table":
            self._table = None


def png_size(path):
    data = path.read_bytes()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG (signature)")
    length, kind = struct.unpack(">I4s", data[8:16])
    check(kind == b"IHDR" and length == 13, f"{path}: first chunk is not IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def run(cmd, expect=0):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    check(p.returncode == expect, f"{' '.join(map(str, cmd))}: exit {p.returncode}, expected {expect}\n{p.stderr}")
    return p


def check_files(out, expected_pngs):
    """index.html references exactly the PNGs in `out` (which include `expected_pngs`), embedded = file bytes."""
    index = out / "index.html"
    check(index.is_file(), f"{index} missing")
    page = Page()
    page.feed(index.read_text(encoding="utf-8"))
    pngs = {p.name for p in out.glob("*.png")}
    check(expected_pngs <= pngs, f"{out}: missing figures {sorted(expected_pngs - pngs)}")
    linked = {href for href in page.links if href.endswith(".png") and not href.startswith("#")}
    check(linked == pngs, f"{out}: index.html links {sorted(linked)}, directory has {sorted(pngs)}")
    embedded = [base64.b64decode(src.split(",", 1)[1]) for src in page.images if src.startswith("data:image/png;base64,")]
    check(len(embedded) == len(page.images) == len(pngs), f"{out}: {len(page.images)} images for {len(pngs)} PNGs")
    for name in sorted(pngs):
        check(png_size(out / name) == (WIDTH, HEIGHT), f"{out / name}: {png_size(out / name)} px, not {WIDTH}x{HEIGHT}")
        check((out / name).read_bytes() in embedded, f"{out}: {name} is not embedded in index.html")
    return page


def cells_of(row):
    return {a["data-key"]: (a.get("data-value"), text) for a, text in row[1] if "data-key" in a}


def check_value(where, key, cell, expected, rtol=1e-12):
    check(cell is not None and cell[0] is not None, f"{where}: no {key} value in the summary table")
    exact, text = float(cell[0]), cell[1]
    check(np.isclose(exact, expected, rtol=rtol, atol=1e-15), f"{where}: {key} = {exact}, HDF5 gives {expected}")
    decimals = len(text.split(".")[1]) if "." in text else 0
    check(abs(float(text) - expected) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9) + 1e-12,
          f"{where}: {key} printed as {text}, HDF5 gives {expected}")


def expected_percentiles(requests):
    done = requests[requests["completed"] == 1]
    out = {}
    for metric, (column, divisor, scale) in METRICS.items():
        values = done[column].astype(np.float64) / divisor * scale
        for q in (50, 90, 99):
            out[f"{metric}_p{q}"] = np.percentile(values, q)
    return out


def llmsim_printed(stdout):
    """metric_pQ -> the text llmsim's run summary printed."""
    printed = {}
    for metric, label in LLMSIM_LINES.items():
        line = next(line for line in stdout.splitlines() if line.strip().startswith(label))
        for q, value in zip((50, 90, 99), line[len(line) - len(line.lstrip()) + len(label):].split()[:3]):
            printed[f"{metric}_p{q}"] = value
    return printed


def check_run_rows(page, files, printed):
    rows = {r[0].get("data-file"): cells_of(r) for r in page.rows if r[0].get("data-file")}
    check(set(rows) == set(files), f"summary rows {sorted(rows)} != files {sorted(files)}")
    for label, path in files.items():
        cells = rows[label]
        with h5py.File(path, "r") as f:
            requests = f["requests"][()]
            makespan = int(f.attrs["makespan_ns"]) / 1e9
        check_value(label, "requests", cells.get("requests"), len(requests))
        check_value(label, "completed", cells.get("completed"), int((requests["completed"] == 1).sum()))
        check_value(label, "makespan", cells.get("makespan"), makespan)
        for key, expected in expected_percentiles(requests).items():
            check_value(label, key, cells.get(key), expected)
            if label in printed:
                check(cells[key][1] == printed[label][key],
                      f"{label}: {key} printed as {cells[key][1]} in the report, {printed[label][key]} by llmsim")


def check_sweep_rows(page, sweep_path):
    rows = {r[0].get("data-config"): cells_of(r) for r in page.rows if r[0].get("data-config")}
    with h5py.File(sweep_path, "r") as f:
        summary = f["summary"][()]
        ids = [i.decode() for i in summary["id"]]
        check(set(rows) == set(ids), f"sweep summary rows {sorted(rows)} != configurations {sorted(ids)}")
        for k, cid in enumerate(ids):
            cells = rows[cid]
            for key, expected in expected_percentiles(f["configs"][cid]["requests"][()]).items():
                check_value(cid, key, cells.get(key), expected, rtol=1e-9)
                metric, q = key.rsplit("_p", 1)
                stored = summary[f"{metric}_p{q}_s"][k] * (1e3 if metric == "tbt" else 1)
                check_value(cid, key, cells.get(key), stored, rtol=1e-12)
            if np.isfinite(summary["capacity_qps"][k]):
                check_value(cid, "capacity_qps", cells.get("capacity_qps"), summary["capacity_qps"][k])
            check_value(cid, "cost_per_hour", cells.get("cost_per_hour"), summary["cost_per_hour"][k])


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--llmsim", "--sweep", "--report", "--examples", "--workdir"):
        ap.add_argument(opt, required=True)
    args = ap.parse_args()
    work, examples, report = Path(args.workdir), Path(args.examples).resolve(), args.report
    work.mkdir(parents=True, exist_ok=True)
    small = ["--set", "request_generator.num_requests=96"]

    # One run: figures, sizes, summary against the HDF5 and llmsim's own printed summary.
    a, b = work / "a.h5", work / "b.h5"
    out_a = run([args.llmsim, "--log-level", "warn", "-c", examples / "vidur-default-7b.yaml", *small,
                 "--set", "cluster.num_replicas=2", "-o", a]).stdout
    printed = {"a": llmsim_printed(out_a)}
    run([args.llmsim, "-q", "-c", examples / "schedulers" / "vllm.yaml", *small, "-o", b])
    run([report, a, "--out", work / "a.report", "-q"])
    page = check_files(work / "a.report", RUN_PNGS)
    check_run_rows(page, {"a": a}, printed)

    # Determinism: the same input again gives the same bytes.
    run([report, a, "--out", work / "a.again", "-q"])
    for p in sorted((work / "a.report").iterdir()):
        check(p.read_bytes() == (work / "a.again" / p.name).read_bytes(), f"{p.name} differs between two reports")

    # Two runs overlaid.
    run([report, a, b, "--out", work / "ab.report", "--label", "sarathi-2r", "--label", "vllm-1r", "-q"])
    page = check_files(work / "ab.report", RUN_PNGS)
    check_run_rows(page, {"sarathi-2r": a, "vllm-1r": b}, {})

    # A capacity-search sweep.
    job = work / "sweep.yaml"
    job.write_text(SWEEP_JOB.format(base=examples / "vidur-default-7b.yaml"))
    sweep = work / "sweep.h5"
    run(["bash", "-c", 'rm -rf "$1" "$1.parts"', "-", sweep])
    run([args.sweep, "run", job, "-q", "-o", sweep])
    run([report, sweep, "--out", work / "sweep.report", "--max-configs", "3", "-q"])
    page = check_files(work / "sweep.report", SWEEP_PNGS)
    check_sweep_rows(page, sweep)

    # Errors: exit 2 with a message naming the problem.
    not_h5 = work / "not-hdf5.h5"
    not_h5.write_text("not an HDF5 file\n")
    other = work / "other.h5"
    with h5py.File(other, "w") as f:
        f["something"] = np.arange(3)
    for cmd, pattern in (([work / "missing.h5"], "no such file"), ([not_h5], "not an HDF5 file"),
                         ([other], "unknown layout"), ([sweep, a, "--out", work / "mixed"], "sweep file"),
                         ([a, b], "--out")):
        p = run([report, *cmd], expect=2)
        check(re.search(pattern, p.stderr), f"llmsim-report {cmd}: message {p.stderr!r} lacks '{pattern}'")
    print(f"llmsim-report: run, overlay and sweep reports checked in {work}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"check failed: {e}", file=sys.stderr)
        sys.exit(1)
