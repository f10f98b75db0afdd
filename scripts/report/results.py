"""Reading llmsim HDF5 files with h5py + pandas: one run (root datasets, or one /configs/<id> group of a sweep)
or a sweep file (/summary and /configs). Layout problems raise LayoutError (the script exits 2)."""
import json
import os
from dataclasses import dataclass, field

import h5py
import numpy as np
import pandas as pd

# The files' root `format_version` attribute (docs/hdf5-schema.md has the history). 1: the four tables and /predictor;
# 2: also /tokens, /timeseries (when the run stored them), /operator_times, the /summary group of a run file, TPOT
# columns in a sweep's /summary table, variable-length strings. format_check is the one policy every reader uses.
KNOWN_FORMAT_VERSIONS = (1, 2)
# Columns a table needs for anything to be drawn from it; the other columns are optional, each plot needing them.
NEEDED = {
    "requests": ("completed", "arrived_at"),
    "batches": ("size", "num_tokens"),
    "replica_stages": ("replica_id", "stage_id"),
    "replicas": ("replica_id",),
}
# Optional tables of format_version 2 (absent when the run did not store them, /kv_transfers in runs without prefill
# and decode pools) and the columns each needs.
OPTIONAL = {
    "tokens": ("request_id", "token_index", "completed_at"),
    "timeseries": ("replica_id", "time", "queue_length", "running_requests", "kv_blocks_used"),
    "operator_times": ("replica_id", "operator", "source", "gpu_time_s"),
    "kv_transfers": ("prefill_completed_at", "assigned_at", "transfer_started_at", "transfer_completed_at"),
}
# Units of format_version 1, used only for a table without a `units` attribute.
DEFAULT_UNITS = {"arrived_at": "ns", "completed_at": "ns", "scheduled_at": "ns", "prefill_completed_at": "ns",
                 "e2e_time": "ns", "prefill_e2e_time": "ns", "scheduling_delay": "ns", "busy_time": "ns",
                 "first_start": "ns", "last_end": "ns", "execution_time": "ns",
                 "decode_time_execution_plus_preemption_normalized": "s/token", "e2e_time_normalized": "s/token"}
TIME_DIVISORS = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}  # to seconds, dividing as the simulator does


class LayoutError(Exception):
    """The file is missing, not HDF5, or not laid out as an llmsim result or sweep file."""


