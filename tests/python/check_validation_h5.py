#!/usr/bin/env python3
"""`llmsim validate` reports what the measurements and llmsim's own runs say.

  check_validation_h5.py LLMSIM REPO WORKDIR

Runs `llmsim validate` on the bundled suites, then checks its HDF5 file independently:
* every measured value is the median of the splitwise-sim rows of its setting (pandas on the vendored CSV), and
  exactly the rows the suite keeps appear (A100 and H100 Llama-2-70B; no H100-pcap or BLOOM rows; the excluded
  TP2 batch-64 prefill and the early-stopped e2e times absent);
* error_percent = 100 (predicted - measured) / measured, and the summary's median / P90 / max |error| and mean
  signed error equal numpy's over the cases of each group;
* the predicted values of three cases equal a plain `llmsim` run of the same setting (mean TTFT, TPOT, e2e of its
  /requests), and with the CPU overhead each case's decode iteration is at least the launch floor (80 layers x
  0.55 ms) plus the per-iteration and per-request terms.
"""
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd


def table(f, name):
    df = pd.DataFrame(f[name][()])
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].str.decode("utf-8")
    return df


def main():
    llmsim, repo, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    out = work / "validation.h5"
    subprocess.run([llmsim, "validate", "--suite", repo / "configs/validation/suites", "-o", out], check=True,
                   capture_output=True)
    problems = []
    with h5py.File(out) as f:
        cases, summary = table(f, "cases"), table(f, "summary")
        suites = json.loads(f.attrs["suites"])
    if [s["name"] for s in suites] != ["splitwise-llama2-70b"]:
        problems.append(f"suites: {[s['name'] for s in suites]}")

    raw = pd.read_csv(repo / "configs/validation/data/splitwise-perf_model.csv.gz")
    raw = raw[(raw.model == "llama2-70b") & raw.hardware.isin(["a100-80gb", "h100-80gb"])]
    keys = ["hardware", "tensor_parallel", "prompt_size", "batch_size", "token_size"]
    med = raw.groupby(keys).agg(prefill_ms=("prompt_time", "median"), decode_iteration_ms=("token_time", "median"),
                                e2e_ms=("e2e_time", "median"), repeats=("prompt_time", "size")).reset_index()
    expected = med.melt(id_vars=keys + ["repeats"], value_vars=["prefill_ms", "decode_iteration_ms", "e2e_ms"],
                        var_name="metric", value_name="measured_ms")
    drop = ((expected.tensor_parallel == 2) & (expected.batch_size == 64) & expected.metric.isin(["prefill_ms", "e2e_ms"])) | \
           ((expected.token_size >= 1024) & (expected.metric == "e2e_ms"))
    expected = expected[~drop]
    expected = pd.concat([expected.assign(predictor=p) for p in ("profiled", "profiled-cpu")])
    expected["case"] = (expected.hardware.str[:4] + "/" + expected.predictor + "/llama2-70b/tp" + expected.tensor_parallel.astype(str) + "/prompt" +
                        expected.prompt_size.astype(str) + "-batch" + expected.batch_size.astype(str) + "-tokens" +
                        expected.token_size.astype(str))
    got = cases.set_index(["case", "metric"]).sort_index()
    want = expected.set_index(["case", "metric"]).sort_index()
    if list(got.index) != list(want.index):
        problems.append(f"cases differ: {len(got)} rows vs {len(want)} expected; "
                        f"extra {sorted(set(got.index) - set(want.index))[:3]}, missing {sorted(set(want.index) - set(got.index))[:3]}")
    else:
        if not np.allclose(got.measured_ms, want.measured_ms, rtol=1e-12):
            problems.append("measured values are not the medians of the repeats")
        if not (got.repeats.values == want.repeats.values).all():
            problems.append("repeat counts differ")
    err = 100 * (cases.predicted_ms - cases.measured_ms) / cases.measured_ms
    if not np.allclose(err, cases.error_percent, rtol=1e-9, atol=1e-12):
        problems.append("error_percent is not 100 (predicted - measured) / measured")
    if set(cases.role[cases.gpu == "h100"]) != {"held_out"} or set(cases.role[cases.gpu == "a100"]) != {"fit"}:
        problems.append("roles: the A100 rows are fit, the H100 rows held out")

    for _, s in summary.iterrows():
        g = cases[(cases.gpu == s.gpu) & (cases.metric == s.metric) & (cases.predictor == s.predictor)]
        a = np.abs(g.error_percent.values)
        want_row = [len(g), np.percentile(a, 50), np.percentile(a, 90), a.max(), g.error_percent.mean()]
        have = [s.cases, s.median_abs_error_percent, s.p90_abs_error_percent, s.max_abs_error_percent,
                s.mean_signed_error_percent]
        if not np.allclose(have, want_row, rtol=1e-12, atol=1e-12):
            problems.append(f"summary {s.gpu} {s.metric}: {have} != {want_row}")
    if len(summary) != 12:
        problems.append(f"{len(summary)} summary groups, expected 12 (2 GPUs x 2 predictors x 3 metrics)")

    base = repo / "configs/validation/base/single-replica-static-batch.yaml"
    for gpu, node, tp, prompt, batch, tokens in [("a100", "a100_dgx", 4, 512, 8, 128), ("h100", "h100_dgx", 8, 2048, 1, 128),
                                                   ("a100", "a100_dgx", 2, 512, 1, 512)]:
        h5 = work / f"{gpu}-{tp}-{prompt}-{batch}.h5"
        subprocess.run([llmsim, "-q", "-c", base, "-o", h5,
                        "--set", f"cluster.replica.device={repo}/configs/hardware/{gpu}.yaml",
                        "--set", f"cluster.replica.network_device={repo}/configs/hardware/{node}.yaml",
                        "--set", f"cluster.replica.tensor_parallel_size={tp}",
                        "--set", f"request_generator.num_requests={batch}",
                        "--set", f"request_generator.length_generator.prefill_tokens={prompt}",
                        "--set", f"request_generator.length_generator.decode_tokens={tokens}"], check=True)
        with h5py.File(h5) as f:
            r = pd.DataFrame(f["requests"][()])
        sim = {"prefill_ms": r.prefill_e2e_time.mean() / 1e6,
               "decode_iteration_ms": ((r.e2e_time - r.prefill_e2e_time) / (r.num_decode_tokens - 1)).mean() / 1e6,
               "e2e_ms": r.e2e_time.mean() / 1e6}
        case = f"{gpu}/profiled/llama2-70b/tp{tp}/prompt{prompt}-batch{batch}-tokens{tokens}"
        for metric, value in sim.items():
            p = got.loc[(case, metric), "predicted_ms"]
            if abs(p - value) > 1e-9 * value:
                problems.append(f"{case} {metric}: validate {p} vs llmsim run {value}")
    cpu = got.xs("decode_iteration_ms", level="metric")
    cpu = cpu[cpu.index.str.contains("/profiled-cpu/")]
    batch = cpu.index.str.extract(r"batch(\d+)")[0].astype(int).values
    if not (cpu.predicted_ms.values >= 80 * 0.55 + 0.75 + 0.2 * batch - 1e-6).all():
        problems.append("a profiled-cpu decode iteration is below its launch floor plus overhead")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"validation file consistent: {len(cases)} case metrics, {len(summary)} summary groups")


if __name__ == "__main__":
    main()
