# SPDX-License-Identifier: MIT
"""Building blocks of the robustness corpus (cases.py): the Case record and generators of hostile input files.

Generated files are described compactly in cases.py and written by the harness into each case's directory at run
time. Text (file contents and arguments) may use these placeholders:
  @CONFIGS@  absolute path of the checkout's configs/        @EX@   configs/examples
  @DIR@      the case's own directory (its inputs and outputs)
A file's content is either text (placeholders substituted), bytes (written as is), or a callable
`f(ctx, path) -> str | bytes | None` (None: the callable wrote `path` itself, e.g. a directory).
"""
from __future__ import annotations

import gzip
import io
import os
import shlex
import zlib
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

Content = Union[str, bytes, Callable]

TOOLS = ("llmsim", "plan", "predict", "sweep", "predictor")
DEFAULT_BASE = "@EX@/schedulers/vllm.yaml"  # 2 Llama-2-7B replicas, vLLM, LOR, Vidur's 7B tables, 60 requests


@dataclass
class Case:
    name: str
    tool: str                      # one of TOOLS
    args: list[str]                # placeholders allowed
    expect: Union[int, tuple] = 2  # expected exit code, or a tuple of acceptable ones (e.g. (0, 2): handle or refuse)
    want: Optional[str] = None     # substring stderr must contain; "a|b" = any of the alternatives
    files: dict[str, Content] = field(default_factory=dict)
    base: Optional[str] = DEFAULT_BASE  # --config for llmsim/plan/predict/predictor (None: add none)
    area: str = ""                 # section of the corpus (grouping in reports)
    note: str = ""                 # why the case exists / what a correct program does
    output: bool = True            # llmsim: add --output @DIR@/out.h5
    cwd: str = "run/deep"          # working directory, relative to @DIR@ (created)
    timeout: float = 20.0


CASES: list[Case] = []
_area = [""]


def section(name: str) -> None:
    """Cases declared after this belong to area `name`."""
    _area[0] = name


def case(name: str, tool: str, args: Union[str, list[str]] = "", **kw) -> Case:
    """Declares a case. `args` is a shell-like string (split with shlex) or a list."""
    if tool not in TOOLS:
        raise ValueError(f"{name}: unknown tool {tool}")
    if any(c.name == name for c in CASES):
        raise ValueError(f"duplicate case name {name}")
    c = Case(name, tool, shlex.split(args) if isinstance(args, str) else list(args), area=_area[0], **kw)
    CASES.append(c)
    return c


def S(key: str, value: str) -> str:
    """`--set key=value`, quoted for shlex."""
    return "--set " + shlex.quote(f"{key}={value}")


# ---------------------------------------------------------------------------------------------------------------
# Content generators


def gz(data: Union[str, bytes]) -> bytes:
    raw = data.encode() if isinstance(data, str) else data
    return gzip.compress(raw, mtime=0)


def gz_truncated(data: str, fraction: float = 0.6) -> bytes:
    """A gzip stream cut inside its deflate data, at the first point past `fraction` of its bytes where what
    decompresses is whole CSV lines (so the only thing wrong is the truncation, not a half row)."""
    full = gz(data)
    d = zlib.decompressobj(wbits=31)
    out_end = b""
    lines = 0
    for cut in range(1, len(full) - 8):
        chunk = d.decompress(full[cut - 1:cut])
        if chunk:
            out_end = chunk[-1:]
            lines += chunk.count(b"\n")
        if cut >= len(full) * fraction and out_end == b"\n" and lines >= 3:
            return full[:cut]
    raise ValueError("no line-aligned truncation point")


def gz_bomb(head: str, tail: str, gib: float = 1.5, unit: bytes = b"0") -> bytes:
    """A decompression bomb: gzip members (read as one stream) of `head`, `gib` GiB of `unit`, then `tail`;
    about 1 MB on disk."""
    chunk = gzip.compress(unit * (16 << 20), mtime=0)
    return gz(head) + chunk * int(gib * 64) + gz(tail)


def gz_no_trailer(data: str) -> bytes:
    """Complete deflate data, but the gzip trailer (CRC-32 and length, 8 bytes) is missing."""
    return gz(data)[:-8]


def gz_bad_crc(data: str) -> bytes:
    b = bytearray(gz(data))
    b[-8] ^= 0xFF
    return bytes(b)


