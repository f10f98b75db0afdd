#!/usr/bin/env python3
"""Check scripts/llmsim-report on fresh small runs and a small capacity-search sweep.

Usage: check_report.py --llmsim BIN/llmsim --sweep BIN/llmsim-sweep --report scripts/llmsim-report
                       --examples configs/examples --workdir DIR
  * one run (2 replicas, 96 requests, token completion times and time series stored): the files are format 2;
    index.html references exactly the PNGs written, each embedded image equals its file, each PNG is a valid
    1000x600 PNG (IHDR read with struct), every run figure is there (TPOT and ITL CDFs, queue / running / KV time
    series, GPU time per replica included); the summary table's counts, makespan, throughputs and P50/P90/P99 of TTFT,
    TPOT, ITL, TBT, e2e and scheduling delay equal those computed from the HDF5 with numpy (/requests, and /tokens
    for ITL; exact value in data-value, printed text to its last digit), the file's /summary attributes and the text
    llmsim itself printed (its TPOT and ITL lines included); the page shows no /summary warning, and does for a
    copy whose /summary attribute was altered; a copy claiming a newer format_version is reported with a note;
  * two runs overlaid with --label (one without /tokens, /timeseries): one summary row per run, each checked the
    same way (no ITL for the run without /tokens);
  * a capacity-search sweep: the sweep figures are there (TPOT included) and its summary table equals /summary
    (tpot_p*_s included) and the percentiles recomputed from each configuration's requests;
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
FORMAT_VERSION = 2
RUN_PNGS = {"ttft_cdf.png", "tpot_cdf.png", "itl_cdf.png", "tbt_cdf.png", "e2e_cdf.png", "scheduling_delay_cdf.png",
            "e2e_normalized_cdf.png", "arrivals_completions.png", "replica_queue.png", "replica_running.png",
            "replica_kv_timeseries.png", "batch_size_hist.png", "batch_tokens_hist.png", "replica_busy.png",
            "replica_mfu.png", "replica_kv_memory.png", "operator_time.png", "replica_operator_time.png"}
SWEEP_PNGS = {"capacity_vs_cost.png", "pareto_frontier.png", "capacity_probes.png", "sweep_ttft_cdf.png",
              "sweep_tpot_cdf.png", "sweep_tbt_cdf.png", "sweep_e2e_cdf.png", "sweep_scheduling_delay_cdf.png"}
# metric -> (requests column, divisor to the displayed unit, multiplier), as llmsim's summary prints them
METRICS = {"ttft": ("prefill_e2e_time", 1e9, 1.0), "tbt": ("decode_time_execution_plus_preemption_normalized", 1.0, 1e3),
           "e2e": ("e2e_time", 1e9, 1.0), "scheduling_delay": ("scheduling_delay", 1e9, 1.0)}
MS = {"tpot": 1e3, "itl": 1e3, "tbt": 1e3}  # metrics displayed in ms (the /summary attributes are in seconds)
SUMMARY_ATTR = {"ttft": "ttft", "tpot": "tpot", "itl": "itl", "tbt": "tbt", "e2e": "e2el",
                "scheduling_delay": "scheduling_delay"}  # report key -> /summary attribute prefix
# metric -> how its line of llmsim's run summary starts (the label, then P50 P90 P99 and the unit)
LLMSIM_LINES = {"ttft": "TTFT (prefill_e2e_time)", "tpot": "TPOT (", "itl": "ITL (inter-token latency)",
                "tbt": "TBT (decode time / output token)", "e2e": "e2e (request_e2e_time)",
                "scheduling_delay": "scheduling delay"}
TOKENS_AND_SERIES = ["--set", "metrics.store_token_completion_metrics=true", "--set", "metrics.store_time_series=true"]
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
        self.images, self.links, self.rows, self.notes = [], [], [], []
        self._table = None
        self._cell = None
        self._note = None

    @property
    def notes_text(self):
        return " | ".join(self.notes)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "p" and a.get("class") == "note":
            self._note = []
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
        if self._note is not None:
            self._note.append(data)

    def handle_endtag(self, tag):
        if tag == "p" and self._note is not None:
            self.notes.append("".join(self._note))
            self._note = None
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


def metric_values(requests, tokens=None):
    """metric -> its values over completed requests in the displayed unit, computed here with numpy alone: TPOT from
    /requests (decode span / (output tokens - 1), requests with more than one output token), ITL from /tokens (every
    gap between consecutive tokens of a completed request; only when `tokens` is given)."""
    done = requests[requests["completed"] == 1]
    out = {metric: done[column].astype(np.float64) / divisor * scale
           for metric, (column, divisor, scale) in METRICS.items()}
    multi = done[done["num_decode_tokens"] > 1]
    span = (multi["completed_at"].astype(np.int64) - multi["prefill_completed_at"].astype(np.int64)) / 1e9
    out["tpot"] = span / (multi["num_decode_tokens"].astype(np.float64) - 1) * 1e3
    if tokens is not None:
        tok = tokens[np.isin(tokens["request_id"], done["request_id"])]
        same = tok["request_id"][1:] == tok["request_id"][:-1]
        out["itl"] = np.diff(tok["completed_at"].astype(np.int64))[same] / 1e9 * 1e3
    return out


def expected_percentiles(requests, tokens=None):
    return {f"{metric}_p{q}": np.percentile(values, q)
            for metric, values in metric_values(requests, tokens).items() for q in (50, 90, 99)}


def llmsim_printed(stdout, with_itl):
    """metric_pQ -> the text llmsim's run summary printed (an ITL line only when token metrics were stored)."""
    printed = {}
    for metric, label in LLMSIM_LINES.items():
        lines = [line for line in stdout.splitlines() if line.strip().startswith(label)]
        if metric == "itl" and not with_itl:
            check(not lines, "llmsim printed an ITL line without token metrics")
            continue
        check(len(lines) == 1, f"llmsim's summary has {len(lines)} lines starting with '{label}':\n{stdout}")
        line = lines[0]
        fields = line.split()[-4:]
        check(fields[3] == ("s" if metric not in MS else "ms"),
              f"llmsim's '{label}' line is not three values and the unit {'ms' if metric in MS else 's'}: {line!r}")
        for q, value in zip((50, 90, 99), fields[:3]):
            printed[f"{metric}_p{q}"] = value
    return printed


