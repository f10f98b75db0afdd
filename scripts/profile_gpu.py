#!/usr/bin/env python3
"""Profiles one model's operators on this machine's GPU and writes them as llmsim's bundled profile format.

  scripts/profile_gpu.py --model configs/models/llama-2-7b.yaml --device-name h200 --tp 1 2 4 --out configs/profiles

writes OUT/compute/DEVICE_NAME/<model name>/mlp.csv.gz and attention.csv.gz: the layout of Vidur's profiles (its
mlp.csv and attention.csv columns, read by the `profiled` predictor: docs/predictor.md, "Data"), one row per grid
point and tensor-parallel degree, each operator's min/max/mean/median/std over --repeats timed calls in ms. Give a
config `execution_time_predictor: {name: profiled, profile_dir: OUT}` and a `cluster.replica.device` named
DEVICE_NAME (e.g. configs/hardware/h200.yaml) and llmsim predicts from these rows instead of the roofline.

The network profiles (all_reduce, send_recv) stay where they are: llmsim reads them from PROFILE_DIR/network/<node>,
so either write into a copy of configs/profiles or copy the node's folder from there next to the new compute folder.

What is timed, per tensor-parallel shard on one GPU (TP is simulated by shard shapes; all-reduce and send/recv
come from the network profiles, not from here):
  input_layernorm, post_attention_layernorm  RMSNorm of [tokens, hidden]
  attn_pre_proj, attn_post_proj              QKV and output projections (torch.matmul, i.e. cuBLAS on a GPU)
  attn_rope                                  rotary embedding of the query and key heads
  mlp_up_proj, mlp_act, mlp_down_proj        the MLP (gated: SiLU(gate) x up)
  add                                        the residual add
  attn_prefill, attn_decode                  attention of a chunk over its cached prefix (causal), and of a
                                             batch of single-token decodes over their contexts: PyTorch's
                                             scaled_dot_product_attention (FlashAttention / memory-efficient
                                             kernels on a GPU with torch >= 2.0), plain matmul-softmax-matmul else
  attn_kv_cache_save                         writing the new tokens' K and V into a paged cache
The operators are PyTorch's eager kernels, not a serving engine's fused ones (vLLM fuses norms, RoPE and the
activation): the linear layers, the bulk of a stage, run the same cuBLAS GEMMs; the small operators are somewhat
slower than an engine's. Attention over a contiguous (not paged) KV cache; decode contexts all equal the row's
kv_cache_size (llmsim keys decode attention by the batch's mean context).

On a CPU (--device cpu, or no GPU) the same code runs and is timed with the wall clock: that is how the format and
its round trip into llmsim are tested (tests/integration/profile_gpu_round_trip.sh), with tiny shapes; CPU timings
are not a GPU's.
"""
import argparse
import gzip
import math
import os
import statistics
import sys
import tempfile
import time

import yaml

MLP_OPS = ["input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj", "post_attention_layernorm",
           "mlp_up_proj", "mlp_act", "mlp_down_proj", "add"]
ATTENTION_OPS = ["attn_prefill", "attn_decode", "attn_kv_cache_save"]
STATS = ["min", "max", "mean", "median", "std"]
MLP_SHAPE = ["n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "use_gated_mlp", "num_tokens",
             "num_tensor_parallel_workers"]
ATTENTION_SHAPE = ["n_embd", "n_q_head", "n_kv_head", "block_size", "num_tensor_parallel_workers", "max_model_len",
                   "batch_size", "prefill_chunk_size", "kv_cache_size", "is_prefill", "attention_backend",
                   "profile_method"]
MODEL_KEYS = ["name", "num_q_heads", "num_kv_heads", "embedding_dim", "mlp_hidden_dim", "use_gated_mlp", "vocab_size"]


def fail(message):
    print(f"profile_gpu.py: {message}", file=sys.stderr)
    sys.exit(2)


def load_model(path):
    try:
        with open(path) as f:
            m = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        fail(f"{path}: {e}")
    if not isinstance(m, dict):
        fail(f"{path}: expected a model mapping (configs/models/*.yaml)")
    missing = [k for k in MODEL_KEYS if k not in m]
    if missing:
        fail(f"{path}: missing key(s) {', '.join(missing)} (see configs/models/llama-2-7b.yaml)")
    if m["embedding_dim"] % m["num_q_heads"]:
        fail(f"{path}: embedding_dim {m['embedding_dim']} is not a multiple of num_q_heads {m['num_q_heads']}")
    return m


