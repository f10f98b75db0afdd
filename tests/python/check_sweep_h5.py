#!/usr/bin/env python3
"""Check a merged llmsim-sweep file with h5py + pandas against its sweep definition.

Usage: check_sweep_h5.py SWEEP.h5 JOB.yaml --sweep BIN/llmsim-sweep --llmsim BIN/llmsim --workdir DIR
  * every configuration `llmsim-sweep list` names is in /configs and in /summary (same order), and the file says
    it is complete;
  * /summary reads into pandas, one row per configuration; its percentiles, cost and QPS per dollar equal
    those recomputed from each configuration's requests and resolved config;
  * with a capacity search, every probe's under_slo agrees with the SLO, and the stored run's metric quantile is
    the one its probe measured;
  * each configuration's datasets are byte-identical to running it alone with `llmsim --config BASE --set ...`
    (its recorded overrides; with a capacity search, at the capacity QPS it found); from format 2 on also its
    /tokens and /timeseries (when stored), /operator_times and the /summary group's attributes.
Exit 0 when every check holds, 1 otherwise (the reason is printed).
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

DATASETS = ("requests", "batches", "replica_stages", "replicas")
OPTIONAL_DATASETS = ("tokens", "timeseries")  # format 2, when the configuration stored them
QPS_KEY = "request_generator.interval_generator.qps"
METRICS = {"ttft": ("prefill_e2e_time", 1e9), "tbt": ("decode_time_execution_plus_preemption_normalized", 1.0),
           "e2e": ("e2e_time", 1e9), "scheduling_delay": ("scheduling_delay", 1e9),
           "tpot": None}  # format 2: (completed_at - prefill_completed_at) / (num_decode_tokens - 1)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def listed_configs(sweep_bin, job):
    out = subprocess.run([sweep_bin, "list", job], check=True, capture_output=True, text=True).stdout
    base = next(line.split(" base ", 1)[1] for line in out.splitlines() if " base " in line)
    rows = [line.split(None, 3) for line in out.splitlines() if line[:5].strip().isdigit()]
    return base.strip(), [(r[1], r[3]) for r in rows]


def metric_values(requests, metric):
    done = requests[requests["completed"] == 1]
    if metric == "tpot":
        multi = done[done["num_decode_tokens"] > 1]
        span = multi["completed_at"].to_numpy(np.int64) - multi["prefill_completed_at"].to_numpy(np.int64)
        return span / 1e9 / (multi["num_decode_tokens"].to_numpy(np.float64) - 1)
    column, divisor = METRICS[metric]
    return done[column].to_numpy(dtype=np.float64) / divisor


def slo_attainment(requests, slos):
    """DistServe's attainment: completed requests meeting every SLO (`slos`: {"<metric>_s": seconds}), of all."""
    ok = (requests["completed"] == 1).to_numpy()
    for key, slo in slos.items():
        metric = key[:-len("_s")]
        values = np.full(len(requests), -np.inf)  # a metric a request does not have cannot be missed
        done = ok.copy()
        if metric == "tpot":
            done &= (requests["num_decode_tokens"] > 1).to_numpy()
        values[done] = metric_values(requests[done], metric)
        ok &= values <= slo
    return ok.sum() / len(requests)


def check_summary_row(cid, row, group, search):
    requests = pd.DataFrame(group["requests"][()])
    for metric in METRICS:
        if metric == "tpot" and int(group.file.attrs["format_version"]) < 2:
            continue
        values = metric_values(requests, metric)
        for q in (50, 90, 99):
            expected = np.percentile(values, q)
            check(np.isclose(row[f"{metric}_p{q}_s"], expected, rtol=1e-12, atol=0),
                  f"{cid}: summary {metric}_p{q}_s {row[f'{metric}_p{q}_s']} != {expected} from its requests")
    config = json.loads(group.attrs["config"])
    pools = config["cluster"]["pools"]
    gpus = sum(p["num_replicas"] * p["replica"]["tensor_parallel_size"] * p["replica"]["num_pipeline_stages"]
               for p in pools)
    cost = sum(p["num_replicas"] * p["replica"]["tensor_parallel_size"] * p["replica"]["num_pipeline_stages"] *
               p["replica"]["device"]["price_per_hour"] for p in pools)
    check(row["num_gpus"] == gpus and np.isclose(row["cost_per_hour"], cost, rtol=1e-12), f"{cid}: cost differs")
    qps = row["capacity_qps"] if search else row["qps"]
    check(np.isclose(row["qps_per_dollar"], qps / cost, rtol=1e-12) or (np.isnan(qps) and np.isnan(row["qps_per_dollar"])),
          f"{cid}: qps_per_dollar differs")
    for source in ("table", "profile", "extrapolated", "roofline"):
        check(np.isclose(row[f"share_{source}"], group["predictor"].attrs[f"share_{source}"], rtol=1e-12, atol=0),
              f"{cid}: summary share_{source} differs from its /predictor group")
    if search:
        probes = pd.DataFrame(group["capacity_search"][()])
        goodput = search["metric"] == "goodput"
        threshold = 1 - search["attainment"] if goodput else search["slo_s"]
        check(((probes["metric_value"] <= threshold) == (probes["under_slo"] == 1)).all(),
              f"{cid}: under_slo disagrees with the SLO")
        stored_qps = config["request_generator"]["interval_generator"]["qps"]
        if goodput:  # the fraction of all requests that did not complete within every SLO
            measured = 1 - slo_attainment(requests, search["slos"])
        else:
            measured = np.percentile(metric_values(requests, search["metric"]), search["quantile"] * 100)
        at_stored = probes[probes["qps"] == stored_qps]["metric_value"]
        check(len(at_stored) >= 1 and np.isclose(at_stored.iloc[0], measured, rtol=1e-12),
              f"{cid}: the stored run's {search['metric']} quantile {measured} is not its probe's")


