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
    same way (no ITL for the run without /tokens); neither has /kv_transfers: no KV-cache transfers table, the
    figure listed as not drawn;
  * three runs overlaid: the first run, disaggregated-7b.yaml and the same with an unlimited link
    (cluster.kv_transfer.bandwidth=0): the KV-cache transfers figure is there and the KV-cache transfers table has
    one row per disaggregated run, its numbers equal to the numpy recomputation from /kv_transfers; with the
    unlimited link every copy takes the latency (mean and P99 copy time = kv_transfer.latency_ns of the config);
  * a capacity-search sweep: the sweep figures are there (TPOT included) and its summary table equals /summary
    (tpot_p*_s included) and the percentiles recomputed from each configuration's requests;
  * the same input gives byte-identical output; a missing, non-HDF5 or unknown-layout file exits 2.
Exit 0 when every check holds, 1 otherwise (the reason is printed). The shared checks are in report_checks.py
(check_report_examples.py runs them on every bundled example).
"""
import argparse
import json
import re
from pathlib import Path

import h5py
import numpy as np

from report_checks import (FORMAT_VERSION, KV_PNG, MS, RUN_PNGS, SWEEP_PNGS, TOKENS_AND_SERIES, cells_of, check,
                           check_files, check_run_rows, check_value, expected_percentiles, run, run_checks)

# metric -> how its line of llmsim's run summary starts (the label, then P50 P90 P99 and the unit)
LLMSIM_LINES = {"ttft": "TTFT (prefill_e2e_time)", "tpot": "TPOT (", "itl": "ITL (inter-token latency)",
                "tbt": "TBT (decode time / output token)", "e2e": "e2e (request_e2e_time)",
                "scheduling_delay": "scheduling delay"}
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

    # Disaggregated runs (one with an unlimited link: every copy takes the latency) overlaid with a mixed one.
    disagg, instant = work / "disagg.h5", work / "instant.h5"
    for path, extra in ((disagg, []), (instant, ["--set", "cluster.kv_transfer.bandwidth=0"])):
        run([args.llmsim, "-q", "-c", examples / "disaggregated-7b.yaml", *small, *extra, "-o", path])
    run([report, a, disagg, instant, "--out", work / "kv.report", "--label", "sarathi-2r", "--label", "disagg",
         "--label", "instant", "-q"])
    page = check_files(work / "kv.report", RUN_PNGS | {KV_PNG})
    check_run_rows(page, {"sarathi-2r": a, "disagg": disagg, "instant": instant}, {"sarathi-2r": printed["a"]})
    with h5py.File(instant, "r") as f:
        latency_ms = json.loads(f.attrs["config"])["cluster"]["kv_transfer"]["latency_ns"] / 1e6
    check(latency_ms > 0, f"{instant}: kv_transfer latency {latency_ms} ms")
    cells = cells_of(next(r for r in page.tables["kv_transfers"] if r[0].get("data-file") == "instant"))
    for key in ("copy_mean_ms", "copy_p99_ms"):
        check_value("instant", key, cells.get(key), latency_ms)

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
    run_checks(main)
