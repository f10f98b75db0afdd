"""Reading llmsim HDF5 files with h5py + pandas: one run (root datasets, or one /configs/<id> group of a sweep)
or a sweep file (/summary and /configs). Layout problems raise LayoutError (the script exits 2)."""
import json
import os
from dataclasses import dataclass, field

import h5py
import numpy as np
import pandas as pd

KNOWN_FORMAT_VERSIONS = (1,)  # the files' `format_version` attribute; a newer one is read with a warning
# Columns a table needs for anything to be drawn from it; the other columns are optional, each plot needing them.
NEEDED = {
    "requests": ("completed", "arrived_at"),
    "batches": ("size", "num_tokens"),
    "replica_stages": ("replica_id", "stage_id"),
    "replicas": ("replica_id",),
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
    """Fixed-length HDF5 strings arrive as bytes: make them str (other values unchanged)."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.dtype.kind == "S":
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
    operator table and GPU-time shares, root attributes and the resolved config."""
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


def read_run(group, path, label, tables_wanted=tuple(NEEDED)):
    """A run from `group`: the file's root, or a /configs/<id> group of a sweep file (only `tables_wanted`)."""
    where = f"{path}{'' if group.name == '/' else ':' + group.name}"
    if not isinstance(group.get("requests"), h5py.Dataset):
        raise LayoutError(f"{where}: no /requests table")
    tables, units = {}, {}
    for name, needed in NEEDED.items():
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
              replicas=tables.get("replicas"))
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
    """'sweep' (a /configs group or a /summary table), 'run' (a /requests table), else LayoutError."""
    if isinstance(f.get("configs"), h5py.Group) or isinstance(f.get("summary"), h5py.Dataset):
        if not isinstance(f.get("summary"), h5py.Dataset) or not isinstance(f.get("configs"), h5py.Group):
            raise LayoutError(f"{f.filename}: a sweep file needs both /summary and /configs (found {sorted(f.keys())})")
        return "sweep"
    if isinstance(f.get("requests"), h5py.Dataset):
        return "run"
    raise LayoutError(f"{f.filename}: unknown layout: neither an llmsim result (/requests) nor an llmsim-sweep file "
                      f"(/summary, /configs); top-level names: {sorted(f.keys()) or 'none'}")


def format_warning(path, version):
    if version is not None and version not in KNOWN_FORMAT_VERSIONS:
        return (f"{path}: format_version {version} is newer than this report knows ({KNOWN_FORMAT_VERSIONS[-1]}); "
                "plots are drawn from the datasets and columns it recognises")
    return None


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