def run_alone(llmsim, base, overrides, out):
    cmd = [llmsim, "--quiet", "--config", base, "--output", str(out)]
    for o in overrides:
        cmd += ["--set", o]
    subprocess.run(cmd, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sweep_file")
    ap.add_argument("job")
    ap.add_argument("--sweep", required=True)
    ap.add_argument("--llmsim", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    base, expected = listed_configs(args.sweep, args.job)
    check(len(expected) > 0, "llmsim-sweep list printed no configurations")
    with h5py.File(args.sweep_file, "r") as f:
        check(int(f.attrs["complete"]) == 1, "the sweep file is not complete")
        check(int(f.attrs["num_configs"]) == len(expected), "num_configs differs from the expansion")
        summary = pd.DataFrame(f["summary"][()])
        ids = [i.decode() for i in summary["id"]]
        check(ids == [e[0] for e in expected], f"summary ids {ids} differ from the listed ones")
        check(sorted(f["configs"].keys()) == sorted(ids), "configs groups differ from the summary")
        check((summary["completed_requests"] == summary["num_requests"]).all(), "unfinished requests in a config")
        search = json.loads(f.attrs["capacity_search"])
        for i, (cid, label) in enumerate(expected):
            g = f["configs"][cid]
            check_summary_row(cid, summary.iloc[i], g, search)
            check(g.attrs["label"] == label, f"{cid}: label {g.attrs['label']} != {label}")
            overrides = json.loads(g.attrs["overrides"])
            if "capacity_search" in g:
                probes = pd.DataFrame(g["capacity_search"][()])
                qps = json.loads(g.attrs["config"])["request_generator"]["interval_generator"]["qps"]
                check(summary["num_probes"][i] == len(probes), f"{cid}: probe count differs")
                if summary["capacity_found"][i]:
                    best = probes[probes["under_slo"] == 1]["qps"].max()
                    check(best == qps == summary["capacity_qps"][i], f"{cid}: stored run is not at capacity")
                overrides = overrides + [f"{QPS_KEY}={qps!r}"]
            alone = work / f"{cid}.h5"
            run_alone(args.llmsim, base, overrides, alone)
            with h5py.File(alone, "r") as a:
                for name in DATASETS + tuple(n for n in OPTIONAL_DATASETS if n in g or n in a):
                    check(name in g and name in a, f"{cid} [{label}]: /{name} only in one of the sweep and the "
                                                   "standalone run")
                    check(g[name][()].tobytes() == a[name][()].tobytes(),
                          f"{cid} [{label}]: dataset {name} differs from the standalone run")
                if "operator_times" in g or "operator_times" in a:  # variable-length strings: compare the values
                    check(pd.DataFrame(g["operator_times"][()]).equals(pd.DataFrame(a["operator_times"][()])),
                          f"{cid} [{label}]: operator_times differs from the standalone run")
                if "summary" in a:
                    mine, theirs = dict(g["summary"].attrs), dict(a["summary"].attrs)
                    same = mine.keys() == theirs.keys() and all(
                        mine[k] == theirs[k] or (isinstance(mine[k], float) and np.isnan(mine[k]) and np.isnan(theirs[k]))
                        for k in mine)
                    check(same, f"{cid} [{label}]: /summary attributes differ from the standalone run")
                check(g.attrs["config"] == a.attrs["config"], f"{cid}: resolved config differs")
    print(f"{args.sweep_file}: {len(expected)} configurations present and equal to standalone runs")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"check failed: {e}", file=sys.stderr)
        sys.exit(1)
