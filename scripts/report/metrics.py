"""The simulator's request metrics and percentile definition (src/llm/sim/result_stats.cpp, src/app/run_summary.cpp):
values over completed requests, percentiles by linear interpolation between closest ranks (numpy's default)."""
import math
from dataclasses import dataclass

import numpy as np

from .results import seconds

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


@dataclass(frozen=True)
class Metric:
    key: str  # file-name stem and summary key
    column: str  # requests column
    name: str  # what a person calls it
    unit: str  # displayed unit
    scale: float  # multiplier after conversion to seconds (or s/token)
    in_summary: bool  # printed by llmsim's run summary (and in the sweep /summary table)

    def values(self, run):
        """The metric over the run's completed requests, in `unit` (the simulator's scaling order)."""
        done = run.completed()
        if self.column not in done.columns:
            return None
        units = run.units.get("requests", {})
        if units.get(self.column) == "s/token":
            v = done[self.column].to_numpy(dtype=np.float64)
        else:
            v = seconds(done, self.column, units)
        return v * self.scale if self.scale != 1 else v


METRICS = (
    Metric("ttft", "prefill_e2e_time", "TTFT (time to first token)", "s", 1.0, True),
    Metric("tbt", "decode_time_execution_plus_preemption_normalized", "TBT (decode time per output token)", "ms",
           1e3, True),
    Metric("e2e", "e2e_time", "end-to-end latency", "s", 1.0, True),
    Metric("scheduling_delay", "scheduling_delay", "scheduling delay", "s", 1.0, True),
    Metric("e2e_normalized", "e2e_time_normalized", "normalised end-to-end latency (e2e / output tokens)",
           "ms/token", 1e3, False),
)
SUMMARY_METRICS = tuple(m for m in METRICS if m.in_summary)


def pareto_mask(cost, capacity):
    """True where no other configuration costs at most as much and serves at least as much (one strictly)."""
    mask = np.ones(len(cost), dtype=bool)
    for i in range(len(cost)):
        dominated = (cost <= cost[i]) & (capacity >= capacity[i]) & ((cost < cost[i]) | (capacity > capacity[i]))
        mask[i] = not dominated.any()
    return mask
