"""Checks shared by check_report.py and check_report_examples.py (scripts/llmsim-report's outputs).

  * the expected figures (RUN_PNGS, SWEEP_PNGS) and their size (WIDTH x HEIGHT);
  * check_files: index.html references exactly the PNGs of its directory, each embedded and a valid PNG of that size;
  * check_run_rows: a run's summary-table row (counts, makespan, throughputs, P50/P90/P99 of TTFT, TPOT, ITL, TBT,
    e2e, scheduling delay) equals the numpy recomputation from the HDF5 datasets (/requests, /tokens) and the file's
    /summary attributes: exact value in data-value (rtol 1e-12), printed text to its last digit;
  * check_pools_rows (from check_run_rows): table#pools is on the page exactly when a run has several pools (/pools
    rows), with one row per pool of each run whose numbers equal /pools.
  * check_kv_transfers (from check_run_rows): table#kv_transfers is on the page exactly when a run has /kv_transfers,
    one row per such run whose transfers, GB moved, mean and P99 copy time and P99 wait for memory equal the numpy
    recomputation from /kv_transfers; the figure kv_transfers.png is on the page exactly when a run has
    /kv_transfers rows, and is otherwise listed as not drawn.
Each check raises AssertionError with the reason.
"""
import base64
import json
import struct
import subprocess
import sys
from html.parser import HTMLParser

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
# figures drawn from /batches: absent (listed as not drawn) when the run did not store batch metrics
BATCH_PNGS = {"batch_size_hist.png", "batch_tokens_hist.png"}
# the figure of /kv_transfers: drawn in addition to RUN_PNGS exactly when a run has /kv_transfers rows
KV_PNG = "kv_transfers.png"
TOKENS_AND_SERIES = ["--set", "metrics.store_token_completion_metrics=true", "--set", "metrics.store_time_series=true"]


def check(cond, message):
    if not cond:
        raise AssertionError(message)


class Page(HTMLParser):
    """Images, links, and the cells of every table with an id: tables[id] = rows of (tr attributes, [(td attributes,
    text)]); rows = tables["summary"]."""

    def __init__(self):
        super().__init__()
        self.images, self.links, self.notes, self.items = [], [], [], []
        self.tables = {"summary": []}
        self._table = None
        self._cell = None
        self._note = None
        self._item = None

    @property
    def rows(self):
        return self.tables["summary"]

    @property
    def notes_text(self):
        return " | ".join(self.notes)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "p" and a.get("class") == "note":
            self._note = []
        if tag == "li":
            self._item = []
        if tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "table":
            self._table = a.get("id")
            if self._table is not None:
                self.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append((a, []))
        elif tag == "td" and self._table is not None:
            self._cell = (a, [])

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1].append(data)
        if self._note is not None:
            self._note.append(data)
        if self._item is not None:
            self._item.append(data)

    def handle_endtag(self, tag):
        if tag == "p" and self._note is not None:
            self.notes.append("".join(self._note))
            self._note = None
        if tag == "li" and self._item is not None:
            self.items.append("".join(self._item))
            self._item = None
        if tag == "td" and self._cell is not None:
            self.tables[self._table][-1][1].append((self._cell[0], "".join(self._cell[1]).strip()))
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


POOL_KEYS = ("num_replicas", "tensor_parallel_size", "num_pipeline_stages", "num_requests", "completed_requests",
             "busy_time_mean_percent", "memory_usage_mean_percent", "cost_per_hour")  # number cells of table#pools


