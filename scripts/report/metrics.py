"""The simulator's request metrics and percentile definition (src/llm/sim/result_stats.cpp, src/app/run_summary.cpp):
values over completed requests, percentiles by linear interpolation between closest ranks (numpy's default).

Metric names follow vLLM's benchmark (docs/hdf5-schema.md maps them to Vidur's and to the file's columns):
  TTFT  time to first token = prefill_e2e_time (arrival to the end of the prefill, which emits token 0)
  TPOT  time per output token after the first = (completed_at - prefill_completed_at) / (num_decode_tokens - 1),
        over completed requests with more than one output token
  ITL   inter-token latency = every gap between consecutive output tokens of a completed request, pooled (/tokens)
  E2EL  end-to-end latency = e2e_time
  TBT   Vidur's decode_time_execution_plus_preemption_normalized (decode time / num_decode_tokens: divides by D, not
        D - 1 as TPOT does)"""
import math
from dataclasses import dataclass

import numpy as np

from .results import TIME_DIVISORS, LayoutError, seconds

QUANTILES = (50, 90, 99)


def percentile(values, q):
    """Exactly the simulator's llm::percentile: sort, pos = q/100 * (n-1), interpolate linearly; NaN if empty."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    if len(v) == 0:
        return float("nan")
    pos = q / 100.0 * float(len(v) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(v) - 1)
    return float(v[lo] + (v[hi] - v[lo]) * (pos - float(lo)))


def mean(values):
    """The simulator's llm::quantiles mean: the sorted values summed in ascending order, over n; NaN if empty."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    return float(np.cumsum(v)[-1] / len(v)) if len(v) else float("nan")


def _time_divisor(run, table, column):
    unit = run.units.get(table, {}).get(column, "ns")
    if unit not in TIME_DIVISORS:
        raise LayoutError(f"{run.path}: /{table} column {column}: unit '{unit}' is not a time unit")
    return TIME_DIVISORS[unit]


def tpot_seconds(run):
    """TPOT in seconds of each completed request with more than one output token: the decode span
    (completed_at - prefill_completed_at, converted to seconds) divided by the output tokens after the first;
    None without the columns."""
    done = run.completed()
    if not {"completed_at", "prefill_completed_at", "num_decode_tokens"} <= set(done.columns):
        return None
    decode = done["num_decode_tokens"].to_numpy(np.int64)
    keep = decode > 1
    span = done["completed_at"].to_numpy(np.int64)[keep] - done["prefill_completed_at"].to_numpy(np.int64)[keep]
    return (span / _time_divisor(run, "requests", "completed_at")) / (decode[keep] - 1).astype(np.float64)


def itl_seconds(run):
    """Every gap completed_at[k] - completed_at[k-1] (k >= 1) between consecutive output tokens of each completed
    request, in seconds, pooled in (request, token) order; None when the run has no /tokens table."""
    tok = run.tokens
    if tok is None:
        return None
    rid = tok["request_id"].to_numpy(np.int64)
    t = tok["completed_at"].to_numpy(np.int64)
    order = np.lexsort((tok["token_index"].to_numpy(np.int64), rid))  # written so; this makes the gaps well defined
    rid, t = rid[order], t[order]
    keep = (rid[1:] == rid[:-1]) & np.isin(rid[1:], run.completed()["request_id"].to_numpy(np.int64))
    return (t[1:] - t[:-1])[keep] / _time_divisor(run, "tokens", "completed_at")


# /kv_transfers intervals (disaggregated runs): key -> (name, start column, end column); each value is end - start.
KV_INTERVALS = {
    "copy": ("copy time", "transfer_started_at", "transfer_completed_at"),
    "wait": ("wait for memory", "assigned_at", "transfer_started_at"),
    "handoff": ("handoff delay", "prefill_completed_at", "assigned_at"),
}


def kv_transfer_ms(run):
    """{copy, wait, handoff} -> per /kv_transfers row, in ms: the copy (transfer_completed_at -
    transfer_started_at), the decode replica's wait for KV blocks (transfer_started_at - assigned_at) and the handoff
    from the prefill replica's first token to the decode replica's assignment (assigned_at - prefill_completed_at);
    None when the run has no /kv_transfers table."""
    kv = run.kv_transfers
    if kv is None:
        return None
    out = {}
    for key, (_, start, end) in KV_INTERVALS.items():
        divisor = _time_divisor(run, "kv_transfers", end)
        if _time_divisor(run, "kv_transfers", start) != divisor:
            raise LayoutError(f"{run.path}: /kv_transfers columns {start} and {end} have different units")
        span = kv[end].to_numpy(np.int64) - kv[start].to_numpy(np.int64)
        out[key] = span / divisor * 1e3
    return out