def decode(value):
    """HDF5 strings arrive as bytes (fixed-length ones as numpy bytes, variable-length ones in a compound dataset
    as Python bytes in an object column, with h5py 3): make them str (other values unchanged)."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
        return [decode(v) for v in value.tolist()]
    return value


def read_table(ds, columns=None):
    """A 1-D compound dataset as a DataFrame (only `columns` when given), byte strings decoded."""
    if ds.dtype.names is None or ds.ndim != 1:
        raise LayoutError(f"{ds.file.filename}: {ds.name} is not a 1-D table (compound dataset)")
    names = [c for c in (columns or ds.dtype.names) if c in ds.dtype.names]
    data = ds.fields(names)[()] if len(names) != len(ds.dtype.names) else ds[()]
    if len(names) == 1:  # h5py returns a plain array for one field
        frame = pd.DataFrame({names[0]: data})
    else:
        frame = pd.DataFrame(data)
    for col in frame.columns:
        if frame[col].dtype == object or frame[col].dtype.kind == "S":
            frame[col] = [decode(v) for v in frame[col]]
    return frame


def units_of(ds):
    try:
        units = json.loads(decode(ds.attrs["units"]))
    except (KeyError, ValueError):
        units = {}
    return {**DEFAULT_UNITS, **units}


def seconds(frame, column, units):
    """A time column in seconds (divided like the simulator's simtime_to_seconds)."""
    unit = units.get(column, "ns")
    if unit not in TIME_DIVISORS:
        raise LayoutError(f"column {column}: unit '{unit}' is not a time unit")
    return frame[column].to_numpy(dtype=np.float64) / TIME_DIVISORS[unit]


@dataclass
class Run:
    """One simulation's results: the four tables (None where the file has no such dataset), the predictor's
    operator table and GPU-time shares, the pools table, root attributes and the resolved config."""
    path: str
    label: str
    attrs: dict
    config: dict
    requests: pd.DataFrame
    units: dict = field(default_factory=dict)  # table -> column -> unit
    batches: pd.DataFrame = None
    replica_stages: pd.DataFrame = None
    replicas: pd.DataFrame = None
    operators: pd.DataFrame = None
    predictor_shares: dict = None
    tokens: pd.DataFrame = None  # format 2, when the run stored token completion times
    timeseries: pd.DataFrame = None  # format 2, when the run stored per-replica time series
    operator_times: pd.DataFrame = None  # format 2
    summary: dict = None  # format 2: the /summary group's attributes
    pools: pd.DataFrame = None  # /pools: one row per pool of replicas (files written since clusters have pools)
    kv_transfers: pd.DataFrame = None  # /kv_transfers: one row per KV-cache transfer (prefill and decode pools)

    @property
    def format_version(self):
        return self.attrs.get("format_version")

    def makespan_s(self):
        if "makespan_ns" in self.attrs:
            return int(self.attrs["makespan_ns"]) / 1e9
        done = self.requests[self.requests["completed"] == 1]
        if "completed_at" in done and len(done):
            return float(seconds(done, "completed_at", self.units["requests"]).max())
        return float("nan")

    def completed(self):
        return self.requests[self.requests["completed"] == 1]


def _attrs(obj):
    return {k: decode(v.item() if isinstance(v, np.generic) else v) for k, v in obj.attrs.items()}


def config_pools(config):
    """The resolved config's pools: cluster.pools (each {name, num_replicas, replica, replica_scheduler,
    execution_time_predictor}); a config written before pools existed (cluster.num_replicas, cluster.replica,
    cluster.replica_scheduler, top-level execution_time_predictor) as its one pool "default"; [] without a cluster."""
    cluster = config.get("cluster") if isinstance(config, dict) else None
    if not isinstance(cluster, dict):
        return []
    pools = cluster.get("pools")
    if isinstance(pools, list):
        return [p for p in pools if isinstance(p, dict)]
    if "replica" not in cluster and "num_replicas" not in cluster:
        return []
    return [{"name": "default", "num_replicas": cluster.get("num_replicas"), "replica": cluster.get("replica", {}),
             "replica_scheduler": cluster.get("replica_scheduler", {}),
             "execution_time_predictor": config.get("execution_time_predictor", {})}]


def read_run(group, path, label, tables_wanted=tuple(NEEDED) + tuple(OPTIONAL)):
    """A run from `group`: the file's root, or a /configs/<id> group of a sweep file (only `tables_wanted`)."""
    where = f"{path}{'' if group.name == '/' else ':' + group.name}"
    if not isinstance(group.get("requests"), h5py.Dataset):
        raise LayoutError(f"{where}: no /requests table")
    tables, units = {}, {}
    for name, needed in {**NEEDED, **OPTIONAL}.items():
        ds = group.get(name) if name in tables_wanted or name == "requests" else None
        if not isinstance(ds, h5py.Dataset):
            continue
        frame = read_table(ds)
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise LayoutError(f"{where}: table {name} lacks the columns {missing}")
        tables[name], units[name] = frame, units_of(ds)
    attrs = _attrs(group if group.name != "/" else group.file)
    try:
        config = json.loads(attrs.get("config", "{}"))
    except ValueError:
        config = {}
    run = Run(path=path, label=label, attrs=attrs, config=config, requests=tables["requests"], units=units,
              batches=tables.get("batches"), replica_stages=tables.get("replica_stages"),
              replicas=tables.get("replicas"), tokens=tables.get("tokens"), timeseries=tables.get("timeseries"),
              operator_times=tables.get("operator_times"), kv_transfers=tables.get("kv_transfers"))
    summary = group.get("summary")
    if isinstance(summary, h5py.Group):
        run.summary = _attrs(summary)
    if isinstance(group.get("pools"), h5py.Dataset):
        run.pools = read_table(group["pools"])
    pred = group.get("predictor")
    if isinstance(pred, h5py.Group):
        run.predictor_shares = {k[len("share_"):]: float(v) for k, v in _attrs(pred).items() if k.startswith("share_")}
        if isinstance(pred.get("operators"), h5py.Dataset):
            run.operators = read_table(pred["operators"])
    return run


def open_file(path):
    """An open h5py.File, or LayoutError for a missing, unreadable or non-HDF5 file."""
    if not os.path.exists(path):
        raise LayoutError(f"{path}: no such file")
    if not os.path.isfile(path):
        raise LayoutError(f"{path}: not a regular file")
    try:
        if not h5py.is_hdf5(path):
            raise LayoutError(f"{path}: not an HDF5 file")
        return h5py.File(path, "r")
    except OSError as e:
        raise LayoutError(f"{path}: cannot be read as HDF5 ({e})") from e


def kind_of(f):
    """'sweep' (a /configs group or a /summary table), 'run' (a /requests table; from format 2 on a run file also
    has a /summary group of attributes), else LayoutError."""
    summary, configs, requests = f.get("summary"), f.get("configs"), f.get("requests")
    if isinstance(requests, h5py.Dataset) and not isinstance(configs, h5py.Group) and (
            summary is None or isinstance(summary, h5py.Group)):
        return "run"
    if isinstance(configs, h5py.Group) or isinstance(summary, h5py.Dataset):
        if not isinstance(summary, h5py.Dataset) or not isinstance(configs, h5py.Group):
            raise LayoutError(f"{f.filename}: a sweep file needs both a /summary table and a /configs group "
                              f"(found {sorted(f.keys())})")
        return "sweep"
    raise LayoutError(f"{f.filename}: unknown layout: neither an llmsim result (/requests) nor an llmsim-sweep file "
                      f"(/summary, /configs); top-level names: {sorted(f.keys()) or 'none'}")


def format_version_of(obj):
    """The root `format_version` attribute of an open file (or group) as a Python value, None when absent."""
    version = obj.attrs.get("format_version")
    return decode(version.item() if isinstance(version, np.generic) else version)


def format_check(path, version):
    """The one format policy of every reader (llmsim-report, plot_sweep.py): returns None when `version` (the root
    `format_version` attribute, None when absent) is known, else a warning to show; the file is read either way.
      * absent: a file written before the attribute existed, read as format 1 without a warning;
      * a known version: read;
      * newer than the newest known: read with a warning (the datasets and columns recognised are used, new ones
        ignored);
      * anything else (older than 1, not an integer): read with a warning that the version is unknown."""
    if version is None:
        return None
    try:
        number = int(version)
    except (TypeError, ValueError):
        number = None
    if number is not None and number == version and number in KNOWN_FORMAT_VERSIONS:
        return None
    if number is not None and number == version and number > KNOWN_FORMAT_VERSIONS[-1]:
        return (f"{path}: format_version {number} is newer than this reader knows ({KNOWN_FORMAT_VERSIONS[-1]}); "
                "the datasets and columns it recognises are used")
    known = ", ".join(map(str, KNOWN_FORMAT_VERSIONS))
    return (f"{path}: unknown format_version {version!r} (this reader knows {known}); the datasets and columns it "
            "recognises are used")



@dataclass
class Sweep:
    """A sweep file: the /summary table (strings decoded), root attributes, and the file, open for /configs."""
    path: str
    attrs: dict
    summary: pd.DataFrame
    file: h5py.File
    capacity_search: dict = None

    @property
    def format_version(self):
        return self.attrs.get("format_version")

    def name(self):
        return self.attrs.get("sweep_name") or os.path.basename(self.path)

    def group(self, config_id):
        group = self.file["configs"].get(config_id)
        if not isinstance(group, h5py.Group):
            raise LayoutError(f"{self.path}: /summary names configuration {config_id}, /configs has no such group")
        return group

    def requests_of(self, config_id, label):
        """The configuration's run with its /requests table only."""
        return read_run(self.group(config_id), self.path, label, tables_wanted=("requests",))


def read_sweep(f, path):
    attrs = _attrs(f)
    summary = read_table(f["summary"])
    for col in ("id", "label"):
        if col not in summary.columns:
            raise LayoutError(f"{path}: /summary lacks the column '{col}'")
    search = None
    try:
        search = json.loads(attrs.get("capacity_search", "null"))
    except ValueError:
        pass
    return Sweep(path=path, attrs=attrs, summary=summary, file=f, capacity_search=search)
