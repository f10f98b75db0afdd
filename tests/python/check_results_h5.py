#!/usr/bin/env python3
"""Read an llmsim HDF5 result with h5py + pandas (no PyTables) and check its structure and invariants.

Usage: check_results_h5.py RESULTS.h5   (exit 0 = OK, 1 = a check failed, with the reason)

Format 1 and 2 files (docs/hdf5-schema.md). Always: the four tables, their units, request timing identities. Format 2
also: the /summary group's attributes equal the values recomputed here with numpy from /requests (and /tokens for
ITL); /tokens, when present, holds exactly each completed request's output tokens (count, indices 0..n-1, token 0
at prefill_completed_at, the last at completed_at, times non-decreasing); /timeseries, when present, is sorted by
(replica, time), one row per change, with 0 <= kv_blocks_used <= the replica's num_blocks; /operator_times, when
present, sums per operator and source to /predictor/operators. /tokens and /timeseries exist exactly when the
resolved config stores them.
"""
import json
import math
import sys

import h5py
import numpy as np
import pandas as pd

KNOWN_FORMAT_VERSIONS = (1, 2)
REQUIRED = {
    "requests": ["request_id", "replica_id", "completed", "arrived_at", "scheduled_at", "prefill_completed_at",
                 "completed_at", "e2e_time", "prefill_e2e_time", "scheduling_delay",
                 "decode_time_execution_plus_preemption_normalized"],
    "batches": ["replica_id", "batch_index", "scheduled_at", "completed_at", "size", "num_tokens"],
    "replica_stages": ["replica_id", "stage_id", "busy_time", "busy_time_percent", "mfu_percent"],
    "replicas": ["replica_id", "num_blocks", "num_requests", "memory_usage_mean_percent"],
}
OPTIONAL = {  # format 2
    "tokens": ["request_id", "token_index", "completed_at"],
    "timeseries": ["replica_id", "time", "queue_length", "running_requests", "kv_blocks_used"],
}
OPERATOR_TIMES = ["replica_id", "operator", "source", "gpu_time_s"]
SOURCES = ("table", "profile", "extrapolated", "roofline")
SUMMARY_METRICS = ("ttft", "tpot", "itl", "e2el", "tbt", "scheduling_delay")


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def text(v):
    return v.decode("utf-8") if isinstance(v, (bytes, np.bytes_)) else str(v)


def load(path):
    with h5py.File(path, "r") as f:
        frames = {name: pd.DataFrame(f[name][()]) for name in REQUIRED}
        units = {name: json.loads(f[name].attrs["units"]) for name in REQUIRED}
        for name in OPTIONAL:
            if name in f:
                check(isinstance(f[name], h5py.Dataset), f"/{name} is not a dataset")
                frames[name] = pd.DataFrame(f[name][()])
                units[name] = json.loads(f[name].attrs["units"])
        if "operator_times" in f:
            frames["operator_times"] = pd.DataFrame(f["operator_times"][()])
        if "pools" in f:
            frames["pools"] = pd.DataFrame(f["pools"][()])
        if "kv_transfers" in f:
            frames["kv_transfers"] = pd.DataFrame(f["kv_transfers"][()])
        if "predictor" in f and "operators" in f["predictor"]:
            frames["operators"] = pd.DataFrame(f["predictor"]["operators"][()])
        attrs = dict(f.attrs)
        summary = None
        if "summary" in f:
            check(isinstance(f["summary"], h5py.Group), "/summary of a run file is not a group")
            check(len(f["summary"].keys()) == 0, "/summary holds datasets (attributes only expected)")
            summary = dict(f["summary"].attrs)
    return frames, units, attrs, summary


def num_replicas(config):
    return sum(p["num_replicas"] for p in config["cluster"]["pools"])


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
    check(req["replica_id"].between(0, num_replicas(config) - 1).all(), "replica id out of range")