def gz_corrupt_middle(data: str) -> bytes:
    b = bytearray(gz(data))
    for i in range(len(b) // 2, len(b) // 2 + 16):
        b[i] ^= 0x5A
    return bytes(b)


TRACE_HEADER = "arrived_at,num_prefill_tokens,num_decode_tokens"


def csv(header: str, *rows: str) -> str:
    return "\n".join((header,) + rows) + "\n"


def trace(*rows: str, header: str = TRACE_HEADER) -> str:
    """A trace_replay CSV: a good first row, then `rows`."""
    return csv(header, "0.0,100,10", *rows)


def long_trace(n: int = 3000) -> str:
    return csv(TRACE_HEADER, *(f"{i * 0.25:.2f},{100 + i % 300},{10 + i % 50}" for i in range(n)))


LENGTH_HEADER = "num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio"


def lengths(*rows: str) -> str:
    """A length-generator trace CSV (synthetic generator, length_generator.name=trace): good rows, then `rows`."""
    good = [f"{100 + i},{10 + i},{110 + 2 * i},10.0" for i in range(30)]
    return csv(LENGTH_HEADER, *good, *rows)


def replay_config(trace_file: str = "trace.csv", generator_extra: str = "", cluster_extra: str = "") -> str:
    """A trace_replay run on one Llama-2-7B A100 replica with Vidur's 7B tables (absolute catalog paths)."""
    return f"""cluster:
  num_replicas: 1
  replica:
    model: @CONFIGS@/models/llama-2-7b.yaml
    device: @CONFIGS@/hardware/a100.yaml
    network_device: @CONFIGS@/hardware/a100_pairwise_nvlink.yaml
  replica_scheduler: {{name: vllm, batch_size_cap: 8}}
{cluster_extra}request_generator:
  name: trace_replay
  trace_file: {trace_file}
{generator_extra}execution_time_predictor:
  table_dir: @CONFIGS@/predictors/vidur-llama2-7b-a100-tp1-pp1
"""


def interval_trace_config(trace_file: str = "arrivals.csv", extra: str = "") -> str:
    """A synthetic run whose inter-arrival times come from a datetime trace (interval_generator.name=trace)."""
    return f"""cluster:
  replica:
    model: @CONFIGS@/models/llama-2-7b.yaml
    device: @CONFIGS@/hardware/a100.yaml
    network_device: @CONFIGS@/hardware/a100_pairwise_nvlink.yaml
  replica_scheduler: {{name: vllm, batch_size_cap: 8}}
request_generator:
  name: synthetic
  num_requests: 4
  length_generator: {{name: fixed, prefill_tokens: 100, decode_tokens: 10}}
  interval_generator:
    name: trace
    trace_file: {trace_file}
{extra}execution_time_predictor:
  table_dir: @CONFIGS@/predictors/vidur-llama2-7b-a100-tp1-pp1
"""


# --- CSV text transforms (for prediction tables and profiles) ------------------------------------------------------


def set_column(column: str, value: str, rows: Optional[Callable[[int], bool]] = None) -> Callable[[str], str]:
    """Sets `column` to `value` in the data rows selected by `rows(index)` (all by default)."""

    def apply(text: str) -> str:
        lines = text.split("\n")
        head = lines[0].split(",")
        col = head.index(column)
        for i in range(1, len(lines)):
            if not lines[i] or (rows is not None and not rows(i - 1)):
                continue
            cells = lines[i].split(",")
            cells[col] = value
            lines[i] = ",".join(cells)
        return "\n".join(lines)

    return apply


def map_column(column: str, value: Callable[[dict], str]) -> Callable[[str], str]:
    """Sets `column` of every data row to value(row as a dict of column -> text)."""

    def apply(text: str) -> str:
        lines = text.split("\n")
        head = lines[0].split(",")
        col = head.index(column)
        for i in range(1, len(lines)):
            if lines[i]:
                cells = lines[i].split(",")
                cells[col] = value(dict(zip(head, cells)))
                lines[i] = ",".join(cells)
        return "\n".join(lines)

    return apply


def drop_rows(*indices: int) -> Callable[[str], str]:
    def apply(text: str) -> str:
        lines = text.split("\n")
        drop = {i + 1 for i in indices}
        return "\n".join(l for i, l in enumerate(lines) if i not in drop)

    return apply


def keep_rows(n: int) -> Callable[[str], str]:
    def apply(text: str) -> str:
        lines = text.rstrip("\n").split("\n")
        return "\n".join(lines[: n + 1]) + "\n"

    return apply


class Raw:
    """Replacement bytes for a file in a mirrored directory (e.g. a truncated gzip), from its original text."""

    def __init__(self, make: Callable[[str], bytes]):
        self.make = make


class Node:
    """A special file in a mirrored directory, made by `make(path)` (e.g. Node(os.mkfifo))."""

    def __init__(self, make: Callable[[str], None]):
        self.make = make


def _read_text(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode()


def _mirror(src: str, dst: str, edits: dict, key_of: Callable[[str], str]) -> None:
    """Mirrors `src` into `dst` with symlinks, except files whose key (key_of(relative path)) is in `edits`:
    None deletes, a str is new text, a Raw builds bytes from the original text, a callable transforms the text
    (re-gzipped for .gz files). Keys of `edits` naming no existing file create that file (relative path)."""
    used = set()
    for root, _dirs, files in os.walk(src):
        rel_root = os.path.relpath(root, src)
        os.makedirs(os.path.join(dst, rel_root), exist_ok=True)
        for f in files:
            rel = os.path.normpath(os.path.join(rel_root, f))
            s, d = os.path.join(src, rel), os.path.join(dst, rel)
            key = key_of(rel)
            if key not in edits:
                os.symlink(s, d)
                continue
            used.add(key)
            e = edits[key]
            if e is None:
                continue
            if isinstance(e, Node):
                e.make(d)
                continue
            if isinstance(e, Raw):
                data = e.make(_read_text(s))
            else:
                text = e if isinstance(e, str) else e(_read_text(s))
                data = gz(text) if rel.endswith(".gz") else text.encode()
            with open(d, "wb") as out:
                out.write(data)
    for key, e in edits.items():
        if key in used or e is None:
            continue
        d = os.path.join(dst, key)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if isinstance(e, Node):
            e.make(d)
            continue
        data = e.make("") if isinstance(e, Raw) else (e if isinstance(e, str) else e("")).encode()
        with open(d, "wb") as out:
            out.write(data)


TABLES_7B = "predictors/vidur-llama2-7b-a100-tp1-pp1"


def _table_key(rel: str) -> str:
    """'add_34a34548_predictions.csv.gz' -> 'add'; 'manifest.yaml' -> 'manifest'."""
    name = os.path.basename(rel)
    if name == "manifest.yaml":
        return "manifest"
    if name.endswith("_predictions.csv.gz"):
        return name[: -len("_predictions.csv.gz")].rsplit("_", 1)[0]
    return rel


def tables(**edits) -> Callable:
    """A copy of Vidur's Llama-2-7B prediction tables (symlinks) with some files edited; keys are operator names
    (add, attn_decode, attn_prefill, ..., manifest) or new relative file names."""

    def build(ctx, path):
        _mirror(os.path.join(ctx.configs, TABLES_7B), path, edits, _table_key)
        return None

    return build


MLP_7B = "compute/a100/meta-llama/Llama-2-7b-hf/mlp.csv.gz"
ATTN_7B = "compute/a100/meta-llama/Llama-2-7b-hf/attention.SYNTHETIC.csv.gz"
ALLREDUCE_NVLINK = "network/a100_pairwise_nvlink/all_reduce.csv.gz"


def profiles(edits: dict) -> Callable:
    """A copy of configs/profiles (symlinks) with files (relative paths) edited as in `tables`."""

    def build(ctx, path):
        _mirror(os.path.join(ctx.configs, "profiles"), path, edits, lambda rel: rel)
        return None

    return build


def sweep_yaml(body: str, base: str = "@EX@/schedulers/vllm.yaml", requests: int = 10) -> str:
    """A sweep file on `base` with few requests per configuration, plus `body` (axes etc.)."""
    return f"base: {base}\nset: {{request_generator.num_requests: {requests}}}\n{body}"


def fifo() -> Callable:
    """A named pipe nobody writes to: opening it for reading blocks forever."""

    def make(ctx, path):
        os.mkfifo(path)
        return None

    return make


def symlink(target: str) -> Callable:
    """A symbolic link to `target` (placeholders allowed; a link to itself is a loop)."""

    def make(ctx, path):
        os.symlink(ctx.sub(target), path)
        return None

    return make


def nested_lists(depth: int) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"


def nested_maps(depth: int) -> str:
    return "x: " + "{a: " * depth + "1" + "}" * depth + "\n"


def billion_laughs(levels: int = 30) -> str:
    """Aliases that expand exponentially if a reader walks them as a tree (each level names the previous twice)."""
    out = ["a0: &a0 [x, x]"]
    for i in range(1, levels):
        out.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]")
    return "seed: 1\n" + "\n".join(out) + "\n"


def big_text(n_bytes: int, unit: str = "9") -> str:
    return unit * (n_bytes // len(unit))
