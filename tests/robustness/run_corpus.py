#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Runs the robustness corpus (cases.py): hostile configs, traces, prediction tables, profiles and sweep files
against llmsim, llmsim plan/predict, llmsim-sweep and llmsim-predictor.

Per case it checks the CLI contract (README "Exit codes"): the expected exit code (2 for invalid input nearly
always), no signal, no timeout, a non-empty stderr containing the expected substring (file / key), no crash marker
(bad_alloc, assertion, terminate, "internal error"), a short message for exit 2, and no file left behind when the
exit code is not 0 or 3 (the case directory is snapshotted before the run; a sweep writing outside its out/
directory shows up here too). Each case runs with a 20 s timeout and a 1 GiB address-space limit.

Usage: run_corpus.py [--bin-dir build/src/app] [--jobs N] [--only GLOB ...] [--area AREA] [--list] [--keep]
                     [--verbose] [--json FILE]
Prints one line per failing case and "N of M cases handled"; exits 1 if any case fails.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import fnmatch
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import corpus_support  # noqa: E402
import cases  # noqa: E402,F401  (declares corpus_support.CASES)

CRASH_MARKERS = ("terminate called", "bad_alloc", "Assertion", "assertion failed", "internal error", "Segmentation",
                 "Aborted", "core dumped", "AddressSanitizer", "runtime error:", "std::length_error")
MAX_MESSAGE_LINES = 12  # "a one-line-ish message": more than this on stderr for an input error is a failure
MAX_MESSAGE_BYTES = 4096


@dataclass
class Ctx:
    configs: str
    examples: str
    dir: str

    def sub(self, text: str) -> str:
        return text.replace("@CONFIGS@", self.configs).replace("@EX@", self.examples).replace("@DIR@", self.dir)


@dataclass
class Outcome:
    case: corpus_support.Case
    ok: bool
    reason: str
    code: int | None
    signal_name: str | None
    seconds: float
    command: list[str]
    stderr: str
    stdout: str
    leftovers: list[str]


def snapshot(root: str) -> set[str]:
    """Regular files and symlinks under root (relative), skipping <output>.logs directories of multi-rank runs."""
    out = set()
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.endswith(".logs")]
        for f in files:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


def limit_resources(memory_mb: int) -> None:
    os.setsid()
    if memory_mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 << 20, 512 << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def command_of(c: corpus_support.Case, ctx: Ctx, bins: dict) -> list[str]:
    args = [ctx.sub(a) for a in c.args]
    base = ctx.sub(c.base) if c.base else None
    has_config = any(a in ("-c", "--config") or a.startswith("--config=") for a in args)
    if c.tool == "llmsim":
        cmd = [bins["llmsim"], "-q"]
        if base and not has_config:
            cmd += ["--config", base]
        cmd += args
        if c.output and not any(a in ("-o", "--output") or a.startswith("--output=") for a in args):
            cmd += ["--output", os.path.join(ctx.dir, "out.h5")]
        return cmd
    if c.tool in ("plan", "predict"):
        return [bins["llmsim"], c.tool] + (["-c", base] if base and not has_config else []) + args
    if c.tool == "predictor":
        return [bins["llmsim-predictor"]] + args[:1] + (["-c", base] if base and not has_config else []) + args[1:]
    return [bins["llmsim-sweep"]] + args


def wait_for(path: str, seconds: float = 60) -> None:
    """The binaries may be rebuilt while the corpus runs: wait a little for one that is momentarily missing."""
    deadline = time.time() + seconds
    while not os.access(path, os.X_OK) and time.time() < deadline:
        time.sleep(0.5)