def check_run_rows(page, files, printed):
    rows = {r[0].get("data-file"): cells_of(r) for r in page.rows if r[0].get("data-file")}
    check(set(rows) == set(files), f"summary rows {sorted(rows)} != files {sorted(files)}")
    for label, path in files.items():
        cells = rows[label]
        with h5py.File(path, "r") as f:
            check(int(f.attrs["format_version"]) == FORMAT_VERSION, f"{path}: format_version "
                                                                   f"{f.attrs['format_version']}, not {FORMAT_VERSION}")
            requests = f["requests"][()]
            tokens = f["tokens"][()] if "tokens" in f else None
            makespan = int(f.attrs["makespan_ns"]) / 1e9
            check(isinstance(f.get("summary"), h5py.Group), f"{path}: no /summary group")
            summary = dict(f["summary"].attrs)
        done = requests[requests["completed"] == 1]
        check_value(label, "requests", cells.get("requests"), len(requests))
        check_value(label, "completed", cells.get("completed"), len(done))
        check_value(label, "makespan", cells.get("makespan"), makespan)
        check_value(label, "request_throughput", cells.get("request_throughput"), len(done) / makespan)
        check_value(label, "output_token_throughput", cells.get("output_token_throughput"),
                    float(done["num_decode_tokens"].sum()) / makespan)
        check_value(label, "request_throughput", cells.get("request_throughput"), summary["request_throughput_per_s"])
        check_value(label, "output_token_throughput", cells.get("output_token_throughput"),
                    summary["output_token_throughput_per_s"])
        expected = expected_percentiles(requests, tokens)
        check(("itl_p50" in expected) == (tokens is not None), "internal: ITL expected exactly with /tokens")
        if tokens is None:
            check(cells.get("itl_p50") is None or cells["itl_p50"][0] is None,
                  f"{label}: an ITL value in the summary without /tokens")
            check(not any(k.startswith("itl_") for k in summary), f"{path}: /summary has ITL without /tokens")
        for key, value in expected.items():
            check_value(label, key, cells.get(key), value)  # numpy, from the datasets alone
            metric, q = key.rsplit("_p", 1)
            stored = summary[f"{SUMMARY_ATTR[metric]}_p{q}_s"] * MS.get(metric, 1.0)
            check_value(label, key, cells.get(key), stored)  # the file's own /summary attributes
            if label in printed:
                check(cells[key][1] == printed[label][key],
                      f"{label}: {key} printed as {cells[key][1]} in the report, {printed[label][key]} by llmsim")
        check(f"{label}: the file" not in page.notes_text,
              f"{label}: the page warns about /summary: {page.notes_text}")


