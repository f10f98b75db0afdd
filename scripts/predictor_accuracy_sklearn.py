#!/usr/bin/env python3
"""Held-out error of Vidur's random-forest execution-time predictor, per operator.

Reference numbers for llmsim's C++ predictor: for every operator, build the training
frame exactly as Vidur's SklearnExecutionTimePredictor does (drop_duplicates() on the raw
CSV, the model-shape / TP / network filters, the zero-fill of missing norm/add/kv-save
targets, the same features), then cross-validate sklearn's RandomForestRegressor over
Vidur's hyper-parameter grid and report the best candidate's MAPE.

Fold rule (the contract with the C++ side): the frame stays in file order after
drop_duplicates() and filtering, and the row at position i (0-based) belongs to fold
i % k, where k = --folds (default 10), or k = 2 if the frame has fewer than k rows. The
held-out prediction for fold f comes from a forest trained on all other folds. Note that
this interleaved split differs from the contiguous KFold that Vidur's GridSearchCV(cv=k)
uses.

Score: Vidur's MAPE in percent (100*|y-p|/|y|; for y == 0 the error is 0 if p == 0, else
100), averaged over all held-out predictions pooled. The best (lowest) candidate is
reported; ties go to the first candidate in GridSearchCV's order. Forests use
random_state=0. Larger n_estimators are grown with warm_start, which gives the same trees
as a fresh fit with the same random_state.

sklearn is only used here, offline, to produce reference numbers; the simulator never
uses it at run time.
"""

import argparse
import itertools
import sys
import time
from typing import Dict, List, NamedTuple, Tuple

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

GRIDS = {
    "vidur": {"max_depth": (8, 16, 32), "min_samples_split": (2, 5, 10),
              "n_estimators": (250, 500, 750)},
    "n250": {"max_depth": (8, 16, 32), "min_samples_split": (2, 5, 10),
             "n_estimators": (250,)},
    "small": {"max_depth": (16,), "min_samples_split": (2,), "n_estimators": (250,)},
}

MLP_OPERATORS = ("attn_pre_proj", "attn_post_proj", "attn_rope", "mlp_up_proj",
                 "mlp_down_proj", "mlp_act", "input_layernorm",
                 "post_attention_layernorm", "add")
MLP_ZERO_FILLED = ("input_layernorm", "post_attention_layernorm", "add")

RESULT_COLUMNS = ["operator", "rows", "folds", "grid", "rf_mape_percent",
                  "rf_n_estimators", "rf_max_depth", "rf_min_samples_split", "seconds"]


class ModelShape(NamedTuple):
    n_head: int
    n_kv_head: int
    n_embd: int
    n_expanded_embd: int
    vocab_size: int
    use_gated_mlp: bool


class Operator(NamedTuple):
    name: str
    features: np.ndarray
    target: np.ndarray
    grid: str


def target_column(name: str) -> str:
    return f"time_stats.{name}.median"


def read_profile(path: str) -> pd.DataFrame:
    """pd.read_csv + drop_duplicates() on the raw frame, as Vidur does."""
    return pd.read_csv(path).drop_duplicates()