def token_grid(max_tokens):
    """1-8, every 8 to 128, every 32 to 1024, every 128 beyond (about Vidur's density where it matters)."""
    grid = set(range(1, min(8, max_tokens) + 1))
    for step, end in ((8, 128), (32, 1024), (128, max_tokens)):
        grid.update(range(step, min(end, max_tokens) + 1, step))
    grid.add(max_tokens)
    return sorted(grid)


class Timer:
    """Times fn() --repeats times after --warmup calls: CUDA events on a GPU, the wall clock on a CPU (ms)."""

    def __init__(self, torch, device, repeats, warmup):
        self.torch, self.device, self.repeats, self.warmup = torch, device, repeats, warmup

    def __call__(self, fn):
        torch = self.torch
        for _ in range(self.warmup):
            fn()
        times = []
        for _ in range(self.repeats):
            if self.device.type == "cuda":
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            else:
                t0 = time.perf_counter_ns()
                fn()
                times.append((time.perf_counter_ns() - t0) / 1e6)
        return {"min": min(times), "max": max(times), "mean": statistics.fmean(times),
                "median": statistics.median(times), "std": statistics.pstdev(times)}


class Shard:
    """One tensor-parallel shard of the model's layer: head counts and MLP width divided by TP."""

    def __init__(self, model, tp):
        self.tp = tp
        self.hidden = model["embedding_dim"]
        self.head_dim = self.hidden // model["num_q_heads"]
        if model["num_q_heads"] % tp or model["mlp_hidden_dim"] % tp:
            fail(f"--tp {tp}: num_q_heads {model['num_q_heads']} and mlp_hidden_dim {model['mlp_hidden_dim']} "
                 "must be multiples of it")
        self.q_heads = model["num_q_heads"] // tp
        self.kv_heads = max(1, model["num_kv_heads"] // tp)  # KV heads are replicated when there are fewer than TP
        self.mlp = model["mlp_hidden_dim"] // tp
        self.gated = bool(model["use_gated_mlp"])


def mlp_rows(torch, timer, model, shard, tokens_grid, dtype, device, progress):
    h, d = shard.hidden, shard.head_dim
    qkv = (shard.q_heads + 2 * shard.kv_heads) * d
    up = (2 if shard.gated else 1) * shard.mlp
    weights = {
        "norm": torch.ones(h, dtype=dtype, device=device),
        "pre": torch.randn(h, qkv, dtype=dtype, device=device) / math.sqrt(h),
        "post": torch.randn(shard.q_heads * d, h, dtype=dtype, device=device) / math.sqrt(h),
        "up": torch.randn(h, up, dtype=dtype, device=device) / math.sqrt(h),
        "down": torch.randn(shard.mlp, h, dtype=dtype, device=device) / math.sqrt(shard.mlp),
    }
    rows = []
    for i, n in enumerate(tokens_grid):
        x = torch.randn(n, h, dtype=dtype, device=device)
        y = torch.randn(n, h, dtype=dtype, device=device)
        heads = torch.randn(n, shard.q_heads + shard.kv_heads, d, dtype=dtype, device=device)
        angle = torch.arange(n, device=device, dtype=torch.float32)[:, None] * torch.arange(
            d // 2, device=device, dtype=torch.float32)[None, :] / (d // 2)
        cos, sin = angle.cos().to(dtype)[:, None, :], angle.sin().to(dtype)[:, None, :]
        act_in = torch.randn(n, up, dtype=dtype, device=device)
        mlp_in = torch.randn(n, shard.mlp, dtype=dtype, device=device)
        attn_out = torch.randn(n, shard.q_heads * d, dtype=dtype, device=device)

        def rms_norm():
            return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-5).to(dtype) * weights["norm"]

        def rope():
            a, b = heads[..., : d // 2], heads[..., d // 2:]
            return torch.cat((a * cos - b * sin, b * cos + a * sin), dim=-1)

        def act():
            if shard.gated:
                return torch.nn.functional.silu(act_in[:, : shard.mlp]) * act_in[:, shard.mlp:]
            return torch.nn.functional.gelu(act_in)

        fns = {"input_layernorm": rms_norm, "post_attention_layernorm": rms_norm,
               "attn_pre_proj": lambda: torch.matmul(x, weights["pre"]), "attn_rope": rope,
               "attn_post_proj": lambda: torch.matmul(attn_out, weights["post"]),
               "mlp_up_proj": lambda: torch.matmul(x, weights["up"]), "mlp_act": act,
               "mlp_down_proj": lambda: torch.matmul(mlp_in, weights["down"]), "add": lambda: x + y}
        row = {"n_head": model["num_q_heads"], "n_kv_head": model["num_kv_heads"], "n_embd": h,
               "n_expanded_embd": model["mlp_hidden_dim"], "vocab_size": model["vocab_size"],
               "use_gated_mlp": "True" if shard.gated else "False", "num_tokens": n,
               "num_tensor_parallel_workers": shard.tp}
        with torch.inference_mode():
            for op in MLP_OPS:
                for stat, v in timer(fns[op]).items():
                    row[f"time_stats.{op}.{stat}"] = v
        rows.append(row)
        progress(f"TP{shard.tp} linear operators: {i + 1}/{len(tokens_grid)} token counts")
    return rows


def attention(torch, q, k, v, mask):
    sdpa = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
    if sdpa is not None:
        return sdpa(q, k, v, attn_mask=mask)
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.matmul(torch.softmax(scores.float(), dim=-1).to(q.dtype), v)


def attention_rows(torch, timer, model, shard, args, dtype, device, backend, method, progress):
    d, block = shard.head_dim, args.block_size
    group = shard.q_heads // shard.kv_heads
    cache_slots = args.max_model_len * max(args.batch_sizes)
    cache = torch.zeros(cache_slots, 2, shard.kv_heads, d, dtype=dtype, device=device)
    base = {"n_embd": shard.hidden, "n_q_head": model["num_q_heads"], "n_kv_head": model["num_kv_heads"],
            "block_size": block, "num_tensor_parallel_workers": shard.tp, "max_model_len": args.max_model_len,
            "attention_backend": backend, "profile_method": method}

    def save(n):
        """The timed write of n new tokens' K and V into the cache blocks of one request."""
        new = torch.randn(n, 2, shard.kv_heads, d, dtype=dtype, device=device)
        slots = torch.randperm(cache_slots // block, device=device)[: (n + block - 1) // block]
        index = (slots[:, None] * block + torch.arange(block, device=device)[None, :]).reshape(-1)[:n]
        return lambda: cache.index_copy_(0, index, new)

    def kv_heads(t):  # GQA: each KV head serves `group` query heads (expanded outside the timed call)
        return t.repeat_interleave(group, dim=1) if group > 1 else t

    points = [(c, kv) for c in args.chunks for kv in range(0, args.max_model_len - c + 1, args.kv_step)]
    points += [(0, kv) for kv in range(args.kv_step, args.max_model_len + 1, args.kv_step)]
    rows, skipped = [], []
    with torch.inference_mode():
        for i, (chunk, kv) in enumerate(points):
            batches = [1] if chunk else args.batch_sizes
            for b in batches:
                try:
                    rows.append(attention_row(torch, timer, shard, base, chunk, kv, b, dtype, device, kv_heads, save))
                except RuntimeError as e:  # torch.cuda.OutOfMemoryError is a RuntimeError
                    if "out of memory" not in str(e):
                        raise
                    skipped.append(f"batch {b} chunk {chunk} kv {kv}")
                    if device.type == "cuda":
                        torch.cuda.empty_cache()
            progress(f"TP{shard.tp} attention: {i + 1}/{len(points)} (chunk, kv) points")
    if skipped:
        progress(f"TP{shard.tp} attention: {len(skipped)} point(s) left out, out of device memory: "
                 f"{', '.join(skipped[:5])}{' ...' if len(skipped) > 5 else ''}")
    return rows


def attention_row(torch, timer, shard, base, chunk, kv, b, dtype, device, kv_heads, save):
    d = shard.head_dim
    row = dict(base, batch_size=b, prefill_chunk_size=chunk, kv_cache_size=kv, is_prefill="True" if chunk else "False")
    if chunk:
        q = torch.randn(1, shard.q_heads, chunk, d, dtype=dtype, device=device)
        k = kv_heads(torch.randn(1, shard.kv_heads, kv + chunk, d, dtype=dtype, device=device))
        v = kv_heads(torch.randn(1, shard.kv_heads, kv + chunk, d, dtype=dtype, device=device))
        # Query i of the chunk sees the prefix and the chunk's first i + 1 tokens.
        mask = torch.ones(chunk, kv + chunk, dtype=torch.bool, device=device).tril(kv)
        ops = {"attn_prefill": timer(lambda: attention(torch, q, k, v, mask)), "attn_decode": None}
    else:
        q = torch.randn(b, shard.q_heads, 1, d, dtype=dtype, device=device)
        k = kv_heads(torch.randn(b, shard.kv_heads, kv, d, dtype=dtype, device=device))
        v = kv_heads(torch.randn(b, shard.kv_heads, kv, d, dtype=dtype, device=device))
        ops = {"attn_prefill": None, "attn_decode": timer(lambda: attention(torch, q, k, v, None))}
    ops["attn_kv_cache_save"] = timer(save(max(chunk, b)))
    for op in ATTENTION_OPS:
        for stat in STATS:
            row[f"time_stats.{op}.{stat}"] = "" if ops[op] is None else ops[op][stat]
    return row


def write_csv_gz(path, columns, rows):
    """Writes through a temporary in the same folder and a rename, so a reader never sees half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".profile-", suffix=".csv.gz")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write((",".join(columns) + "\n").encode())
            for r in rows:
                f.write((",".join(repr(r[c]) if isinstance(r[c], float) else str(r[c]) for c in columns) +
                         "\n").encode())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="model config (configs/models/*.yaml)")
    ap.add_argument("--device-name", required=True,
                    help="the hardware name llmsim will look the profile up by (cluster.replica.device.name)")
    ap.add_argument("--tp", type=int, nargs="+", default=[1], help="tensor-parallel degrees to profile (default 1)")
    ap.add_argument("--out", default="profiles", help="profile folder (the config's profile_dir); default ./profiles")
    ap.add_argument("--device", default=None, help="torch device (default: cuda if available, else cpu)")
    ap.add_argument("--dtype", choices=["float16", "bfloat16", "float32"],
                    help="weights and activations (default: float16 on a GPU, as Vidur's profiles; float32 on a CPU, "
                         "which has no half-precision matmul in every torch)")
    ap.add_argument("--max-tokens", type=int, default=4096, help="largest batch token count of the linear operators")
    ap.add_argument("--tokens", type=int, nargs="+", help="token counts instead of the default grid up to --max-tokens")
    ap.add_argument("--max-model-len", type=int, default=4096, help="largest context (chunk + KV) for attention")
    ap.add_argument("--kv-step", type=int, default=256, help="KV-cache grid step for attention (default 256)")
    ap.add_argument("--chunks", type=int, nargs="+", default=[64, 128, 256, 512, 1024, 2048, 4096],
                    help="prefill chunk sizes (those above --max-model-len are skipped)")
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32, 64, 128],
                    help="decode batch sizes")
    ap.add_argument("--block-size", type=int, default=16, help="KV-cache block size (replica_scheduler.block_size)")
    ap.add_argument("--repeats", type=int, default=10, help="timed calls per point (default 10)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed calls before them (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random tensors")
    args = ap.parse_args()
    for name in ("max_tokens", "max_model_len", "kv_step", "block_size", "repeats"):
        if getattr(args, name) < 1:
            fail(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0 or min(args.tp) < 1 or min(args.batch_sizes) < 1 or min(args.tokens or [1]) < 1:
        fail("--warmup must be >= 0, and --tp, --batch-sizes and --tokens >= 1")
    args.chunks = sorted({c for c in args.chunks if 0 < c <= args.max_model_len})
    if not args.chunks:
        fail(f"no --chunks value in 1..--max-model-len ({args.max_model_len})")
    model = load_model(args.model)
    try:
        import torch
    except ImportError:
        fail("needs PyTorch (Debian: apt-get install python3-torch; or pip install torch)")
    torch.manual_seed(args.seed)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    args.dtype = args.dtype or ("float16" if device.type == "cuda" else "float32")
    dtype = getattr(torch, args.dtype)
    timer = Timer(torch, device, args.repeats, args.warmup)
    backend = ("TORCH_SDPA" if hasattr(torch.nn.functional, "scaled_dot_product_attention") else "TORCH_MATH")
    method = "CUDA_EVENTS" if device.type == "cuda" else "WALL_CLOCK"
    what = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"profiling {model['name']} on {what} ({device}, {args.dtype}, torch {torch.__version__}) as "
          f"'{args.device_name}', TP {' '.join(map(str, args.tp))}", file=sys.stderr)
    started = time.monotonic()

    def progress(text):
        print(f"[{time.monotonic() - started:7.1f} s] {text}", file=sys.stderr, flush=True)

    tokens = sorted(set(args.tokens)) if args.tokens else token_grid(args.max_tokens)
    mlp, attn = [], []
    for tp in args.tp:
        shard = Shard(model, tp)
        mlp += mlp_rows(torch, timer, model, shard, tokens, dtype, device, progress)
        attn += attention_rows(torch, timer, model, shard, args, dtype, device, backend, method, progress)
    folder = os.path.join(args.out, "compute", args.device_name, model["name"])
    stat_columns = lambda ops: [f"time_stats.{op}.{s}" for op in ops for s in STATS]
    write_csv_gz(os.path.join(folder, "mlp.csv.gz"), stat_columns(MLP_OPS) + MLP_SHAPE, mlp)
    write_csv_gz(os.path.join(folder, "attention.csv.gz"), stat_columns(ATTENTION_OPS) + ATTENTION_SHAPE, attn)
    print(f"wrote {len(mlp)} linear-operator rows and {len(attn)} attention rows to {folder} "
          f"in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