def check_tokens(tok, req, makespan):
    """/tokens: per completed request exactly its output tokens, in order, from the prefill end to completion."""
    rid = tok["request_id"].to_numpy(np.int64)
    idx = tok["token_index"].to_numpy(np.int64)
    t = tok["completed_at"].to_numpy(np.int64)
    check(len(tok) > 0, "/tokens is empty")
    ordered = (rid[1:] > rid[:-1]) | ((rid[1:] == rid[:-1]) & (idx[1:] > idx[:-1]))
    check(ordered.all(), f"/tokens not sorted by (request_id, token_index) at row {int(np.argmin(ordered)) + 1}")
    check(((rid >= 0) & (rid < len(req))).all(), "/tokens names an unknown request")
    ids, starts, counts = np.unique(rid, return_index=True, return_counts=True)
    expected_index = np.arange(len(tok)) - np.repeat(starts, counts)
    bad = np.flatnonzero(idx != expected_index)
    check(not len(bad), f"/tokens: request {rid[bad[0]] if len(bad) else ''}: token indices are not 0..n-1")
    same = rid[1:] == rid[:-1]
    backwards = np.flatnonzero(same & (t[1:] < t[:-1]))
    check(not len(backwards), f"/tokens: request {rid[backwards[0] + 1] if len(backwards) else ''}: "
                              "token times decrease")
    check((t >= 0).all() and (t <= makespan).all(), "/tokens: a completion time outside [0, makespan]")
    count = np.zeros(len(req), dtype=np.int64)
    count[ids] = counts
    first = np.full(len(req), -1, dtype=np.int64)
    last = np.full(len(req), -1, dtype=np.int64)
    first[ids] = t[starts]
    last[ids] = t[starts + counts - 1]
    decode = req["num_decode_tokens"].to_numpy(np.int64)
    done = req["completed"].to_numpy() == 1
    for name, ok in (("token count != num_decode_tokens", count == decode),
                     ("token 0 not at prefill_completed_at", first == req["prefill_completed_at"].to_numpy(np.int64)),
                     ("last token not at completed_at", last == req["completed_at"].to_numpy(np.int64))):
        wrong = np.flatnonzero(done & ~ok)
        check(not len(wrong), f"/tokens: {len(wrong)} completed requests with {name}, e.g. request "
                              f"{wrong[0] if len(wrong) else ''}")
    check((count[~done] <= decode[~done]).all(), "/tokens: an unfinished request has more tokens than it generates")


def check_timeseries(ts, replicas, makespan):
    """/timeseries: sorted by (replica, time), one row per change, values within the replica's capacity."""
    r = ts["replica_id"].to_numpy(np.int64)
    t = ts["time"].to_numpy(np.int64)
    values = ts[["queue_length", "running_requests", "kv_blocks_used"]].to_numpy(np.int64)
    check(len(ts) > 0, "/timeseries is empty")
    ordered = (r[1:] > r[:-1]) | ((r[1:] == r[:-1]) & (t[1:] > t[:-1]))
    check(ordered.all(), f"/timeseries not sorted by (replica_id, time) with one row per instant, at row "
                         f"{int(np.argmin(ordered)) + 1}")
    blocks = dict(zip(replicas["replica_id"].astype(int), replicas["num_blocks"].astype(np.int64)))
    check(set(np.unique(r).tolist()) <= set(blocks), "/timeseries names an unknown replica")
    unchanged = (r[1:] == r[:-1]) & (values[1:] == values[:-1]).all(axis=1)
    check(not unchanged.any(), f"/timeseries: row {int(np.argmax(unchanged)) + 1} repeats its replica's previous state")
    check((t >= 0).all() and (t <= makespan).all(), "/timeseries: a time outside [0, makespan]")
    check((values[:, :2] >= 0).all(), "/timeseries: negative queue length or running requests")
    cap = np.array([blocks[int(x)] for x in r], dtype=np.int64)
    over = np.flatnonzero((values[:, 2] < 0) | (values[:, 2] > cap))
    check(not len(over), f"/timeseries: kv_blocks_used outside [0, num_blocks] at row {over[0] if len(over) else ''}")


def pool_of_replicas(pools, replica_ids):
    """The pool name of each replica id, from /pools' replica ranges."""
    names = np.empty(len(replica_ids), dtype=object)
    ids = np.asarray(replica_ids, dtype=np.int64)
    for _, p in pools.iterrows():
        first, n = int(p["first_replica_id"]), int(p["num_replicas"])
        names[(ids >= first) & (ids < first + n)] = text(p["pool"])
    return names