def keep(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """Filter rows, keeping file order, and renumber positions from 0."""
    return df[mask].reset_index(drop=True)


def zero_fill(df: pd.DataFrame, operators) -> pd.DataFrame:
    df = df.copy()
    for name in operators:
        column = target_column(name)
        df[column] = df[column].fillna(0) if column in df.columns else 0
    return df


def make_operator(name: str, df: pd.DataFrame, feature_cols: List[str], grid: str) -> Operator:
    return Operator(name, df[feature_cols].to_numpy(dtype=float),
                    df[target_column(name)].to_numpy(dtype=float), grid)


def mlp_operators(path: str, shape: ModelShape, tp: int, grid: str) -> List[Operator]:
    raw = read_profile(path)
    df = keep(raw, (raw["n_head"] == shape.n_head)
              & (raw["n_kv_head"] == shape.n_kv_head)
              & (raw["n_embd"] == shape.n_embd)
              & (raw["n_expanded_embd"] == shape.n_expanded_embd)
              & (raw["use_gated_mlp"] == shape.use_gated_mlp)
              & (raw["vocab_size"] == shape.vocab_size)
              & (raw["num_tensor_parallel_workers"] == tp))
    present = [name for name in MLP_OPERATORS if target_column(name) in raw.columns]
    df = zero_fill(df, [name for name in MLP_ZERO_FILLED if name in present])
    return [make_operator(name, df, ["num_tokens"], grid) for name in present]


def attention_operators(path: str, shape: ModelShape, tp: int, block_size: int,
                        grid: str) -> List[Operator]:
    raw = zero_fill(read_profile(path), ["attn_kv_cache_save"])
    df = keep(raw, (raw["n_embd"] == shape.n_embd)
              & (raw["n_q_head"] == shape.n_head)
              & (raw["n_kv_head"] == shape.n_kv_head)
              & (raw["block_size"] == block_size)
              & (raw["num_tensor_parallel_workers"] == tp))
    df["num_tokens"] = df[["prefill_chunk_size", "batch_size"]].max(axis=1)
    df["prefill_chunk_size_squared"] = df["prefill_chunk_size"] ** 2
    is_decode = df["prefill_chunk_size"] == 0
    return [
        make_operator("attn_kv_cache_save", df, ["num_tokens"], grid),
        make_operator("attn_prefill", keep(df, ~is_decode),
                 ["kv_cache_size", "prefill_chunk_size_squared"], grid),
        make_operator("attn_decode", keep(df, is_decode), ["batch_size", "kv_cache_size"], grid),
    ]


def network_operator(name: str, df: pd.DataFrame, n_embd: int, grid: str) -> Operator:
    df = df.copy()
    df["num_tokens"] = df["size"] / n_embd / 2
    return make_operator(name, df, ["num_tokens"], grid)


def all_reduce_operator(path: str, n_embd: int, tp: int, grid: str) -> Operator:
    raw = read_profile(path)
    df = keep(raw, (raw["num_workers"] == tp) & (raw["devices_per_node"] == tp)
              & (raw["collective"] == "all_reduce"))
    return network_operator("all_reduce", df, n_embd, grid)


def send_recv_operator(path: str, n_embd: int, multi_node: bool, grid: str) -> Operator:
    raw = read_profile(path)
    df = keep(raw, (raw["collective"] == "send_recv")
              & (raw["devices_per_node"] == (1 if multi_node else 2)))
    return network_operator("send_recv", df, n_embd, grid)


def vidur_mape(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    nonzero = y_true != 0
    error = np.where(y_pred == 0, 0.0, 100.0)
    error[nonzero] = 100 * np.abs((y_true[nonzero] - y_pred[nonzero]) / y_true[nonzero])
    return float(np.mean(error))


def fold_ids(rows: int, folds: int) -> Tuple[np.ndarray, int]:
    k = folds if rows >= folds else 2
    return np.arange(rows) % k, k


def held_out_predictions(op: Operator, folds: np.ndarray, max_depth: int,
                         min_samples_split: int, n_estimators, jobs: int
                         ) -> Dict[int, np.ndarray]:
    """Held-out predictions for each n_estimators value (forests grown with warm_start)."""
    predictions = {n: np.empty_like(op.target) for n in n_estimators}
    for fold in np.unique(folds):
        test = folds == fold
        forest = RandomForestRegressor(max_depth=max_depth,
                                       min_samples_split=min_samples_split,
                                       random_state=0, n_jobs=jobs, warm_start=True)
        for n in sorted(n_estimators):
            forest.set_params(n_estimators=n)
            forest.fit(op.features[~test], op.target[~test])
            predictions[n][test] = forest.predict(op.features[test])
    return predictions


def best_candidate(op: Operator, folds: np.ndarray, jobs: int) -> Tuple[float, Dict[str, int]]:
    """Lowest pooled held-out MAPE over the grid, in GridSearchCV's candidate order."""
    grid = GRIDS[op.grid]
    best_score, best_params = np.inf, {}
    for max_depth, min_samples_split in itertools.product(grid["max_depth"],
                                                          grid["min_samples_split"]):
        predictions = held_out_predictions(op, folds, max_depth, min_samples_split,
                                           grid["n_estimators"], jobs)
        for n in grid["n_estimators"]:
            score = vidur_mape(op.target, predictions[n])
            if score < best_score:
                best_score, best_params = score, {"n_estimators": n, "max_depth": max_depth,
                                                  "min_samples_split": min_samples_split}
    return best_score, best_params


def evaluate(op: Operator, folds: int, jobs: int) -> dict:
    start = time.time()
    fold_of_row, k = fold_ids(len(op.target), folds)
    score, params = best_candidate(op, fold_of_row, jobs)
    return {"operator": op.name, "rows": len(op.target), "folds": k, "grid": op.grid,
            "rf_mape_percent": score, "rf_n_estimators": params["n_estimators"],
            "rf_max_depth": params["max_depth"],
            "rf_min_samples_split": params["min_samples_split"],
            "seconds": round(time.time() - start, 1)}


def parse_shape(text: str) -> ModelShape:
    fields = text.split(",")
    if len(fields) != 6:
        raise argparse.ArgumentTypeError(
            "expected n_head,n_kv_head,n_embd,n_expanded_embd,vocab_size,use_gated_mlp")
    gated = fields[5].strip().lower()
    if gated not in ("1", "0", "true", "false"):
        raise argparse.ArgumentTypeError("use_gated_mlp must be 1, 0, true or false")
    return ModelShape(*(int(f) for f in fields[:5]), gated in ("1", "true"))


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlp", help="compute mlp.csv(.gz)")
    parser.add_argument("--attention", help="compute attention.csv(.gz)")
    parser.add_argument("--all-reduce", help="network all_reduce.csv(.gz)")
    parser.add_argument("--send-recv", help="network send_recv.csv(.gz)")
    parser.add_argument("--tp", type=int, default=1, help="tensor-parallel degree")
    parser.add_argument("--model-shape", type=parse_shape, required=True,
                        help="n_head,n_kv_head,n_embd,n_expanded_embd,vocab_size,"
                             "use_gated_mlp (network ops use only n_embd)")
    parser.add_argument("--block-size", type=int, default=16)
    parser.add_argument("--multi-node", type=int, choices=(0, 1), default=0,
                        help="send_recv rows: devices_per_node 1 if set, else 2")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--grid", choices=sorted(GRIDS), default="vidur",
                        help="vidur = 27 candidates, n250 = the 9 with n_estimators "
                             "250, small = one candidate (smoke test)")
    parser.add_argument("--attention-grid", choices=sorted(GRIDS),
                        help="grid for the attention operators (default: --grid)")
    parser.add_argument("--jobs", type=int, default=1, help="RandomForest n_jobs")
    parser.add_argument("--out", required=True, help="result CSV")
    return parser.parse_args(argv)


def load_operators(args: argparse.Namespace) -> List[Operator]:
    shape = args.model_shape
    operators = []
    if args.mlp:
        operators += mlp_operators(args.mlp, shape, args.tp, args.grid)
    if args.attention:
        operators += attention_operators(args.attention, shape, args.tp, args.block_size,
                                         args.attention_grid or args.grid)
    if args.all_reduce:
        operators.append(all_reduce_operator(args.all_reduce, shape.n_embd, args.tp,
                                             args.grid))
    if args.send_recv:
        operators.append(send_recv_operator(args.send_recv, shape.n_embd,
                                            bool(args.multi_node), args.grid))
    return operators


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    operators = load_operators(args)
    empty = [op.name for op in operators if len(op.target) == 0]
    if empty:
        sys.exit(f"no training rows after filtering for: {', '.join(empty)}")
    results = []
    for op in operators:
        results.append(evaluate(op, args.folds, args.jobs))
        table = pd.DataFrame(results, columns=RESULT_COLUMNS)
        table.to_csv(args.out, index=False)
        print(f"done {op.name}: {results[-1]['rf_mape_percent']:.4f}% "
              f"in {results[-1]['seconds']} s", file=sys.stderr, flush=True)
    with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
        print(pd.DataFrame(results, columns=RESULT_COLUMNS).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