def check_sweep_rows(page, sweep_path):
    rows = {r[0].get("data-config"): cells_of(r) for r in page.rows if r[0].get("data-config")}
    with h5py.File(sweep_path, "r") as f:
        summary = f["summary"][()]
        ids = [i.decode() for i in summary["id"]]
        check(set(rows) == set(ids), f"sweep summary rows {sorted(rows)} != configurations {sorted(ids)}")
        check(int(f.attrs["format_version"]) == FORMAT_VERSION, f"{sweep_path}: format_version "
                                                               f"{f.attrs['format_version']}, not {FORMAT_VERSION}")
        check(all(f"tpot_p{q}_s" in summary.dtype.names for q in (50, 90, 99)), "sweep /summary lacks tpot_p*_s")
        for k, cid in enumerate(ids):
            cells = rows[cid]
            for key, expected in expected_percentiles(f["configs"][cid]["requests"][()]).items():
                check_value(cid, key, cells.get(key), expected, rtol=1e-9)
                metric, q = key.rsplit("_p", 1)
                stored = summary[f"{metric}_p{q}_s"][k] * MS.get(metric, 1.0)
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
                 "--set", "cluster.num_replicas=2", *TOKENS_AND_SERIES, "-o", a]).stdout
    printed = {"a": llmsim_printed(out_a, with_itl=True)}
    out_b = run([args.llmsim, "--log-level", "warn", "-c", examples / "schedulers" / "vllm.yaml", *small,
                 "-o", b]).stdout
    printed["vllm-1r"] = llmsim_printed(out_b, with_itl=False)
    run([report, a, "--out", work / "a.report", "-q"])
    page = check_files(work / "a.report", RUN_PNGS)
    check_run_rows(page, {"a": a}, printed)
    check(not page.notes, f"a.report has notes: {page.notes_text}")

    # A /summary attribute that disagrees with the datasets is shown as a warning; a newer format is read with a note.
    for name, change, pattern in (("altered", ("summary", "tpot_p50_s", 1.0), r"WARNING: altered: .*tpot_p50_s"),
                                  ("newer", ("/", "format_version", np.int32(FORMAT_VERSION + 1)),
                                   rf"format_version {FORMAT_VERSION + 1} is newer")):
        copy = work / f"{name}.h5"
        copy.write_bytes(a.read_bytes())
        with h5py.File(copy, "r+") as f:
            f[change[0]].attrs[change[1]] = change[2]
        run([report, copy, "--out", work / f"{name}.report", "-q"])
        notes = check_files(work / f"{name}.report", RUN_PNGS).notes_text
        check(re.search(pattern, notes), f"{name}.report: notes {notes!r} lack '{pattern}'")

    # Determinism: the same input again gives the same bytes.
    run([report, a, "--out", work / "a.again", "-q"])
    for p in sorted((work / "a.report").iterdir()):
        check(p.read_bytes() == (work / "a.again" / p.name).read_bytes(), f"{p.name} differs between two reports")

    # Two runs overlaid.
    run([report, a, b, "--out", work / "ab.report", "--label", "sarathi-2r", "--label", "vllm-1r", "-q"])
    page = check_files(work / "ab.report", RUN_PNGS)
    check_run_rows(page, {"sarathi-2r": a, "vllm-1r": b}, {"sarathi-2r": printed["a"], "vllm-1r": printed["vllm-1r"]})

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