def check_pools(pools, config, frames, makespan):
    """/pools: one row per configured pool, in order, covering the replicas; its sums and means recomputed."""
    configured = config["cluster"]["pools"]
    check([text(v) for v in pools["pool"]] == [p["name"] for p in configured], "/pools names differ from the config")
    check(pools["num_replicas"].tolist() == [p["num_replicas"] for p in configured], "/pools replica counts differ")
    starts = np.concatenate([[0], np.cumsum(pools["num_replicas"].to_numpy())[:-1]])
    check((pools["first_replica_id"].to_numpy() == starts).all(), "/pools replica ranges are not consecutive")
    req, replicas, stages = frames["requests"], frames["replicas"], frames["replica_stages"]
    check(int(pools["num_replicas"].sum()) == len(replicas), "/pools do not cover /replicas")
    routed = req[req["replica_id"] >= 0]
    req_pool = pool_of_replicas(pools, routed["replica_id"])
    stage_pool = pool_of_replicas(pools, stages["replica_id"])
    replica_pool = pool_of_replicas(pools, replicas["replica_id"])
    for (_, row), conf in zip(pools.iterrows(), configured):
        name = text(row["pool"])
        mine = routed[req_pool == name]
        # A prefill pool also counts the prompts it prefilled and handed over (their rows name the decode replica).
        handed = 0
        if "kv_transfers" in frames:
            handed = int((pool_of_replicas(pools, frames["kv_transfers"]["prefill_replica_id"]) == name).sum())
        check(int(row["num_requests"]) == len(mine) + handed, f"/pools {name}: num_requests differs from /requests")
        check(int(row["completed_requests"]) == int(mine["completed"].sum()) + handed,
              f"/pools {name}: completed differs")
        rep = conf["replica"]
        gpus = conf["num_replicas"] * rep["tensor_parallel_size"] * rep["num_pipeline_stages"]
        check(int(row["num_gpus"]) == gpus, f"/pools {name}: num_gpus differs from the config")
        check(np.isclose(row["cost_per_hour"], gpus * rep["device"]["price_per_hour"], rtol=1e-12),
              f"/pools {name}: cost_per_hour differs from the config")
        check(np.isclose(row["cost_of_makespan"], row["cost_per_hour"] * makespan * 1e-9 / 3600, rtol=1e-12),
              f"/pools {name}: cost_of_makespan != cost_per_hour x makespan")
        check(np.isclose(row["busy_time_mean_percent"], stages[stage_pool == name]["busy_time_percent"].mean(),
                         rtol=1e-12), f"/pools {name}: busy_time_mean_percent differs from /replica_stages")
        check(np.isclose(row["memory_usage_mean_percent"],
                         replicas[replica_pool == name]["memory_usage_mean_percent"].mean(), rtol=1e-12),
              f"/pools {name}: memory_usage_mean_percent differs from /replicas")


def check_kv_transfers(kv, req, config):
    """/kv_transfers: one per handed-over request, from a prefill to a decode replica, lasting exactly the
    documented transfer time (docs/disaggregation.md), before the request's decode."""
    cluster = config["cluster"]
    pools = cluster["pools"]
    role = [p["role"] for p in pools for _ in range(p["num_replicas"])]
    pool_of = [i for i, p in enumerate(pools) for _ in range(p["num_replicas"])]
    check(kv["request_id"].is_unique and (np.diff(kv["request_id"]) > 0).all(), "/kv_transfers not one per request")
    check(all(role[p] == "prefill" for p in kv["prefill_replica_id"]), "/kv_transfers from a non-prefill replica")
    check(all(role[d] == "decode" for d in kv["decode_replica_id"]), "/kv_transfers to a non-decode replica")
    rows = req.set_index("request_id").loc[kv["request_id"]]
    check((rows["replica_id"].to_numpy() == kv["decode_replica_id"].to_numpy()).all(),
          "a handed-over request's row does not name its decode replica")
    check((rows["prefill_completed_at"].to_numpy() == kv["prefill_completed_at"].to_numpy()).all(),
          "/kv_transfers prefill_completed_at differs from /requests")
    check(((kv["prefill_completed_at"] <= kv["assigned_at"]) & (kv["assigned_at"] <= kv["transfer_started_at"]) &
           (kv["transfer_started_at"] <= kv["transfer_completed_at"])).all(), "/kv_transfers times out of order")
    done = rows["completed"].to_numpy() == 1
    check((rows["completed_at"].to_numpy()[done] > kv["transfer_completed_at"].to_numpy()[done]).all(),
          "a request completed before its KV cache arrived")
    model = pools[0]["replica"]["model"]
    link = cluster["kv_transfer"]
    per_token = (2.0 * model["num_layers"] * model["num_kv_heads"] * (model["embedding_dim"] / model["num_q_heads"]) *
                 link["bytes_per_element"])
    check(np.allclose(kv["kv_bytes"], kv["kv_tokens"] * per_token, rtol=1e-15, atol=0), "/kv_transfers kv_bytes")

    def shards(p):
        r = p["replica"]
        return min(r["tensor_parallel_size"], r["model"]["num_kv_heads"]) * r["num_pipeline_stages"]

    took = kv["transfer_completed_at"] - kv["transfer_started_at"]
    for (_, k), t in zip(kv.iterrows(), took):
        streams = min(shards(pools[pool_of[int(k["prefill_replica_id"])]]),
                      shards(pools[pool_of[int(k["decode_replica_id"])]]))
        bw = link["bandwidth_bytes_per_s"]
        want = link["latency_ns"] + (math.ceil(k["kv_bytes"] * 1e9 / (streams * bw)) if bw > 0 else 0)
        check(int(t) == want, f"request {int(k['request_id'])}: transfer took {int(t)} ns, the formula gives {want}")