def run_case(c: corpus_support.Case, work: str, configs: str, bins: dict, memory_mb: int) -> Outcome:
    d = os.path.join(work, "cases", c.name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    ctx = Ctx(configs, os.path.join(configs, "examples"), d)
    for rel, content in c.files.items():
        path = os.path.join(d, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if callable(content):
            content = content(ctx, path)
            if content is None:
                continue
        data = ctx.sub(content).encode() if isinstance(content, str) else content
        with open(path, "wb") as f:
            f.write(data)
    cwd = os.path.join(d, c.cwd)
    os.makedirs(cwd, exist_ok=True)
    before = snapshot(d)
    cmd = command_of(c, ctx, bins)
    wait_for(cmd[0], 30)
    env = dict(os.environ)
    # Own TMPDIR per case, so that no case sees another's temporaries.
    tmp = os.path.join(work, "tmp", c.name)
    os.makedirs(tmp, exist_ok=True)
    # One predictor cache for the run (content-keyed, written atomically; wiped at the start of every run).
    env.update(LLMSIM_PREDICTOR_CACHE=os.path.join(work, "predictor-cache"), TMPDIR=tmp, LC_ALL="C")
    start = time.time()
    code, sig, timed_out = None, None, False
    try:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, preexec_fn=lambda: limit_resources(memory_mb))
        try:
            out, err = p.communicate(timeout=c.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
        code = p.returncode
    except OSError as e:
        out, err, code = b"", str(e).encode(), None
    seconds = time.time() - start
    stdout = out.decode(errors="replace")
    stderr = err.decode(errors="replace")
    if code is not None and code < 0:
        sig = signal.Signals(-code).name
    leftovers = sorted(snapshot(d) - before)

    expected = c.expect if isinstance(c.expect, tuple) else (c.expect,)
    problems = []
    if timed_out:
        problems.append(f"timeout after {c.timeout:.0f} s (hang or runaway allocation)")
    elif code is None:
        problems.append("could not start: " + stderr.strip())
    elif sig:
        problems.append(f"killed by {sig}")
    elif code not in expected:
        problems.append(f"exit {code}, expected {' or '.join(map(str, expected))}")
    elif code != 0 and not stderr.strip():
        problems.append("empty stderr")
    elif code != 0 and c.want and not any(ctx.sub(w) in stderr for w in c.want.split("|")):
        problems.append(f"message lacks '{c.want}'")
    if code == 2 and len(stderr.strip().splitlines()) > MAX_MESSAGE_LINES:
        problems.append(f"{len(stderr.strip().splitlines())} lines on stderr (expected a short message)")
    if code == 2 and len(stderr) > MAX_MESSAGE_BYTES:
        problems.append(f"a {len(stderr)}-byte message (expected a short one; echoes a huge input?)")
    marker = next((m for m in CRASH_MARKERS if m in stderr), None)
    if marker and not sig:
        problems.append(f"crash marker '{marker}' on stderr")
    if code not in (0, 3) and leftovers:
        problems.append("left files behind: " + ", ".join(leftovers[:5]))
    reason = "; ".join(problems)
    return Outcome(c, not reason, reason, code, sig, seconds, cmd, stderr, stdout, leftovers)


def shown(cmd: list[str], work: str) -> str:
    return " ".join(shlex.quote(a) for a in cmd).replace(work, "$WORK")


def main() -> int:
    repo = os.path.dirname(os.path.dirname(HERE))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.path.join(repo, "build", "src", "app"),
                    help="directory of llmsim, llmsim-sweep, llmsim-predictor (default: <repo>/build/src/app)")
    ap.add_argument("--llmsim"), ap.add_argument("--llmsim-sweep"), ap.add_argument("--llmsim-predictor")
    ap.add_argument("--configs", default=os.path.join(repo, "configs"), help="the configs/ directory")
    ap.add_argument("--workdir", help="where case directories go (default: a fresh temporary directory)")
    ap.add_argument("--jobs", "-j", type=int, default=max(4, 2 * (os.cpu_count() or 1)),
                    help="cases run at once (each mostly waits on MPI start-up; default 2 x cores, at least 4)")
    ap.add_argument("--memory-mb", type=int, default=1024, help="address-space limit per case (0: none)")
    ap.add_argument("--only", action="append", default=[], help="run only these cases (glob patterns; repeatable)")
    ap.add_argument("--area", action="append", default=[], help="run only these areas (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", "-v", action="store_true", help="also print stderr of failing cases")
    ap.add_argument("--json", help="write every outcome (command, exit code, stderr, ...) to this file")
    a = ap.parse_args()

    selected = [c for c in corpus_support.CASES
                if (not a.only or any(fnmatch.fnmatchcase(c.name, p) for p in a.only))
                and (not a.area or c.area in a.area)]
    if a.list:
        for c in selected:
            print(f"{c.name:44s} {c.area:10s} {c.tool:9s} exit {c.expect}  {' '.join(c.args)[:110]}")
        print(f"{len(selected)} case(s)")
        return 0
    if not selected:
        print("no case matches", file=sys.stderr)
        return 2
    bins = {"llmsim": a.llmsim or os.path.join(a.bin_dir, "llmsim"),
            "llmsim-sweep": a.llmsim_sweep or os.path.join(a.bin_dir, "llmsim-sweep"),
            "llmsim-predictor": a.llmsim_predictor or os.path.join(a.bin_dir, "llmsim-predictor")}
    bins = {k: os.path.abspath(v) for k, v in bins.items()}
    for b in bins.values():
        wait_for(b, 60)
        if not os.access(b, os.X_OK):
            print(f"run_corpus: {b} is missing (build it first)", file=sys.stderr)
            return 2
    configs = os.path.abspath(a.configs)
    work = os.path.abspath(a.workdir) if a.workdir else tempfile.mkdtemp(prefix="llmsim-robustness-")
    if a.workdir:
        shutil.rmtree(os.path.join(work, "cases"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "predictor-cache"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "tmp"), ignore_errors=True)
    os.makedirs(work, exist_ok=True)

    start = time.time()
    outcomes: list[Outcome] = []
    # Longest first (durations of the previous run in this work directory), so hangs do not start last.
    durations_file = os.path.join(work, "durations.json")
    try:
        with open(durations_file) as f:
            previous = json.load(f)
    except (OSError, ValueError):
        previous = {}
    order = sorted(selected, key=lambda c: -previous.get(c.name, c.timeout / 10))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futures = [pool.submit(run_case, c, work, configs, bins, a.memory_mb) for c in order]
        for f in concurrent.futures.as_completed(futures):
            outcomes.append(f.result())
    outcomes.sort(key=lambda o: corpus_support.CASES.index(o.case))
    wall = time.time() - start

    previous.update({o.case.name: round(o.seconds, 2) for o in outcomes})
    with open(durations_file, "w") as f:
        json.dump(previous, f, indent=0, sort_keys=True)
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        lines = [l for l in o.stderr.splitlines() if l.strip()]
        first = next((l for l in lines if "error" in l.lower() or "terminate" in l), lines[0] if lines else "")
        print(f"FAIL {o.case.name} [{o.case.area}]: {o.reason}; stderr: {first[:200]}")
        if a.verbose:
            print("    command: " + shown(o.command, work))
            for line in o.stderr.splitlines()[:6]:
                print("    | " + line[:300])
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} cases handled ({wall:.1f} s, {a.jobs} at once)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"wall_seconds": wall, "work": work, "outcomes": [
                {"name": o.case.name, "area": o.case.area, "tool": o.case.tool, "ok": o.ok, "reason": o.reason,
                 "expect": o.case.expect, "want": o.case.want, "code": o.code, "signal": o.signal_name,
                 "seconds": round(o.seconds, 3), "command": shown(o.command, work), "note": o.case.note,
                 "stderr": o.stderr[:4000], "leftovers": o.leftovers} for o in outcomes]}, f, indent=1)
    if not a.keep and not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