@dataclass(frozen=True)
class Metric:
    key: str  # file-name stem and summary key
    column: str  # what it is computed from (a /requests column, or a description)
    name: str  # what a person calls it
    unit: str  # displayed unit
    scale: float  # multiplier after conversion to seconds (or s/token)
    in_summary: bool  # printed by llmsim's run summary (and in the sweep /summary table)
    summary_attr: str = None  # prefix of its attributes in a run file's /summary group (format 2)
    table: str = "requests"  # the dataset it needs
    population: str = "completed requests"  # what one value is

    def seconds(self, run):
        """The metric's values in seconds (TBT and normalised e2e: seconds per token), None without the data."""
        if self.key == "tpot":
            return tpot_seconds(run)
        if self.key == "itl":
            return itl_seconds(run)
        done = run.completed()
        if self.column not in done.columns:
            return None
        units = run.units.get("requests", {})
        if units.get(self.column) == "s/token":
            return done[self.column].to_numpy(dtype=np.float64)
        return seconds(done, self.column, units)

    def values(self, run):
        """The metric in `unit` (the simulator's scaling order: seconds first, then the scale)."""
        v = self.seconds(run)
        if v is None:
            return None
        return v * self.scale if self.scale != 1 else v


METRICS = (
    Metric("ttft", "prefill_e2e_time", "TTFT (time to first token)", "s", 1.0, True, "ttft"),
    Metric("tpot", "completed_at, prefill_completed_at, num_decode_tokens",
           "TPOT (time per output token after the first)", "ms", 1e3, True, "tpot",
           population="completed requests with more than one output token"),
    Metric("itl", "request_id, token_index, completed_at", "ITL (inter-token latency)", "ms", 1e3, True, "itl",
           table="tokens", population="inter-token gaps of completed requests"),
    Metric("tbt", "decode_time_execution_plus_preemption_normalized", "TBT (decode time per output token)", "ms",
           1e3, True, "tbt"),
    Metric("e2e", "e2e_time", "end-to-end latency", "s", 1.0, True, "e2el"),
    Metric("scheduling_delay", "scheduling_delay", "scheduling delay", "s", 1.0, True, "scheduling_delay"),
    Metric("e2e_normalized", "e2e_time_normalized", "normalised end-to-end latency (e2e / output tokens)",
           "ms/token", 1e3, False),
)
SUMMARY_METRICS = tuple(m for m in METRICS if m.in_summary)
# A sweep's /summary table has <key>_p50_s.. for these (format 2 adds tpot); ITL needs /tokens.
REQUEST_METRICS = tuple(m for m in SUMMARY_METRICS if m.table == "requests")


def throughputs(run):
    """(completed requests / makespan, output tokens of completed requests / makespan), per second."""
    done = run.completed()
    makespan = run.makespan_s()
    tokens = float(done["num_decode_tokens"].sum()) if "num_decode_tokens" in done.columns else float("nan")
    if not makespan > 0:
        return float("nan"), float("nan")
    return len(done) / makespan, tokens / makespan


def _same(a, b, rtol):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rtol * max(abs(a), abs(b))


def summary_disagreements(run, rtol=1e-9):
    """Where a format-2 file's /summary attributes differ from what the report computes from the datasets (an
    empty list when they agree or the file has no /summary): 'name: file X, computed Y' strings."""
    s = run.summary
    if s is None:
        return []
    done = run.completed()
    req_tp, tok_tp = throughputs(run)
    computed = {"num_requests": len(run.requests), "num_completed": len(done), "makespan_s": run.makespan_s(),
                "request_throughput_per_s": req_tp, "output_token_throughput_per_s": tok_tp}
    for m in SUMMARY_METRICS:
        v = m.seconds(run)
        if v is None:
            continue
        computed[f"{m.summary_attr}_mean_s"] = mean(v)
        for q in QUANTILES:
            computed[f"{m.summary_attr}_p{q}_s"] = percentile(v, q)
    missing = [name for name in computed if name not in s]
    differ = [f"{name} {float(s[name]):.9g} in the file, {value:.9g} computed" for name, value in computed.items()
              if name in s and not _same(s[name], value, rtol)]
    out = ([f"missing attributes {', '.join(missing)}"] if missing else []) + differ
    if run.tokens is None:
        extra = sorted(k for k in s if k.startswith("itl_"))
        if extra:
            out.append(f"attributes {', '.join(extra)} without a /tokens table to compute them from")
    return out


def pareto_mask(cost, capacity):
    """True where no other configuration costs at most as much and serves at least as much (one strictly)."""
    mask = np.ones(len(cost), dtype=bool)
    for i in range(len(cost)):
        dominated = (cost <= cost[i]) & (capacity >= capacity[i]) & ((cost < cost[i]) | (capacity > capacity[i]))
        mask[i] = not dominated.any()
    return mask