def check_operator_times(ot, operators, pools, num_replicas):
    """/operator_times: nonzero rows, one per (replica, operator, source), summing per pool to /predictor/operators."""
    check(not (set(OPERATOR_TIMES) - set(ot.columns)), f"/operator_times: missing columns "
                                                       f"{sorted(set(OPERATOR_TIMES) - set(ot.columns))}")
    ot = ot.assign(operator=[text(v) for v in ot["operator"]], source=[text(v) for v in ot["source"]])
    check(ot["replica_id"].between(0, num_replicas - 1).all(), "/operator_times: replica id out of range")
    check((np.diff(ot["replica_id"].to_numpy()) >= 0).all(), "/operator_times not sorted by replica")
    check(not ot.duplicated(["replica_id", "operator", "source"]).any(), "/operator_times: repeated rows")
    gpu = ot["gpu_time_s"].to_numpy(np.float64)
    check((np.isfinite(gpu) & (gpu > 0)).all(), "/operator_times: a zero, negative or non-finite gpu_time_s")
    unknown = sorted(set(ot["source"]) - set(SOURCES))
    check(not unknown, f"/operator_times: unknown sources {unknown}")
    if operators is None or pools is None:
        return
    ot = ot.assign(pool=pool_of_replicas(pools, ot["replica_id"]))
    ops = operators.assign(operator=[text(v) for v in operators["operator"]],
                           pool=[text(v) for v in operators["pool"]]).set_index(["pool", "operator"])
    check(not ops.index.duplicated().any(), "/predictor/operators: an operator twice for one pool")
    sums = ot.groupby(["pool", "operator", "source"])["gpu_time_s"].sum()
    for pool, op in ops.index:
        for source in SOURCES:
            column = f"gpu_time_s_{source}"
            if column not in ops.columns:
                continue
            want = float(ops.at[(pool, op), column])
            got = float(sums.get((pool, op, source), 0.0))
            check(np.isclose(got, want, rtol=1e-9, atol=1e-12),
                  f"/operator_times of {op} from {source} in pool {pool} sum to {got} s, /predictor/operators "
                  f"says {want} s")
    used = set(zip(sums.index.get_level_values(0), sums.index.get_level_values(1)))
    check(used <= set(ops.index), "/operator_times names operators /predictor lacks")


def percentiles(values):
    return {q: np.percentile(values, q) if len(values) else np.nan for q in (50, 90, 99)}


def same(a, b, rtol):
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return bool(np.isclose(a, b, rtol=rtol, atol=0))


def check_summary(summary, req, tokens, makespan_ns):
    """The /summary attributes against numpy recomputations from the datasets (vLLM benchmark definitions)."""
    done = req[req["completed"] == 1]
    makespan = makespan_ns / 1e9
    expected = {"num_requests": len(req), "num_completed": len(done), "makespan_s": makespan,
                "request_throughput_per_s": len(done) / makespan,
                "output_token_throughput_per_s": float(done["num_decode_tokens"].sum()) / makespan}
    decode = done["num_decode_tokens"].to_numpy(np.int64)
    multi = done[decode > 1]
    values = {
        "ttft": done["prefill_e2e_time"].to_numpy(np.float64) / 1e9,
        "tpot": (multi["completed_at"].to_numpy(np.int64) - multi["prefill_completed_at"].to_numpy(np.int64)) / 1e9
        / (multi["num_decode_tokens"].to_numpy(np.float64) - 1),
        "e2el": done["e2e_time"].to_numpy(np.float64) / 1e9,
        "tbt": done["decode_time_execution_plus_preemption_normalized"].to_numpy(np.float64),
        "scheduling_delay": done["scheduling_delay"].to_numpy(np.float64) / 1e9,
    }
    if tokens is not None:
        tok = tokens[tokens["request_id"].isin(done["request_id"])]
        rid, t = tok["request_id"].to_numpy(), tok["completed_at"].to_numpy(np.int64)
        values["itl"] = np.diff(t)[rid[1:] == rid[:-1]] / 1e9
    for metric, v in values.items():
        expected[f"{metric}_mean_s"] = (float(np.mean(v)) if len(v) else np.nan, 1e-9)
        for q, p in percentiles(v).items():
            expected[f"{metric}_p{q}_s"] = (p, 1e-12)
    wanted = set(expected)
    present = set(summary)
    check(wanted <= present, f"/summary lacks the attributes {sorted(wanted - present)}")
    extra = {k for k in present - wanted if any(k.startswith(m + "_") for m in SUMMARY_METRICS)}
    check(not extra, f"/summary has metric attributes {sorted(extra)} it cannot have"
                     + (" (ITL without /tokens)" if any(k.startswith("itl_") for k in extra) else ""))
    for name in ("num_requests", "num_completed"):
        check(np.asarray(summary[name]).dtype == np.int64, f"/summary {name} is not int64")
        check(int(summary[name]) == expected[name], f"/summary {name} = {summary[name]}, expected {expected[name]}")
    for name, value in expected.items():
        if name in ("num_requests", "num_completed"):
            continue
        want, rtol = value if isinstance(value, tuple) else (value, 1e-12)
        got = summary[name]
        check(np.asarray(got).dtype == np.float64, f"/summary {name} is not float64")
        check(same(float(got), float(want), rtol), f"/summary {name} = {float(got)!r}, recomputed {float(want)!r}")


