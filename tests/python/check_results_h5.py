#!/usr/bin/env python3
"""Read an llmsim HDF5 result with h5py + pandas (no PyTables) and check its structure and invariants.

Usage: check_results_h5.py RESULTS.h5   (exit 0 = OK, 1 = a check failed, with the reason)
"""
import json
import sys

import h5py
import numpy as np
import pandas as pd

REQUIRED = {
    "requests": ["request_id", "replica_id", "completed", "arrived_at", "scheduled_at", "prefill_completed_at",
                 "completed_at", "e2e_time", "prefill_e2e_time", "scheduling_delay",
                 "decode_time_execution_plus_preemption_normalized"],
    "batches": ["replica_id", "batch_index", "scheduled_at", "completed_at", "size", "num_tokens"],
    "replica_stages": ["replica_id", "stage_id", "busy_time", "busy_time_percent", "mfu_percent"],
    "replicas": ["replica_id", "num_blocks", "num_requests", "memory_usage_mean_percent"],
}


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def load(path):
    with h5py.File(path, "r") as f:
        frames = {name: pd.DataFrame(f[name][()]) for name in REQUIRED}
        units = {name: json.loads(f[name].attrs["units"]) for name in REQUIRED}
        attrs = dict(f.attrs)
    return frames, units, attrs


def check_requests(req, config):
    check(len(req) > 0, "no requests")
    check((req["request_id"].to_numpy() == np.arange(len(req))).all(), "request ids are not 0..N-1 in order")
    check((np.diff(req["arrived_at"]) >= 0).all(), "arrivals not sorted")
    done = req[req["completed"] == 1]
    check(len(done) == len(req), f"{len(req) - len(done)} requests did not complete")
    check((done["arrived_at"] <= done["scheduled_at"]).all(), "scheduled before arrival")
    check((done["scheduled_at"] <= done["prefill_completed_at"]).all(), "prefill completed before scheduling")
    check((done["prefill_completed_at"] <= done["completed_at"]).all(), "completed before prefill completed")
    check((done["e2e_time"] == done["completed_at"] - done["arrived_at"]).all(), "e2e != completed - arrived")
    check((done["prefill_e2e_time"] == done["prefill_completed_at"] - done["arrived_at"]).all(), "TTFT mismatch")
    check(req["replica_id"].between(0, config["cluster"]["num_replicas"] - 1).all(), "replica id out of range")


def main():
    path = sys.argv[1]
    frames, units, attrs = load(path)
    for name, cols in REQUIRED.items():
        missing = set(cols) - set(frames[name].columns)
        check(not missing, f"{name}: missing columns {sorted(missing)}")
        check(set(units[name]) == set(frames[name].columns), f"{name}: units do not cover the columns")
    check(units["requests"]["arrived_at"] == "ns", "arrived_at unit is not ns")
    config = json.loads(attrs["config"])
    check(frames["replicas"]["replica_id"].tolist() == list(range(config["cluster"]["num_replicas"])),
          "one replicas row per replica expected")
    check_requests(frames["requests"], config)
    batches = frames["batches"]
    check((batches["completed_at"] > batches["scheduled_at"]).all(), "batch ends before it starts")
    check(int(attrs["makespan_ns"]) >= int(frames["requests"]["completed_at"].max()), "makespan < last completion")
    stages = frames["replica_stages"]
    check(stages["busy_time_percent"].between(0, 100.000001).all(), "busy percent outside [0, 100]")
    print(f"{path}: OK ({len(frames['requests'])} requests, {len(batches)} batches, "
          f"format_version {attrs['format_version']})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"{sys.argv[1]}: check failed: {e}", file=sys.stderr)
        sys.exit(1)