def check_pools_rows(page, files):
    """table#pools: present exactly when a run of `files` (label -> path) has more than one /pools row; then one row
    per pool of each run with /pools, in order, its numbers equal to /pools."""
    pools = {}
    for label, path in files.items():
        with h5py.File(path, "r") as f:
            pools[label] = f["pools"][()] if isinstance(f.get("pools"), h5py.Dataset) else None
    several = any(p is not None and len(p) > 1 for p in pools.values())
    check(("pools" in page.tables) == several,
          f"table#pools {'missing' if several else 'present'} although "
          f"{'a run has' if several else 'no run has'} several pools")
    if not several:
        return
    for label, table in pools.items():
        rows = [cells_of(r) for r in page.tables["pools"] if r[0].get("data-file") == label]
        check(len(rows) == (0 if table is None else len(table)),
              f"{label}: {len(rows)} rows in table#pools, /pools has {0 if table is None else len(table)}")
        for k, cells in enumerate(rows):
            for key in POOL_KEYS:
                if key in table.dtype.names:
                    check_value(f"{label} pool {k}", key, cells.get(key), float(table[key][k]))


def kv_expected(kv):
    """The numbers of a table#kv_transfers row, from /kv_transfers rows with numpy alone (times in ns -> ms; None
    where there is no transfer)."""
    copy = (kv["transfer_completed_at"].astype(np.int64) - kv["transfer_started_at"].astype(np.int64)) / 1e6
    wait = (kv["transfer_started_at"].astype(np.int64) - kv["assigned_at"].astype(np.int64)) / 1e6
    some = len(kv) > 0
    return {"kv_transfers": len(kv), "kv_gb": float(kv["kv_bytes"].sum()) / 1e9,
            "copy_mean_ms": float(np.mean(copy)) if some else None,
            "copy_p99_ms": float(np.percentile(copy, 99)) if some else None,
            "wait_p99_ms": float(np.percentile(wait, 99)) if some else None}


def check_kv_transfers(page, files):
    """table#kv_transfers: present exactly when a run of `files` (label -> path) has /kv_transfers, one row per such
    run, its numbers equal to kv_expected; the figure kv_transfers.png: on the page exactly when a run has
    /kv_transfers rows, otherwise listed as not drawn."""
    tables = {}
    for label, path in files.items():
        with h5py.File(path, "r") as f:
            if not isinstance(f.get("kv_transfers"), h5py.Dataset):
                continue
            units = json.loads(f["kv_transfers"].attrs["units"])
            for col in ("prefill_completed_at", "assigned_at", "transfer_started_at", "transfer_completed_at"):
                check(units.get(col) == "ns", f"{path}: /kv_transfers {col} in {units.get(col)!r}, not ns")
            tables[label] = f["kv_transfers"][()]
    check(("kv_transfers" in page.tables) == bool(tables),
          f"table#kv_transfers {'missing' if tables else 'present'} although "
          f"{'a run has' if tables else 'no run has'} /kv_transfers")
    drawn = KV_PNG in page.links
    some = any(len(t) for t in tables.values())
    check(drawn == some, f"{KV_PNG} {'on' if drawn else 'not on'} the page although "
                         f"{'a run has' if some else 'no run has'} /kv_transfers rows")
    if not some:
        check(any(item.startswith("KV-cache transfers: no /kv_transfers rows") for item in page.items),
              "the KV-cache transfers figure is not listed as not drawn")
    if not tables:
        return
    listed = [r for r in page.tables["kv_transfers"] if r[0].get("data-file")]  # the header row has none
    rows = {r[0]["data-file"]: cells_of(r) for r in listed}
    check(set(rows) == set(tables) and len(listed) == len(tables),
          f"table#kv_transfers rows {sorted(rows)}, runs with /kv_transfers {sorted(tables)}")
    for label, kv in tables.items():
        for key, expected in kv_expected(kv).items():
            if expected is None:
                cell = rows[label].get(key)
                check(cell is not None and cell[0] is None, f"{label}: {key} has a value without transfers")
            else:
                check_value(f"{label} kv_transfers", key, rows[label].get(key), expected)


def check_run_rows(page, files, printed=None):
    """Each row of `files` (label -> path) against its HDF5 file and, for labels in `printed`, llmsim's printed text."""
    printed = printed or {}
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
    check_pools_rows(page, files)
    check_kv_transfers(page, files)


def run_checks(main):
    """Exit with main()'s status; a failed check (AssertionError) prints its reason and exits 1."""
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"check failed: {e}", file=sys.stderr)
        sys.exit(1)