def main():
    path = sys.argv[1]
    frames, units, attrs, summary = load(path)
    version = int(attrs["format_version"])
    check(version in KNOWN_FORMAT_VERSIONS, f"format_version {version} is not one of {KNOWN_FORMAT_VERSIONS}")
    for name in list(REQUIRED) + [n for n in OPTIONAL if n in frames]:
        cols = REQUIRED.get(name) or OPTIONAL[name]
        missing = set(cols) - set(frames[name].columns)
        check(not missing, f"{name}: missing columns {sorted(missing)}")
        check(set(units[name]) == set(frames[name].columns), f"{name}: units do not cover the columns")
    check(units["requests"]["arrived_at"] == "ns", "arrived_at unit is not ns")
    config = json.loads(attrs["config"])
    check(frames["replicas"]["replica_id"].tolist() == list(range(num_replicas(config))),
          "one replicas row per replica expected")
    check_requests(frames["requests"], config)
    batches = frames["batches"]
    check((batches["completed_at"] > batches["scheduled_at"]).all(), "batch ends before it starts")
    makespan = int(attrs["makespan_ns"])
    check(makespan >= int(frames["requests"]["completed_at"].max()), "makespan < last completion")
    stages = frames["replica_stages"]
    check(stages["busy_time_percent"].between(0, 100.000001).all(), "busy percent outside [0, 100]")
    notes = []
    if version >= 2:
        stored = config.get("metrics", {})
        for name, key in (("tokens", "store_token_completion_metrics"), ("timeseries", "store_time_series")):
            check((name in frames) == bool(stored.get(key)),
                  f"/{name} {'present' if name in frames else 'absent'} but metrics.{key} is {stored.get(key)}")
        check(summary is not None, "format 2 file without a /summary group")
        if "tokens" in frames:
            check(units["tokens"]["completed_at"] == "ns", "/tokens completed_at unit is not ns")
            check_tokens(frames["tokens"], frames["requests"], makespan)
            notes.append(f"{len(frames['tokens'])} tokens")
        if "timeseries" in frames:
            check(units["timeseries"]["time"] == "ns", "/timeseries time unit is not ns")
            check_timeseries(frames["timeseries"], frames["replicas"], makespan)
            notes.append(f"{len(frames['timeseries'])} time-series rows")
        if "operator_times" in frames:
            check_operator_times(frames["operator_times"], frames.get("operators"), frames.get("pools"),
                                 num_replicas(config))
            notes.append("operator_times")
        if "kv_transfers" in frames:
            check_kv_transfers(frames["kv_transfers"], frames["requests"], config)
            notes.append(f"{len(frames['kv_transfers'])} KV transfers")
        if "pools" in frames:
            check_pools(frames["pools"], config, frames, makespan)
            notes.append(f"{len(frames['pools'])} pool(s)")
        check_summary(summary, frames["requests"], frames.get("tokens"), makespan)
        notes.append("/summary")
    print(f"{path}: OK ({len(frames['requests'])} requests, {len(batches)} batches, "
          f"format_version {version}{'; checked ' + ', '.join(notes) if notes else ''})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"{sys.argv[1]}: check failed: {e}", file=sys.stderr)
        sys.exit(1)
